import type { SubscriptionDoc } from './types';

/**
 * When a subscription wants a non-critical alert held: during its quiet hours (local time in its
 * time zone) until they end, and with an hourly/daily digest until the next digest time. Time zones
 * through Intl (Node ships the zone data), so no date library.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(atMs: number, tz: string): { minutes: number; seconds: number } {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(tz, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(atMs)).map((p) => [p.type, p.value]));
  return { minutes: Number(parts.hour) * 60 + Number(parts.minute), seconds: Number(parts.second) };
}

export function parseClock(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`not a HH:MM time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The next moment (ms) the local clock in `tz` shows `minuteOfDay`, strictly after `nowMs`. */
function nextLocal(nowMs: number, tz: string, minuteOfDay: number): number {
  const { minutes, seconds } = localParts(nowMs, tz);
  let wait = (minuteOfDay - minutes + 1440) % 1440;
  if (wait === 0) wait = 1440;
  return nowMs - seconds * 1000 - (nowMs % 1000) + wait * 60_000;
}

export function inQuietHours(nowMs: number, q: NonNullable<SubscriptionDoc['quietHours']>): boolean {
  const start = parseClock(q.start);
  const end = parseClock(q.end);
  const { minutes } = localParts(nowMs, q.tz);
  if (start === end) return false;
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/** Local time daily digests go out (when the subscription has no quiet hours to end first). */
export const DAILY_DIGEST_AT = '07:00';

/** When a non-critical alert for this subscription may go out; undefined = now. */
export function releaseTime(
  sub: Pick<SubscriptionDoc, 'digest' | 'quietHours'>,
  nowMs: number,
): number | undefined {
  let release: number | undefined;
  const tz = sub.quietHours?.tz ?? 'Asia/Jakarta';
  if (sub.digest === 'hourly') release = Math.floor(nowMs / 3_600_000) * 3_600_000 + 3_600_000;
  if (sub.digest === 'daily')
    release = nextLocal(nowMs, tz, parseClock(sub.quietHours?.end ?? DAILY_DIGEST_AT));
  if (sub.quietHours && inQuietHours(nowMs, sub.quietHours)) {
    const end = nextLocal(nowMs, sub.quietHours.tz, parseClock(sub.quietHours.end));
    release = Math.max(release ?? 0, end);
  }
  return release;
}
