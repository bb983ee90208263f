import { PantauError } from '@pantau/core';
import { closeRedis, connectRedis, createKeyValue, type KeyValue } from '@pantau/queue';
import type { Logger } from 'pino';

/**
 * Alert state that lives in Redis (through @pantau/queue, the one adapter): each agency's event log
 * for the live stream (a capped Redis stream, so every event has a durable, ordered id a client can
 * resume after), the log of rule firings (one member per firing key, so a replayed post fires once and
 * the backtest can be compared with what really fired), and the per-window counts of counting rules.
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
  /** Adds a post to a counting window; its size after, and whether the post was new. */
  windowAdd(
    watchlistId: string,
    rule: string,
    window: number,
    postId: string,
    ttlMs: number,
  ): Promise<{ added: boolean; size: number }>;
  windowSize(watchlistId: string, rule: string, window: number): Promise<number>;
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
      windowAdd: (watchlistId, rule, window, postId, ttlMs) =>
        guard('counting a rule window', () =>
          kv.setAdd(`${p}:window:${watchlistId}:${rule}:${window}`, postId, ttlMs),
        ),
      windowSize: (watchlistId, rule, window) =>
        guard('reading a rule window', () => kv.setSize(`${p}:window:${watchlistId}:${rule}:${window}`)),
    },
    async close() {
      await closeRedis(connection);
    },
  };
}
