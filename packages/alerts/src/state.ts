import { PantauError } from '@pantau/core';
import { closeRedis, connectRedis, createKeyValue, type KeyValue } from '@pantau/queue';
import type { Logger } from 'pino';

/**
 * Alert state that lives in Redis (through @pantau/queue, the one adapter): each agency's event log
 * for the live stream (a capped Redis stream, so every event has a durable, ordered id a client can
 * resume after), the log of rule firings (one member per firing key, so a replayed post fires once and
 * the backtest can be compared with what really fired), and each watchlist's recent matching posts by
 * time, which the counting rules count over sliding windows.
 */
export interface AgencyEvent {
  id: string;
  type: 'alert' | 'issue' | 'clarification';
  data: unknown;
}

export interface AgencyEventLog {
  publish(agencyId: string, type: AgencyEvent['type'], data: unknown): Promise<string>;
  /** The newest event's id ('0' when there is none): where a new client without Last-Event-ID starts. */
  latest(agencyId: string): Promise<string>;
  /** Events after `afterId` ('0' = the oldest kept), oldest first. */
  after(agencyId: string, afterId: string, count?: number): Promise<AgencyEvent[]>;
}

export interface RuleLog {
  /** Records a firing once; true when it is new. */
  fire(watchlistId: string, rule: string, key: string, atMs: number): Promise<boolean>;
  /** Firings recorded with from <= at <= to. */
  count(watchlistId: string, rule: string, fromMs: number, toMs: number): Promise<number>;
  /**
   * Remembers a post matching the watchlist at its publication time (once: a replayed post is not
   * counted twice; posts published before `keepFromMs` are forgotten), then counts around it for each
   * counting rule — all in one round trip (the stage does this for every matching post).
   */
  matchAndCount(
    watchlistId: string,
    post: { id: string; at: number },
    keepFromMs: number,
    rules: readonly CountingSpan[],
  ): Promise<CountsAround[]>;
  /** The publication times of matching posts with from <= at <= to, earliest first (at most `limit`). */
  matchTimes(watchlistId: string, fromMs: number, toMs: number, limit: number): Promise<number[]>;
  /**
   * Claims a counting rule's firing at `atMs`: true unless another firing of the rule lies less than
   * `windowMs` before or after it (atomic, so of several processes judging one list at once only one
   * fires). The same key claims again (a post replayed after a crash fires again, and the engine drops
   * what it already took).
   */
  claimEpisode(
    watchlistId: string,
    ruleKey: string,
    atMs: number,
    windowMs: number,
    key: string,
  ): Promise<boolean>;
  /** Gives a claim back (the alert engine failed on the firing: a later post may fire instead). */
  releaseEpisode(watchlistId: string, ruleKey: string, key: string): Promise<void>;
}

/** A counting rule as the rule log counts for it. */
export interface CountingSpan {
  /** The rule as configured (`countingRuleKey`): its firings rest apart from other rules'. */
  ruleKey: string;
  windowMs: number;
  /** `spike`: how far before the window its baseline reaches (0: none). */
  baselineMs: number;
}

/** What is around a post for one counting rule (the post counted). */
export interface CountsAround {
  /**
   * The rule fired less than a window before or after the post (at another time: a firing at the
   * post's own time may be this post's, replayed; the claim judges that one).
   */
  resting: boolean;
  /** Matching posts in the window that ends at the post. */
  window: number;
  /** Matching posts less than a window before or after it: every window holding it lies in there. */
  around: number;
  /** Matching posts in the baseline span before that window. */
  baseline: number;
}

export interface AlertState {
  events: AgencyEventLog;
  rules: RuleLog;
  kv: KeyValue;
  close(): Promise<void>;
}

/** Events kept per agency for resuming (older ones are trimmed). */
export const EVENTS_KEPT = 10_000;
const FIRINGS_TTL_MS = 90 * 24 * 3600_000;

const unavailable = (what: string, err: unknown) =>
  new PantauError('QUEUE_UNAVAILABLE', `${what}: ${(err as Error).message}`, { cause: err });

