import pino, { type Logger, type LoggerOptions, type DestinationStream } from 'pino';

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

export interface LoggerSettings {
  service: string;
  level?: string;
  destination?: DestinationStream;
}

/** One JSON root logger per process; components take children with `{component}`. */
export function createLogger({ service, level = 'info', destination }: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
