import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';

export interface Closable {
  name: string;
  close(): Promise<void> | void;
}

/**
 * Closes everything long-lived in order on SIGINT/SIGTERM or a fatal error: stop consuming first,
 * finish in-flight work, then close clients. Closers run in the order given; one failing does not
 * stop the others. The process exits non-zero if anything failed or the delay ran out.
 */
export function installShutdown(
  logger: Logger,
  closables: Closable[],
  delayMs = 15_000,
): { close(): Promise<void> } {
  const closeAll = async (): Promise<boolean> => {
    let clean = true;
    for (const c of closables) {
      try {
        await c.close();
        logger.info({ component: 'shutdown', closed: c.name }, 'closed');
      } catch (err) {
        clean = false;
        logger.error({ component: 'shutdown', err, closing: c.name }, 'close failed');
      }
    }
    return clean;
  };
  const handle = closeWithGrace({ delay: delayMs }, async ({ signal, err }) => {
    if (err) logger.fatal({ component: 'shutdown', err }, 'fatal error, shutting down');
    else logger.info({ component: 'shutdown', signal }, 'shutting down');
    const clean = await closeAll();
    if (!clean || err) process.exitCode = 1;
  });
  return {
    close: async () => {
      handle.uninstall();
      await closeAll();
    },
  };
}
