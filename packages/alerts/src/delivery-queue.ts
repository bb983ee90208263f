import { metrics } from '@pantau/metrics';
import { PantauError, systemClock, type Clock } from '@pantau/core';
import {
  DelayedError,
  Queue,
  UnrecoverableError,
  Worker,
  closeRedis,
  connectRedis,
  createRateGate,
  logQueueErrors,
  obliterateQueue,
  within,
  type Job,
} from '@pantau/queue';
import type { Logger } from 'pino';
import { type Channel, DeliveryError, type SendResult } from './channels/channel';
import type { AlertStore } from './store';
import { type DeliveryJob, type DeliveryRecord, deliveryJobId } from './types';

/**
 * Alert deliveries on BullMQ (through @pantau/queue, the one adapter). One BullMQ job per (alert id,
 * version, subscription), with that as the job id so enqueueing twice delivers once; retries with
 * exponential backoff (or the target's Retry-After); 4xx answers fail for good.
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

/** Commands wait in ioredis' offline queue while Redis is down; a caller waits at most this long. */
const ENQUEUE_TIMEOUT_MS = 4_000;

export function createDeliveryQueue(options: DeliveryQueueOptions): DeliveryQueue {
  const logger = options.logger.child({ component: 'delivery-queue' });
  const connection = connectRedis(options.redisUrl, logger, 'queue');
  const queue = new Queue<DeliveryJob>(options.name ?? DELIVERY_QUEUE, {
    connection,
    prefix: options.prefix,
  });
  // While Redis is down the connection logs the outage once; BullMQ's own errors then repeat per retry.
  logQueueErrors(queue, connection, logger, 'queue error');
  const attempts = options.attempts ?? 6;
  const backoffMs = options.backoffMs ?? 5_000;
  return {
    async enqueue(jobs) {
      if (jobs.length === 0) return;
      try {
        // A timed-out add may still run once Redis is back: the job id makes it the same job.
        await within(
          ENQUEUE_TIMEOUT_MS,
          queue.addBulk(
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
          ),
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
      await closeRedis(connection);
    },
  };
}

/** Removes every key of a queue (tests). */
export async function obliterateDeliveryQueue(
  redisUrl: string,
  prefix: string,
  name = DELIVERY_QUEUE,
): Promise<void> {
  await obliterateQueue(redisUrl, prefix, name);
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
  const channels = new Map<string, Channel>(options.channels.map((c) => [c.name, c]));
  const connection = connectRedis(options.redisUrl, logger, 'worker');
  const limiterConnection = connectRedis(options.redisUrl, logger, 'limiter');
  const gate = createRateGate(limiterConnection, options.prefix);
  const maxBackoffMs = options.maxBackoffMs ?? 15 * 60_000;
  const { store } = options;

  /** Records the outcome on the alert — on every held delivery a digest stands for. */
  const record = async (
    job: DeliveryJob,
    patch: Omit<DeliveryRecord, 'subscriptionId' | 'channel' | 'version' | 'updatedAt'>,
  ) => {
    const targets = job.covers?.length ? job.covers : [job];
    await Promise.all(
      targets.map((t) =>
        store.recordDelivery(t.alertId, {
          subscriptionId: job.subscriptionId,
          channel: job.channel,
          version: t.version,
          ...(t.clarificationId ? { clarificationId: t.clarificationId } : {}),
          updatedAt: new Date(clock.now()).toISOString(),
          ...patch,
        }),
      ),
    );
  };

  /** The first message this subscription got about the alert (Telegram edits it, e-mail threads under it). */
  const previousMessageId = async (job: DeliveryJob): Promise<string | undefined> => {
    const alert = await store.getAlert(job.alertId);
    return alert?.doc.deliveries.find((d) => d.subscriptionId === job.subscriptionId && d.messageId)
      ?.messageId;
  };

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
      metrics.alertDeliveries.inc({ channel: data.channel, status: 'failed' });
      throw new UnrecoverableError(reason);
    }

    // Per-target rate limits (per Slack URL, per Telegram chat and bot…): a delivery that comes too
    // soon waits as a delayed job, without using up an attempt.
    const wait = await gate.take(channel.limits(subscription));
    if (wait > 0) {
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }

    let result: SendResult;
    try {
      // A digest covers several issues: always a message of its own, never an edit of one alert's.
      const previous =
        channel.threadsFollowUps && data.payload.type !== 'digest'
          ? await previousMessageId(data)
          : undefined;
      result = await channel.send(
        data.payload,
        subscription,
        previous ? { previousMessageId: previous } : {},
      );
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
      metrics.alertDeliveries.inc({ channel: data.channel, status: final ? 'failed' : 'retrying' });
      if (!failure.retriable) throw new UnrecoverableError(failure.message);
      throw failure;
    }
    await record(data, {
      status: 'delivered',
      attempts: attempt,
      deliveredAt: new Date(clock.now()).toISOString(),
      // A digest's message is no one alert's: a later version must not edit or thread under it.
      ...(result.messageId && data.payload.type !== 'digest' ? { messageId: result.messageId } : {}),
    });
    metrics.alertDeliveries.inc({ channel: data.channel, status: 'delivered' });
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
  logQueueErrors(worker, connection, logger, 'worker error');
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
      logger.warn({ jobId: job.id, err }, 'delivery failed for good');
  });

  return {
    async close() {
      await worker.close();
      await closeRedis(connection);
      await closeRedis(limiterConnection);
    },
  };
}
