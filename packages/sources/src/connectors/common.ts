import type { ConnectorItem, Cursor, Skipped } from '../types';

/** Helpers every connector shares: config access, the bounded "seen" list, conditional GET headers. */
export function str(config: Record<string, unknown>, key: string): string | undefined {
  const v = config[key];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

export function num(config: Record<string, unknown>, key: string): number | undefined {
  const v = config[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function requireUrl(config: Record<string, unknown>, key: string): string[] {
  const v = str(config, key);
  if (!v) return [`config.${key} is required`];
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return [`config.${key} must be http(s)`];
  } catch {
    return [`config.${key} is not a URL`];
  }
  return [];
}

/** Remembers the last N item ids so an unchanged item is not sent again (the post key dedups too). */
export const SEEN_LIMIT = 1000;

export function seenOf(cursor: Cursor): string[] {
  return Array.isArray(cursor.seen) ? cursor.seen.filter((s): s is string => typeof s === 'string') : [];
}

export function rememberSeen(previous: string[], fresh: string[]): string[] {
  const set = new Set(previous);
  const added = fresh.filter((id) => !set.has(id));
  return [...previous, ...added].slice(-SEEN_LIMIT);
}

export function conditionalHeaders(cursor: Cursor): Record<string, string> {
  const headers: Record<string, string> = {};
  if (typeof cursor.etag === 'string') headers['if-none-match'] = cursor.etag;
  if (typeof cursor.lastModified === 'string') headers['if-modified-since'] = cursor.lastModified;
  return headers;
}

export function validatorsOf(headers: Headers): Cursor {
  const etag = headers.get('etag');
  const lastModified = headers.get('last-modified');
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

/** A link kept only when it is an absolute http(s) URL (the post schema's `uri`). */
export function cleanUrl(link: string | undefined, base?: string): string | undefined {
  if (!link) return undefined;
  try {
    const u = new URL(link, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export function newestFirstCap<T>(items: T[], max: number): T[] {
  return items.slice(0, max);
}

export type Collected = { items: ConnectorItem[]; skipped: Skipped[] };
