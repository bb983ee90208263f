import { Worker, logQueueErrors, type Job, type RedisConnection } from '@pantau/queue';
import type { Logger } from 'pino';
import type { Poller } from './poller';
import type { SourceRegistry } from './registry';
import type { PollJob } from './service';

/**
 * The ingest side: a BullMQ worker on the `sources` queue. Each repeatable job (or manual "poll
 * now") names a source; the worker reads the source fresh from the registry (so a paused or deleted
 * source stops at once) and polls it. Several ingest processes run this worker on one queue: BullMQ
 * hands each job to one of them, and the poller's per-source lock keeps a manual poll and a
 * scheduled one from overlapping. The same queue carries follow-ups (a message back to the people behind
 * a source's items: the tipline's reporters get an agency's clarification). A failed poll is recorded in the source's health, not thrown, so
 * BullMQ does not retry it behind the poller's own backoff.
 */
export const SOURCES_QUEUE = 'sources';

export interface SourceWorkerOptions {
  connection: RedisConnection;
  prefix: string;
  registry: SourceRegistry;
  poller: Poller;
  logger: Logger;
  concurrency?: number;
  name?: string;
}

export function createSourceWorker(options: SourceWorkerOptions): { close(): Promise<void> } {
  const logger = options.logger.child({ component: 'source-worker' });
  const worker = new Worker<PollJob>(
    options.name ?? SOURCES_QUEUE,
    async (job: Job<PollJob>) => {
      const source = await options.registry.get(job.data.sourceId);
      if (!source) {
        logger.info({ sourceId: job.data.sourceId, jobId: job.id }, 'source no longer exists; job ignored');
        return { status: 'gone' };
      }
      // A follow-up (a clarification for the tipline's reporters) that fails is retried by BullMQ
      // with backoff (the job's attempts); a poll's failure is recorded in its health instead.
      if (job.data.followUp) return options.poller.followUp(source, job.data.followUp);
      return options.poller.poll(source, { force: Boolean(job.data.force) });
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency ?? 4 },
  );
  logQueueErrors(worker, options.connection, logger, 'source worker error');
  return {
    async close() {
      await worker.close();
    },
  };
}
