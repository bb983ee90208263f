import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import pino, { type Logger } from 'pino';

/**
 * Helpers for tests. Integration tests talk to the servers started by scripts/services.sh; when one
 * is missing they FAIL with a message that says how to start it — they never skip.
 */
export const servers = {
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  opensearchUrl: process.env.OPENSEARCH_URL ?? 'http://127.0.0.1:9200',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

/** A name no other test (or earlier run) uses: topics, indices, queues, consumer groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Logs from code under test go to stderr at error level (LOG_LEVEL overrides) so failures are visible. */
export function testLogger(name = 'test'): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? 'error', base: { service: name } }, pino.destination(2));
}

function tcpAnswers(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(url: string, defaultPort: number): [string, number] {
  const u = new URL(url.includes('://') ? url : `tcp://${url}`);
  return [u.hostname, Number(u.port || defaultPort)];
}

/** Throws a loud, actionable error when a server the suite needs is not listening. */
export async function requireServers(...names: ('kafka' | 'opensearch' | 'redis')[]): Promise<void> {
  const missing: string[] = [];
  for (const name of names) {
    const [host, port] =
      name === 'kafka'
        ? hostPort(servers.kafkaBrokers[0]!, 9092)
        : name === 'opensearch'
          ? hostPort(servers.opensearchUrl, 9200)
          : hostPort(servers.redisUrl, 6379);
    if (!(await tcpAnswers(host, port))) missing.push(`${name} at ${host}:${port}`);
  }
  if (missing.length) {
    throw new Error(
      `Integration test needs ${missing.join(', ')} but nothing answers. Start the servers with ` +
        '`bash scripts/services.sh up` (npm test does this by itself), or point KAFKA_BROKERS / ' +
        'OPENSEARCH_URL / REDIS_URL at running ones.',
    );
  }
}

/**
 * Polls until the check returns a truthy value, or fails with the last value seen. `what` may be a
 * function: it is then asked at the timeout, so the message tells what things looked like by then
 * (a service's latest log lines), not when the wait began.
 */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  {
    timeoutMs = 20_000,
    intervalMs = 100,
    what = 'condition',
  }: { timeoutMs?: number; intervalMs?: number; what?: string | (() => string) } = {},
): Promise<T> {
  const started = Date.now();
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      last = await check();
      if (last) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs}ms waiting for ${typeof what === 'function' ? what() : what}; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${String(lastError)}` : ''}`,
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
