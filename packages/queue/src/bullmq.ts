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

/**
 * A Redis connection that logs outages once. `failFast`: a command fails at once while Redis is down
 * (no offline queue, one attempt, 1 s command timeout) — for callers that must answer now and can do
 * without Redis (the API's rate limit); BullMQ needs the default, which waits for Redis to come back.
 */
export function connectRedis(
  url: string,
  logger: Logger,
  role: string,
  options: { failFast?: boolean } = {},
): RedisConnection {
  const redis = new IORedis(url, {
    ...(options.failFast
      ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 1_000, connectTimeout: 2_000 }
      : { maxRetriesPerRequest: null }),
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
  /**
   * A one-off job; the same jobId while one is waiting is a no-op. `attempts` > 1: a job that throws is
   * tried again after `backoffMs`, doubling each time. `delayMs`: not before that long from now.
   */
  runNow(
    jobId: string,
    data: T,
    retry?: { attempts: number; backoffMs: number },
    delayMs?: number,
  ): Promise<void>;
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
    async runNow(jobId, data, retry, delayMs) {
      await queue.add(jobId, data, {
        jobId,
        ...keep,
        ...(delayMs ? { delay: delayMs } : {}),
        ...(retry
          ? { attempts: retry.attempts, backoff: { type: 'exponential', delay: retry.backoffMs } }
          : {}),
      });
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
  /** Adds a member to a set and answers whether it was new and the set's size right after (atomic). */
  setAdd(key: string, member: string, ttlMs?: number): Promise<{ added: boolean; size: number }>;
  setSize(key: string): Promise<number>;
  /**
   * Adds a scored member once (a log of events by time); true when it was new. `keepFrom`: members
   * scored below it are dropped in the same round trip (a log that only recent entries matter in).
   */
  logOnce(key: string, score: number, member: string, ttlMs?: number, keepFrom?: number): Promise<boolean>;
  /** Members of such a log with from <= score <= to. */
  logCount(key: string, from: number, to: number): Promise<number>;
  /** The scores of those members, lowest first (at most `limit`). */
  logScores(key: string, from: number, to: number, limit: number): Promise<number[]>;
  /**
   * Several adds (as `logOnce`) and counts (as `logCount`) in one round trip, run in order as one
   * transaction; answered in order (an add: 1 when the member was new, else 0).
   */
  logBatch(ops: readonly LogOp[]): Promise<number[]>;
  /**
   * Adds a scored member unless another member is scored within [from, to]: a claim that one of
   * several processes wins. True when the member holds it (added now, or already there: the same
   * claimant asking again after a crash). Atomic (one Lua script), as `logOnce` with ttl and keepFrom.
   */
  logClaim(
    key: string,
    score: number,
    member: string,
    span: { from: number; to: number },
    ttlMs?: number,
    keepFrom?: number,
  ): Promise<boolean>;
  /** Removes a member of such a log (a claim given back). */
  logRemove(key: string, member: string): Promise<void>;
  /** Appends to a list (held items) … */
  listPush(key: string, value: string, ttlMs?: number): Promise<void>;
  /** … and takes the whole list away at once. */
  listDrain(key: string): Promise<string[]>;
  /** Appends to a capped Redis stream; answers the entry's durable id. */
  streamAdd(key: string, data: string, maxLen: number): Promise<string>;
  /** The newest entry's id ('0' when the stream is empty). */
  streamLast(key: string): Promise<string>;
  /** Entries after `afterId` ('0' = from the start), oldest first. */
  streamAfter(key: string, afterId: string, count: number): Promise<{ id: string; data: string }[]>;
}

/** One operation of `KeyValue.logBatch`. */
export type LogOp =
  | { add: string; score: number; member: string; ttlMs?: number; keepFrom?: number }
  | { count: string; from: number; to: number };

/** KEYS[1] log; ARGV score, member, from, to, keepFrom ('' none), ttlMs ('' none). */
const LOG_CLAIM_SCRIPT = `
for _, m in ipairs(redis.call('zrangebyscore', KEYS[1], ARGV[3], ARGV[4])) do
  if m ~= ARGV[2] then return 0 end
end
redis.call('zadd', KEYS[1], 'NX', ARGV[1], ARGV[2])
if ARGV[5] ~= '' then redis.call('zremrangebyscore', KEYS[1], '-inf', '(' .. ARGV[5]) end
if ARGV[6] ~= '' then redis.call('pexpire', KEYS[1], ARGV[6]) end
return 1`;
const DELETE_IF_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export function createKeyValue(connection: RedisConnection, timeoutMs = 4_000): KeyValue {
  const t = <R>(p: Promise<R>) => within(timeoutMs, p);
  const logBatch: KeyValue['logBatch'] = async (ops) => {
    const multi = connection.multi();
    /** Where each operation's answer is among the commands' (an add may bring a trim and an expiry). */
    const answers: number[] = [];
    let commands = 0;
    for (const op of ops) {
      answers.push(commands++);
      if ('add' in op) {
        multi.zadd(op.add, 'NX', op.score, op.member);
        if (op.keepFrom !== undefined) {
          multi.zremrangebyscore(op.add, '-inf', `(${op.keepFrom}`);
          commands++;
        }
        if (op.ttlMs) {
          multi.pexpire(op.add, op.ttlMs);
          commands++;
        }
      } else multi.zcount(op.count, op.from, op.to);
    }
    const res = (await t(multi.exec())) ?? [];
    return answers.map((i) => {
      const [err, value] = res[i] ?? [new Error('no answer')];
      if (err) throw err;
      return Number(value);
    });
  };
  return {
    logBatch,
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
    async setAdd(key, member, ttlMs) {
      const multi = connection.multi().sadd(key, member).scard(key);
      if (ttlMs) multi.pexpire(key, ttlMs);
      const res = (await t(multi.exec())) ?? [];
      const [added, size] = [res[0]?.[1], res[1]?.[1]] as [number, number];
      return { added: added === 1, size };
    },
    setSize: (key) => t(connection.scard(key)),
    async logOnce(key, score, member, ttlMs, keepFrom) {
      const [added] = await logBatch([{ add: key, score, member, ttlMs, keepFrom }]);
      return added === 1;
    },
    async logClaim(key, score, member, span, ttlMs, keepFrom) {
      const held = await t(
        connection.eval(
          LOG_CLAIM_SCRIPT,
          1,
          key,
          score,
          member,
          span.from,
          span.to,
          keepFrom ?? '',
          ttlMs ?? '',
        ),
      );
      return Number(held) === 1;
    },
    async logRemove(key, member) {
      await t(connection.zrem(key, member));
    },
    logCount: (key, from, to) => t(connection.zcount(key, from, to)),
    async logScores(key, from, to, limit) {
      const flat = await t(connection.zrangebyscore(key, from, to, 'WITHSCORES', 'LIMIT', 0, limit));
      const scores: number[] = [];
      for (let i = 1; i < flat.length; i += 2) scores.push(Number(flat[i]));
      return scores;
    },
    async listPush(key, value, ttlMs) {
      const multi = connection.multi().rpush(key, value);
      if (ttlMs) multi.pexpire(key, ttlMs);
      await t(multi.exec());
    },
    async listDrain(key) {
      const res = (await t(connection.multi().lrange(key, 0, -1).del(key).exec())) ?? [];
      return (res[0]?.[1] as string[] | undefined) ?? [];
    },
    async streamAdd(key, data, maxLen) {
      return (await t(connection.xadd(key, 'MAXLEN', '~', maxLen, '*', 'd', data))) as string;
    },
    async streamLast(key) {
      const rows = await t(connection.xrevrange(key, '+', '-', 'COUNT', 1));
      return rows[0]?.[0] ?? '0';
    },
    async streamAfter(key, afterId, count) {
      const rows = await t(connection.xrange(key, `(${afterId}`, '+', 'COUNT', count));
      return rows.map(([id, fields]) => ({ id, data: fields[1] ?? '' }));
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
