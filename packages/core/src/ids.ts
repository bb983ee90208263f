import { createHash, randomBytes } from 'node:crypto';
import { ulid } from 'ulid';

/**
 * A post's id is derived from where it came from, so the same post fetched twice (a replay, a crash
 * before commit, two ingest workers) always gets the same id and is indexed once.
 */
export function postId(source: string, sourceId: string): string {
  return createHash('sha256').update(`${source}\u0000${sourceId}`).digest('hex').slice(0, 32);
}

/**
 * An issue's id is derived from the post that founded it, so a replay founds the same issue, and a
 * reader of the stream (the detector) can tell an issue's first post from the others.
 */
export function issueIdFor(foundingPostId: string): string {
  return `is_${createHash('sha256').update(foundingPostId).digest('hex').slice(0, 20)}`;
}

/** Sortable unique ids for things Pantau creates itself (agencies, watchlists, alerts…). */
export function newId(prefix: string): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}

/** A random secret shown once (API keys). */
export function newSecret(prefix: string, bytes = 24): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
