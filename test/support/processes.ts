import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from '@pantau/testkit';

/** Starts Pantau services as real separate processes, as `npm start` does, and stops them. */
export const repoRoot = path.resolve(__dirname, '../..');

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

export function startService(
  name: string,
  env: Record<string, string>,
  args: string[] = [],
  nodeArgs: string[] = [],
): ServiceProcess {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', path.join(repoRoot, 'services', name, 'src', 'main.ts'), ...args],
    {
      cwd: repoRoot,
      // METRICS_PORT 0: tests running side by side each get a free port for /metrics.
      env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'info', METRICS_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) output.push(line);
    if (output.length > 5_000) output.splice(0, output.length - 5_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { name, child, output, exited };
}

export async function stopService(p: ServiceProcess, timeoutMs = 15_000): Promise<number | null> {
  if (p.child.exitCode !== null) return p.child.exitCode;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return code;
}

/** The last log lines of every process, for a failing test's message. */
export function tail(processes: ServiceProcess[], lines = 15): string {
  return processes.map((p) => `--- ${p.name} ---\n${p.output.slice(-lines).join('\n')}`).join('\n');
}

/**
 * The environment of one isolated stack on the shared servers: its own topics, indices and queues
 * (all named after `prefix`), so e2e suites never see each other's messages.
 */
// A type alias (not an interface) so it passes where a Record<string, string> is asked for.
export type StackEnv = {
  TOPIC_PREFIX: string;
  INDEX_PREFIX: string;
  QUEUE_PREFIX: string;
  PANTAU_ADMIN_KEY: string;
  KAFKA_BROKERS: string;
  OPENSEARCH_URL: string;
  REDIS_URL: string;
};

export function stackEnv(
  prefix: string,
  servers: { kafkaBrokers: string[]; opensearchUrl: string; redisUrl: string },
  adminKey: string,
): StackEnv {
  return {
    TOPIC_PREFIX: `${prefix}.`,
    INDEX_PREFIX: `${prefix}-`,
    QUEUE_PREFIX: prefix,
    PANTAU_ADMIN_KEY: adminKey,
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    OPENSEARCH_URL: servers.opensearchUrl,
    REDIS_URL: servers.redisUrl,
  };
}

/** A port for a service under test (random, so suites running side by side rarely collide). */
export function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

/** JSON calls to the API at `base()` with a bearer key; answers `{status, body}`. */
export function apiCaller(base: () => string) {
  return async (method: string, route: string, key: string, body?: unknown) => {
    const res = await fetch(`${base()}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/**
 * Waits until the API at `api` answers ready and every other process (procs[1..]) has logged that it
 * runs, i.e. joined its consumer groups: posts sent after this are not read from a moving offset.
 * 200 s: at the start of a clean run three services compile their TypeScript while the integration
 * suites fill both cores (90 s ran out once on 2026-12-01, 150 s once in four clean runs on
 * 2026-12-02). The timeout message says what /readyz last answered and the services' latest lines as
 * of the timeout (until 2026-12-02 the lines were taken when the wait began, so always empty).
 */
export async function waitForStack(api: string, procs: ServiceProcess[], timeoutMs = 200_000): Promise<void> {
  let lastReady = 'nothing yet';
  await waitFor(
    async () => {
      const res = await fetch(`${api}/readyz`).catch((err: Error & { cause?: { code?: string } }) => {
        lastReady = `no answer (${err.cause?.code ?? err.message})`;
        return undefined;
      });
      if (!res) return false;
      if (res.status === 200) return true;
      lastReady = `${res.status} ${(await res.text()).slice(0, 300)}`;
      return false;
    },
    {
      timeoutMs,
      intervalMs: 500,
      what: () => `the API to be ready (last /readyz: ${lastReady})\n${tail(procs)}`,
    },
  );
  await waitFor(() => procs.slice(1).every((p) => p.output.some((l) => l.includes('running'))), {
    timeoutMs,
    what: () =>
      `${procs
        .slice(1)
        .map((p) => p.name)
        .join(', ')} to run\n${tail(procs)}`,
  });
}
