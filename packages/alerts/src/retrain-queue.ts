import { PantauError } from '@pantau/core';
import { Queue, QueueEvents, Worker, closeRedis, connectRedis, type Job } from '@pantau/queue';
import type { Logger } from 'pino';

/**
 * Retraining of the hoax model from analysts' labels: one job at a time (concurrency 1), each a full
 * train-evaluate-promote run. Built on @pantau/queue, the one BullMQ adapter.
 */
export const RETRAIN_QUEUE = 'hoax-retrain';

export interface RetrainJob {
  requestedBy: string;
  requestedAt: string;
}

export interface RetrainQueue {
  /** Returns the job id. */
  enqueue(job: RetrainJob): Promise<string>;
  /** The job's result (the model summary) once it has run. */
  waitFor(jobId: string, timeoutMs: number): Promise<unknown>;
  close(): Promise<void>;
}

export function createRetrainQueue(options: {
  redisUrl: string;
  prefix: string;
  logger: Logger;
}): RetrainQueue {
  const logger = options.logger.child({ component: 'retrain-queue' });
  const connection = connectRedis(options.redisUrl, logger, 'retrain-queue');
  const queue = new Queue<RetrainJob>(RETRAIN_QUEUE, { connection, prefix: options.prefix });
  queue.on('error', (err) => logger.error({ err }, 'queue error'));
  const eventsConnection = connectRedis(options.redisUrl, logger, 'retrain-events');
  const events = new QueueEvents(RETRAIN_QUEUE, { connection: eventsConnection, prefix: options.prefix });
  return {
    async enqueue(job) {
      try {
        const added = await queue.add('retrain', job, {
          attempts: 1,
          removeOnComplete: { count: 100 },
          removeOnFail: { count: 100 },
        });
        return added.id as string;
      } catch (err) {
        throw new PantauError('QUEUE_UNAVAILABLE', `enqueueing retrain: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
    async waitFor(jobId, timeoutMs) {
      const job = await queue.getJob(jobId);
      if (!job) throw new Error(`no retrain job ${jobId}`);
      return job.waitUntilFinished(events, timeoutMs);
    },
    async close() {
      await events.close();
      await queue.close();
      await closeRedis(eventsConnection);
      await closeRedis(connection);
    },
  };
}

export function createRetrainWorker(options: {
  redisUrl: string;
  prefix: string;
  logger: Logger;
  run: (job: RetrainJob) => Promise<unknown>;
}): { close(): Promise<void> } {
  const logger = options.logger.child({ component: 'retrain-worker' });
  const connection = connectRedis(options.redisUrl, logger, 'retrain-worker');
  const worker = new Worker<RetrainJob>(RETRAIN_QUEUE, (job: Job<RetrainJob>) => options.run(job.data), {
    connection,
    prefix: options.prefix,
    concurrency: 1,
    // A retrain runs for minutes; the lock must outlive it.
    lockDuration: 10 * 60_000,
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));
  worker.on('failed', (job, err) => logger.error({ jobId: job?.id, err }, 'retrain failed'));
  return {
    async close() {
      await worker.close();
      await closeRedis(connection);
    },
  };
}
