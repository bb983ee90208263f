/** Time comes from a Clock so window and cooldown logic can be tested without waiting. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
  constructor(private current = 0) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * An RFC 3339 date-time as OpenSearch reads it: in UTC, within years 0000–9999. A request's `from`/`to`
 * may carry any offset up to ±23:59 (valid RFC 3339, beyond what Java's ±18:00 accepts) and a year that
 * an offset pushes past 9999: both made a search fail with a server error instead of answering.
 */
export function utcInstant(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  return new Date(Math.min(LATEST, Math.max(EARLIEST, ms))).toISOString();
}
