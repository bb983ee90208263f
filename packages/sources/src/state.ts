import type { KeyValue } from '@pantau/queue';
import type { Cursor, SourceDoc, SourceHealth } from './types';

/**
 * Per-source state in Redis: the cursor (written only after Kafka acknowledged what it covers), the
 * poll record behind the health fields, per-minute item counts for `itemsLastHour`, and the lock
 * that keeps two ingest processes from polling one source at once.
 */
export interface PollRecord {
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  lastError: { code: string; message: string } | null;
  consecutiveFailures: number;
  /** Before this instant the scheduler's polls are skipped (backoff, Retry-After, failing). */
  nextAttemptAt: string | null;
  itemsTotal: number;
  newestItemAt: string | null;
}

export const EMPTY_RECORD: PollRecord = {
  lastPollAt: null,
  lastSuccessAt: null,
  lastError: null,
  consecutiveFailures: 0,
  nextAttemptAt: null,
  itemsTotal: 0,
  newestItemAt: null,
};

const MINUTE = 60_000;
const FOLLOW_UP_MEMORY_MS = 30 * 24 * 60 * MINUTE;

export class SourceState {
  constructor(
    private readonly kv: KeyValue,
    private readonly prefix: string,
  ) {}

  private key(id: string, what: string): string {
    return `${this.prefix}:source:${id}:${what}`;
  }

  async cursor(id: string): Promise<Cursor> {
    const raw = await this.kv.get(this.key(id, 'cursor'));
    return raw ? (JSON.parse(raw) as Cursor) : {};
  }

  async saveCursor(id: string, cursor: Cursor): Promise<void> {
    await this.kv.set(this.key(id, 'cursor'), JSON.stringify(cursor));
  }

  async record(id: string): Promise<PollRecord> {
    const raw = await this.kv.get(this.key(id, 'poll'));
    return raw ? { ...EMPTY_RECORD, ...(JSON.parse(raw) as Partial<PollRecord>) } : { ...EMPTY_RECORD };
  }

  async saveRecord(id: string, record: PollRecord): Promise<void> {
    await this.kv.set(this.key(id, 'poll'), JSON.stringify(record));
  }

  async countItems(id: string, n: number, at: number): Promise<void> {
    if (n > 0) await this.kv.incrBy(this.key(id, `items:${Math.floor(at / MINUTE)}`), n, 65 * MINUTE);
  }

  async itemsLastHour(id: string, now: number): Promise<number> {
    const minute = Math.floor(now / MINUTE);
    const keys = Array.from({ length: 60 }, (_, i) => this.key(id, `items:${minute - i}`));
    const values = await this.kv.mget(keys);
    return values.reduce((sum, v) => sum + (v ? Number(v) : 0), 0);
  }

  /** True when this caller now holds the source's poll lock. */
  async lock(id: string, token: string, ttlMs: number): Promise<boolean> {
    return this.kv.setIfAbsent(this.key(id, 'lock'), token, ttlMs);
  }

  async unlock(id: string, token: string): Promise<void> {
    await this.kv.deleteIf(this.key(id, 'lock'), token);
  }

  /**
   * Who already has a follow-up message (a clarification sent to the tipline's reporters): kept for 30
   * days, so a retried or repeated job never sends it to anyone twice.
   */
  followUpDone(
    id: string,
    key: string,
  ): { has(recipient: string): Promise<boolean>; add(recipient: string): Promise<void> } {
    const of = (recipient: string) => this.key(id, `followup:${key}:${recipient}`);
    return {
      has: async (recipient) => (await this.kv.get(of(recipient))) !== null,
      add: async (recipient) => this.kv.set(of(recipient), '1', FOLLOW_UP_MEMORY_MS),
    };
  }

  async forget(id: string): Promise<void> {
    for (const what of ['cursor', 'poll']) await this.kv.del(this.key(id, what));
  }

  async health(source: SourceDoc, now: number, failingAfter: number): Promise<SourceHealth> {
    const record = await this.record(source.id);
    return healthOf(source, record, await this.itemsLastHour(source.id, now), now, failingAfter);
  }
}

export function healthOf(
  source: SourceDoc,
  record: PollRecord,
  itemsLastHour: number,
  now: number,
  failingAfter: number,
): SourceHealth {
  const status = source.paused
    ? 'paused'
    : record.consecutiveFailures >= failingAfter
      ? 'failing'
      : record.consecutiveFailures > 0
        ? 'backoff'
        : 'ok';
  return {
    status,
    lastPollAt: record.lastPollAt,
    lastSuccessAt: record.lastSuccessAt,
    lastError: record.lastError,
    itemsTotal: record.itemsTotal,
    itemsLastHour,
    lagSeconds: record.newestItemAt
      ? Math.max(0, Math.round((now - Date.parse(record.newestItemAt)) / 1000))
      : null,
  };
}
