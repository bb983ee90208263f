import type { Logger } from 'pino';
import type { Closable } from './shutdown';

/**
 * Runs a background task every `intervalMs` (reload watchlists, re-judge quiet issues…). A failure is
 * logged and the next run tries again; runs never overlap. The result closes with the process.
 */
export function repeat(
  name: string,
  intervalMs: number,
  task: () => Promise<unknown>,
  logger: Logger,
): Closable {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch((err: unknown) => logger.warn({ err, task: name }, 'background task failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  return { name, close: () => clearInterval(timer) };
}
