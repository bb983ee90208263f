import { randomUUID } from 'node:crypto';
import { PantauError, systemClock, type Clock } from '@pantau/core';
import {
  Queue,
  Worker,
  closeRedis,
  connectRedis,
  createKeyValue,
  logQueueErrors,
  obliterateQueue,
  within,
} from '@pantau/queue';
import type { Logger } from 'pino';
import type { AlertPayload, DeliveryJob } from './types';

/**
 * Held deliveries (quiet hours, hourly/daily digests, snoozes) and their release as ONE digest per
 * subscription. A held delivery waits in a Redis list per subscription; the release is a BullMQ
 * delayed job (job id = subscription + release time, so many holds for the same moment make one
 * release). At release the list is taken away whole and sent as one `type: 'digest'` delivery with
 * the newest version of each alert.
 */
export const DIGEST_QUEUE = 'digests';

export interface DeliveryHolder {
  hold(job: DeliveryJob, releaseAtMs: number): Promise<void>;
  close(): Promise<void>;
}

interface ReleaseJob {
  subscriptionId: string;
  channel: string;
  releaseAt: number;
  /** A follow-up release (see `hold`): its digest is a delivery of its own. */
  followUp?: string;
}

/** States of a release job that has not started: it will drain the list, with what was pushed. */
const NOT_STARTED = new Set(['delayed', 'waiting', 'prioritized', 'waiting-children']);

const heldKey = (prefix: string, subscriptionId: string) => `${prefix}:held:${subscriptionId}`;

/** Newest version of each alert, newest alert first; the digest payload for one subscription. */
export function digestPayload(held: DeliveryJob[]): { payload: AlertPayload; first: DeliveryJob } | null {
  const newest = new Map<string, DeliveryJob>();
  for (const j of held) {
    const seen = newest.get(j.alertId);
    if (!seen || j.version >= seen.version) newest.set(j.alertId, j);
  }
  const alerts = [...newest.values()].sort((a, b) =>
    b.payload.alert.updatedAt.localeCompare(a.payload.alert.updatedAt),
  );
  const first = alerts[0];
  if (!first) return null;
  const heldSince = held.map((j) => j.payload.alert.updatedAt).sort()[0]!;
  return {
    first,
    payload: {
      type: 'digest',
      alert: first.payload.alert,
      digest: { alerts: alerts.map((a) => a.payload.alert), heldSince },
    },
  };
}

export function createDeliveryHolder(options: {
  redisUrl: string;
  prefix: string;
  logger: Logger;
  /** Where released digests go (the delivery queue). */
  deliveries: { enqueue(jobs: DeliveryJob[]): Promise<void> };
  /** Run the release worker in this process (the api service does; tests may not). */
  worker?: boolean;
  name?: string;
  /** The engine's clock (release delays are counted from it). */
  clock?: Clock;
}): DeliveryHolder {
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ component: 'delivery-holder' });
  const connection = connectRedis(options.redisUrl, logger, 'holder');
  const kv = createKeyValue(connection);
  const name = options.name ?? DIGEST_QUEUE;
  const queue = new Queue<ReleaseJob>(name, { connection, prefix: options.prefix });
  logQueueErrors(queue, connection, logger, 'digest queue error');
  let worker: Worker<ReleaseJob> | undefined;
  let workerConnection: ReturnType<typeof connectRedis> | undefined;
  if (options.worker !== false) {
    workerConnection = connectRedis(options.redisUrl, logger, 'holder-worker');
    worker = new Worker<ReleaseJob>(
      name,
      async (job) => {
        const raw = await kv.listDrain(heldKey(options.prefix, job.data.subscriptionId));
        const held = raw.map((r) => JSON.parse(r) as DeliveryJob);
        const digest = digestPayload(held);
        if (!digest) return;
        await options.deliveries.enqueue([
          {
            alertId: digest.first.alertId,
            version: digest.first.version,
            subscriptionId: job.data.subscriptionId,
            channel: job.data.channel,
            payload: digest.payload,
            digestId: `dg${job.data.releaseAt}${job.data.followUp ? `.${job.data.followUp}` : ''}`,
            covers: [
              ...new Map(
                held.map((j) => [
                  `${j.alertId}.${j.version}.${j.clarificationId ?? ''}`,
                  {
                    alertId: j.alertId,
                    version: j.version,
                    ...(j.clarificationId ? { clarificationId: j.clarificationId } : {}),
                  },
                ]),
              ).values(),
            ],
          },
        ]);
        logger.info(
          { subscriptionId: job.data.subscriptionId, alerts: digest.payload.digest?.alerts.length },
          'digest released',
        );
      },
      { connection: workerConnection, prefix: options.prefix, concurrency: 4 },
    );
    logQueueErrors(worker, workerConnection, logger, 'digest worker error');
  }
  return {
    async hold(job, releaseAtMs) {
      try {
        await kv.listPush(
          heldKey(options.prefix, job.subscriptionId),
          JSON.stringify(job),
          14 * 24 * 3600_000,
        );
        const release: ReleaseJob = {
          subscriptionId: job.subscriptionId,
          channel: job.channel,
          releaseAt: releaseAtMs,
        };
        const settings = {
          removeOnComplete: true,
          removeOnFail: { count: 1000 },
          attempts: 5,
          backoff: { type: 'exponential', delay: 1_000 },
        };
        const jobId = `rel.${job.subscriptionId}.${releaseAtMs}`;
        await within(
          4_000,
          queue.add('release', release, {
            ...settings,
            jobId,
            delay: Math.max(0, releaseAtMs - clock.now()),
          }),
        );
        // The same id adds nothing while that release runs, and it may have drained the list before
        // this push: the delivery would then wait for the subscription's next hold (days, or for
        // ever). A release that has started is followed by one more; if the first took this delivery
        // too, the follow-up finds the list empty and sends nothing.
        if (!NOT_STARTED.has(await within(4_000, queue.getJobState(jobId)))) {
          const followUp = randomUUID();
          await within(
            4_000,
            queue.add('release', { ...release, followUp }, { ...settings, jobId: `${jobId}.${followUp}` }),
          );
        }
      } catch (err) {
        throw new PantauError('QUEUE_UNAVAILABLE', `holding a delivery: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
    async close() {
      await worker?.close();
      await queue.close();
      if (workerConnection) await closeRedis(workerConnection);
      await closeRedis(connection);
    },
  };
}

export async function obliterateDigestQueue(
  redisUrl: string,
  prefix: string,
  name = DIGEST_QUEUE,
): Promise<void> {
  await obliterateQueue(redisUrl, prefix, name);
}
