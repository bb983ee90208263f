import pino, { type Logger, type LoggerOptions, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log line: API keys, webhook URLs and secrets,
 * bot tokens and authorization headers must never reach a log.
 */
export const REDACT_PATHS = [
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'password',
  '*.password',
  'webhookUrl',
  '*.webhookUrl',
  'authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  '*.headers.authorization',
];

export type LogFormat = 'json' | 'pretty' | 'auto';

export interface LoggerSettings {
  service: string;
  level?: string;
  destination?: DestinationStream;
  /** `auto` (default): coloured, human-readable lines on a terminal, JSON lines otherwise. */
  format?: LogFormat;
}

/** Whether `auto` means pretty here: stdout is a terminal. */
export const isTerminal = (): boolean => process.stdout.isTTY === true;

/**
 * Human-readable lines for a person at a terminal (`npm start` passes LOG_FORMAT=pretty to its
 * children when its own stdout is one). Secrets are redacted before this stream sees a line.
 */
export function prettyStream(destination?: DestinationStream): DestinationStream {
  return pretty({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,service,component',
    messageFormat: '{if component}{component}: {end}{msg}',
    singleLine: true,
    ...(destination ? { destination } : {}),
  });
}

/** One JSON root logger per process; components take children with `{component}`. */
export function createLogger({
  service,
  level = 'info',
  destination,
  format = 'auto',
}: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (format === 'pretty' || (format === 'auto' && !destination && isTerminal()))
    return pino(options, prettyStream(destination));
  return destination ? pino(options, destination) : pino(options);
}
