import {
  DelayedError,
  Queue,
  QueueEvents,
  UnrecoverableError,
  Worker,
  type Job,
  type Processor,
} from 'bullmq';
import IORedis from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * The only file in Pantau that imports bullmq and ioredis. It hands out what the job-running
 * packages need, generically: a Redis connection that logs an outage once, queues and workers,
 * repeatable jobs (job schedulers), and a tiny key-value store (cursors, locks, counters).
 * Alert deliveries (@pantau/alerts) and source polls (@pantau/sources) are built on it.
 */
export { DelayedError, Queue, QueueEvents, UnrecoverableError, Worker, type Job, type Processor };
export type RedisConnection = IORedis;

export function connectRedis(url: string, logger: Logger, role: string): RedisConnection {
  const redis = new IORedis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    // Bounded backoff between reconnects while Redis is down (ioredis reconnects by itself).
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
  });
  // One line when Redis goes away and one when it is back, not one per reconnect attempt.
  let downSince: number | undefined;
  redis.on('error', (err) => {
    if (downSince !== undefined) return;
    downSince = Date.now();
    logger.error({ err, role }, 'redis unavailable; reconnecting with bounded backoff');
  });
  redis.on('ready', () => {
    if (downSince === undefined) return;
    logger.warn({ role, downMs: Date.now() - downSince }, 'redis is back');
    downSince = undefined;
  });
  return redis;
}

export async function closeRedis(connection: RedisConnection): Promise<void> {
  await connection.quit().catch(() => connection.disconnect());
}

/** Commands wait in ioredis' offline queue while Redis is down; callers bound their wait with this. */
export function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Logs BullMQ errors loudly while Redis is up; during an outage the connection already said so once. */
export function logQueueErrors(
  emitter: { on(event: 'error', listener: (err: Error) => void): unknown },
  connection: RedisConnection,
  logger: Logger,
  what: string,
): void {
  emitter.on('error', (err) =>
    connection.status === 'ready' ? logger.error({ err }, what) : logger.debug({ err }, what),
  );
}

/** Removes every key of a queue (tests). */
export async function obliterateQueue(redisUrl: string, prefix: string, name: string): Promise<void> {
  const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
    await closeRedis(connection);
  }
}

/**
 * Repeatable jobs: one scheduler per id, every `everyMs` shifted by `offsetMs` (so schedulers
 * with the same interval do not all fire together), plus one-off jobs "now".
 */
export interface Scheduler<T> {
  upsert(id: string, everyMs: number, offsetMs: number, data: T): Promise<void>;
  remove(id: string): Promise<void>;
  /** A one-off job; the same jobId while one is waiting is a no-op. */
  runNow(jobId: string, data: T): Promise<void>;
  /** Ids of the schedulers that exist. */
  list(): Promise<string[]>;
  close(): Promise<void>;
}

export function createScheduler<T>(options: {
  connection: RedisConnection;
  prefix: string;
  name: string;
  logger: Logger;
}): Scheduler<T> {
  const queue = new Queue(options.name, { connection: options.connection, prefix: options.prefix });
  logQueueErrors(queue, options.connection, options.logger, 'scheduler queue error');
  const keep = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } };
  return {
    async upsert(id, everyMs, offsetMs, data) {
      await queue.upsertJobScheduler(id, { every: everyMs, offset: offsetMs }, {
        name: id,
        data,
        opts: keep,
      } as never);
    },
    async remove(id) {
      await queue.removeJobScheduler(id);
    },
    async runNow(jobId, data) {
      await queue.add(jobId, data, { jobId, ...keep });
    },
    async list() {
      const schedulers = await queue.getJobSchedulers(0, -1);
      return schedulers.map((s) => s.key);
    },
    async close() {
      await queue.close();
    },
  };
}

/** A tiny key-value view of Redis: cursors, health, short locks, counters. */
export interface KeyValue {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when absent (a lock); true when this caller got it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes only when the value is still `value` (releasing one's own lock). */
  deleteIf(key: string, value: string): Promise<void>;
  del(key: string): Promise<void>;
  /** Milliseconds a key has left (-2 missing, -1 no expiry). */
  pttl(key: string): Promise<number>;
  incrBy(key: string, by: number, ttlMs?: number): Promise<number>;
  mget(keys: string[]): Promise<(string | null)[]>;
  ping(): Promise<void>;
}

const DELETE_IF_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export function createKeyValue(connection: RedisConnection, timeoutMs = 4_000): KeyValue {
  const t = <R>(p: Promise<R>) => within(timeoutMs, p);
  return {
    get: (key) => t(connection.get(key)),
    async set(key, value, ttlMs) {
      if (ttlMs) await t(connection.set(key, value, 'PX', ttlMs));
      else await t(connection.set(key, value));
    },
    async setIfAbsent(key, value, ttlMs) {
      return (await t(connection.set(key, value, 'PX', ttlMs, 'NX'))) === 'OK';
    },
    async deleteIf(key, value) {
      await t(connection.eval(DELETE_IF_SCRIPT, 1, key, value));
    },
    async del(key) {
      await t(connection.del(key));
    },
    pttl: (key) => t(connection.pttl(key)),
    async incrBy(key, by, ttlMs) {
      const value = await t(connection.incrby(key, by));
      if (ttlMs) await t(connection.pexpire(key, ttlMs));
      return value;
    },
    mget: (keys) => (keys.length ? t(connection.mget(...keys)) : Promise.resolve([])),
    async ping() {
      await t(connection.ping());
    },
  };
}

/** One rate: at most `points` takes per `perSeconds` (whole seconds: the limiter keeps Redis TTLs in seconds). */
export interface Rate {
  key: string;
  points: number;
  perSeconds: number;
}

/**
 * Rate limits shared by every process on one Redis (rate-limiter-flexible's atomic Lua counters):
 * per Slack webhook URL, per Telegram chat and per bot, … `take` takes one slot of every rate at once
 * or none: when one is full it gives back what it took and answers how long to wait.
 */
export interface RateGate {
  /** 0 when every rate had room (one slot of each is now used), otherwise milliseconds to wait. */
  take(rates: readonly Rate[]): Promise<number>;
}

export function createRateGate(connection: RedisConnection, keyPrefix: string): RateGate {
  const limiters = new Map<string, RateLimiterRedis>();
  const limiterFor = (points: number, perSeconds: number) => {
    const id = `${points}/${perSeconds}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: connection,
        keyPrefix: `${keyPrefix}:rate:${id}`,
        points,
        duration: perSeconds,
      });
      limiters.set(id, limiter);
    }
    return limiter;
  };
  return {
    async take(rates) {
      const taken: Rate[] = [];
      for (const rate of rates) {
        const limiter = limiterFor(rate.points, Math.max(1, Math.ceil(rate.perSeconds)));
        try {
          await within(4_000, limiter.consume(rate.key));
          taken.push(rate);
        } catch (err) {
          if (!(err instanceof RateLimiterRes)) throw err;
          // Full: give back the slots already taken so a waiting job does not use up another target's room.
          await Promise.all(
            taken.map((t) => limiterFor(t.points, Math.max(1, Math.ceil(t.perSeconds))).reward(t.key)),
          );
          return Math.max(err.msBeforeNext, 1);
        }
      }
      return 0;
    },
  };
}