export function createAlertState(options: { redisUrl: string; prefix: string; logger: Logger }): AlertState {
  const connection = connectRedis(options.redisUrl, options.logger, 'alert-state');
  const kv = createKeyValue(connection);
  const p = options.prefix;
  const guard = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw unavailable(what, err);
    }
  };
  return {
    kv,
    events: {
      publish: (agencyId, type, data) =>
        guard('publishing a stream event', () =>
          kv.streamAdd(`${p}:events:${agencyId}`, JSON.stringify({ type, data }), EVENTS_KEPT),
        ),
      latest: (agencyId) => guard('reading stream events', () => kv.streamLast(`${p}:events:${agencyId}`)),
      after: (agencyId, afterId, count = 100) =>
        guard('reading stream events', async () =>
          (await kv.streamAfter(`${p}:events:${agencyId}`, afterId, count)).map((e) => {
            const parsed = JSON.parse(e.data) as { type: AgencyEvent['type']; data: unknown };
            return { id: e.id, type: parsed.type, data: parsed.data };
          }),
        ),
    },
    rules: {
      fire: (watchlistId, rule, key, atMs) =>
        guard('recording a rule firing', () =>
          kv.logOnce(`${p}:firings:${watchlistId}:${rule}`, atMs, key, FIRINGS_TTL_MS),
        ),
      count: (watchlistId, rule, fromMs, toMs) =>
        guard('counting rule firings', () =>
          kv.logCount(`${p}:firings:${watchlistId}:${rule}`, fromMs, toMs),
        ),
      matchAndCount: (watchlistId, post, keepFromMs, spans) =>
        guard('counting matching posts', async () => {
          const matches = `${p}:matches:${watchlistId}`;
          // Kept until even the newest of them is older than `keepFromMs` is to this post.
          const ttlMs = Math.max(post.at, Date.now()) - keepFromMs;
          const at = post.at;
          const answers = await kv.logBatch([
            { add: matches, score: at, member: post.id, ttlMs, keepFrom: keepFromMs },
            ...spans.flatMap(({ ruleKey, windowMs: w, baselineMs: b }) => [
              { count: `${p}:episodes:${watchlistId}:${ruleKey}`, from: at - w + 1, to: at - 1 },
              { count: `${p}:episodes:${watchlistId}:${ruleKey}`, from: at + 1, to: at + w - 1 },
              { count: matches, from: at - w + 1, to: at },
              { count: matches, from: at - w + 1, to: at + w - 1 },
              // Without a baseline (b = 0) the span is empty: from > to counts nothing.
              { count: matches, from: at - w - b + 1, to: at - w },
            ]),
          ]);
          return spans.map((_, i) => {
            const [before, after, window, around, baseline] = answers.slice(1 + i * 5, 6 + i * 5) as number[];
            return { resting: before! + after! > 0, window: window!, around: around!, baseline: baseline! };
          });
        }),
      matchTimes: (watchlistId, fromMs, toMs, limit) =>
        guard('reading matching posts', () =>
          kv.logScores(`${p}:matches:${watchlistId}`, fromMs, toMs, limit),
        ),
      claimEpisode: (watchlistId, ruleKey, atMs, windowMs, key) =>
        guard('claiming a counting rule firing', () =>
          kv.logClaim(
            `${p}:episodes:${watchlistId}:${ruleKey}`,
            atMs,
            key,
            { from: atMs - windowMs + 1, to: atMs + windowMs - 1 },
            FIRINGS_TTL_MS,
            // Episodes a month older than this one say nothing about the next.
            atMs - 30 * 24 * 3600_000,
          ),
        ),
      releaseEpisode: (watchlistId, ruleKey, key) =>
        guard('giving back a counting rule firing', () =>
          kv.logRemove(`${p}:episodes:${watchlistId}:${ruleKey}`, key),
        ),
    },
    async close() {
      await closeRedis(connection);
    },
  };
}
