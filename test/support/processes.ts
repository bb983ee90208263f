import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Starts Pantau services as real separate processes, as `npm start` does, and stops them. */
export const repoRoot = path.resolve(__dirname, '../..');

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

export function startService(name: string, env: Record<string, string>, args: string[] = []): ServiceProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'services', name, 'src', 'main.ts'), ...args],
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
