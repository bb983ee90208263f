import { hash, randomBytes } from 'node:crypto';
import { ulid } from 'ulid';

/**
 * A post's id is derived from where it came from, so the same post fetched twice (a replay, a crash
 * before commit, two ingest workers) always gets the same id and is indexed once.
 */
export function postId(source: string, sourceId: string): string {
  // crypto.hash: the same digest as createHash(…).update(…).digest(…) in one call, ~2.4× cheaper (an
  // id is derived for every post ingested, and for every issue founded).
  return hash('sha256', `${source}\u0000${sourceId}`, 'hex').slice(0, 32);
}

/**
 * An issue's id is derived from the post that founded it, so a replay founds the same issue, and a
 * reader of the stream (the detector) can tell an issue's first post from the others.
 */
export function issueIdFor(foundingPostId: string): string {
  return `is_${hash('sha256', foundingPostId, 'hex').slice(0, 20)}`;
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
  return hash('sha256', value, 'hex');
}
