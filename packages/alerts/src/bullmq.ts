import { DelayedError, Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq';
import IORedis from 'ioredis';
import { PantauError, systemClock, type Clock } from '@pantau/core';
import type { Logger } from 'pino';
import { type Channel, DeliveryError } from './channels/channel';
import type { AlertStore } from './store';
import { type DeliveryJob, type DeliveryRecord, deliveryJobId } from './types';

/**
 * The only file in Pantau that imports bullmq and ioredis. One BullMQ job per (alert id, version,
 * subscription), with that as the job id so enqueueing twice delivers once; retries with exponential
 * backoff (or the target's Retry-After); 4xx answers fail for good.
 */
export const DELIVERY_QUEUE = 'deliveries';
const BACKOFF_TYPE = 'pantau';

export interface DeliveryQueue {
  enqueue(jobs: DeliveryJob[]): Promise<void>;
  /** Answers when Redis does (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DeliveryQueueOptions {
  redisUrl: string;
  /** BullMQ key prefix in Redis (config QUEUE_PREFIX); tests use a unique one. */
  prefix: string;
  name?: string;
  attempts?: number;
  backoffMs?: number;
  logger: Logger;
}

function connect(url: string, logger: Logger, role: string): IORedis {
  const redis = new IORedis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
  redis.on('error', (err) => logger.warn({ err, role }, 'redis connection error'));
  return redis;
}

export function createDeliveryQueue(options: DeliveryQueueOptions): DeliveryQueue {
  const logger = options.logger.child({ component: 'delivery-queue' });
  const connection = connect(options.redisUrl, logger, 'queue');
  const queue = new Queue<DeliveryJob>(options.name ?? DELIVERY_QUEUE, {
    connection,
    prefix: options.prefix,
  });
  queue.on('error', (err) => logger.error({ err }, 'queue error'));
  const attempts = options.attempts ?? 6;
  const backoffMs = options.backoffMs ?? 5_000;
  return {
    async enqueue(jobs) {
      if (jobs.length === 0) return;
      try {
        await queue.addBulk(
          jobs.map((data) => ({
            name: data.channel,
            data,
            opts: {
              jobId: deliveryJobId(data),
              attempts,
              backoff: { type: BACKOFF_TYPE, delay: backoffMs },
              // Kept a while so a repeated enqueue of a finished delivery stays a no-op.
              removeOnComplete: { age: 7 * 24 * 3600, count: 50_000 },
              removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
            },
          })),
        );
      } catch (err) {
        throw new PantauError('QUEUE_UNAVAILABLE', `enqueueing deliveries: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
    async ping() {
      await connection.ping();
    },
    async close() {
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/** Removes every key of a queue (tests). */
export async function obliterateDeliveryQueue(
  redisUrl: string,
  prefix: string,
  name = DELIVERY_QUEUE,
): Promise<void> {
  const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
    await connection.quit().catch(() => connection.disconnect());
  }
}

export interface DeliveryWorkerOptions {
  redisUrl: string;
  prefix: string;
  name?: string;
  store: AlertStore;
  channels: Channel[];
  logger: Logger;
  concurrency?: number;
  /** Exponential backoff: base * 2^(attempt-1), capped here. Retry-After is honoured up to this too. */
  maxBackoffMs?: number;
  clock?: Clock;
}

export interface DeliveryWorker {
  close(): Promise<void>;
}

function backoffDelay(attemptsMade: number, base: number, max: number, err: unknown): number {
  const retryAfter = err instanceof DeliveryError ? err.retryAfterMs : undefined;
  if (retryAfter !== undefined) return Math.min(Math.max(retryAfter, 0), max);
  return Math.min(base * 2 ** Math.max(0, attemptsMade - 1), max);
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const logger = options.logger.child({ component: 'delivery-worker' });
  const clock = options.clock ?? systemClock;
  const channels = new Map(options.channels.map((c) => [c.name, c]));
  const connection = connect(options.redisUrl, logger, 'worker');
  const limiter = connect(options.redisUrl, logger, 'limiter');
  const maxBackoffMs = options.maxBackoffMs ?? 15 * 60_000;
  const { store } = options;

  const record = (
    job: DeliveryJob,
    patch: Omit<DeliveryRecord, 'subscriptionId' | 'channel' | 'version' | 'updatedAt'>,
  ) =>
    store.recordDelivery(job.alertId, {
      subscriptionId: job.subscriptionId,
      channel: job.channel,
      version: job.version,
      updatedAt: new Date(clock.now()).toISOString(),
      ...patch,
    });

  const processJob = async (job: Job<DeliveryJob>, token?: string): Promise<void> => {
    const data = job.data;
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    const log = logger.child({
      jobId: job.id,
      alertId: data.alertId,
      subscriptionId: data.subscriptionId,
      attempt,
    });

    const channel = channels.get(data.channel);
    const subscription = await store.getSubscription(data.subscriptionId);
    if (!channel || !subscription) {
      const reason = channel ? 'subscription no longer exists' : `unknown channel ${data.channel}`;
      await record(data, { status: 'failed', attempts: attempt - 1, lastError: reason });
      throw new UnrecoverableError(reason);
    }

    // Per-subscription rate limit: a delivery that comes too soon waits, without using up an attempt.
    if (channel.minIntervalMs > 0) {
      const key = `${options.prefix}:ratelimit:${data.subscriptionId}`;
      const acquired = await limiter.set(key, '1', 'PX', channel.minIntervalMs, 'NX');
      if (acquired !== 'OK') {
        const wait = Math.max(await limiter.pttl(key), 10);
        await job.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError();
      }
    }

    try {
      await channel.send(data.payload, subscription);
    } catch (err) {
      const failure =
        err instanceof DeliveryError
          ? err
          : new DeliveryError(
              'DELIVERY_TRANSIENT',
              (err as Error).message ?? String(err),
              undefined,
              undefined,
              err,
            );
      const final = !failure.retriable || attempt >= maxAttempts;
      log.warn({ err: failure, status: failure.status, final }, 'delivery attempt failed');
      await record(data, {
        status: final ? 'failed' : 'pending',
        attempts: attempt,
        lastError: failure.message,
        ...(failure.status === undefined ? {} : { lastStatus: failure.status }),
      });
      if (!failure.retriable) throw new UnrecoverableError(failure.message);
      throw failure;
    }
    await record(data, {
      status: 'delivered',
      attempts: attempt,
      deliveredAt: new Date(clock.now()).toISOString(),
    });
    log.info('delivered');
  };

  const worker = new Worker<DeliveryJob>(options.name ?? DELIVERY_QUEUE, processJob, {
    connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 8,
    settings: {
      backoffStrategy: (attemptsMade, _type, err, job) =>
        backoffDelay(
          attemptsMade,
          (job?.opts.backoff as { delay?: number } | undefined)?.delay ?? 5_000,
          maxBackoffMs,
          err,
        ),
    },
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
      logger.warn({ jobId: job.id, err }, 'delivery failed for good');
  });

  return {
    async close() {
      await worker.close();
      await connection.quit().catch(() => connection.disconnect());
      await limiter.quit().catch(() => limiter.disconnect());
    },
  };
}

/**
 * Retraining of the hoax model from analysts' labels: one job at a time (concurrency 1), each a full
 * train-evaluate-promote run. Lives here because this file is the project's only BullMQ adapter.
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
  const connection = connect(options.redisUrl, logger, 'retrain-queue');
  const queue = new Queue<RetrainJob>(RETRAIN_QUEUE, { connection, prefix: options.prefix });
  queue.on('error', (err) => logger.error({ err }, 'queue error'));
  const eventsConnection = connect(options.redisUrl, logger, 'retrain-events');
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
      await eventsConnection.quit().catch(() => eventsConnection.disconnect());
      await connection.quit().catch(() => connection.disconnect());
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
  const connection = connect(options.redisUrl, logger, 'retrain-worker');
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
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
