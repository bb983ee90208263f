import { hashtagKey, requiresPositiveTerm, topicKey, TOPIC_FIELD, type QueryAst } from './ast';
import { QuerySyntaxError } from './errors';
import {
  basicNormalizeTerm,
  compilePrepared,
  PreparedDoc,
  type MatchDoc,
  type NormalizeTerm,
  type PreparedMatcher,
} from './matcher';

export interface WatchlistIndexOptions {
  /** Same normaliser as `compileMatcher`; pass the one the scorer uses for posts. Default: `basicNormalizeTerm`. */
  normalizeTerm?: NormalizeTerm;
}

export interface WatchlistIndex {
  /** Adds a watchlist, replacing any earlier one with the same id. Throws for a query with no positive term. */
  add(id: string, ast: QueryAst): void;
  /** Removes a watchlist; returns whether it was there. */
  remove(id: string): boolean;
  /** Ids of every watchlist the post matches, sorted so downstream messages are deterministic. */
  match(doc: MatchDoc): string[];
  /** Number of watchlists held. */
  readonly size: number;
}

interface Entry {
  id: string;
  matcher: PreparedMatcher;
  keys: readonly string[];
  // The match() call that last queued this entry; saves allocating a dedupe Set per post.
  seenAt: number;
}

// Hashtags live in a different field from words, so they get their own key space.
const HASHTAG_PREFIX = '#';

/**
 * Keys such that any post the query matches contains at least one of them (null: no such bound, which
 * only a NOT, or an OR/AND made of NOTs, produces). An empty set means the query can never match.
 */
function candidateKeys(ast: QueryAst, normalizeTerm: NormalizeTerm): Set<string> | null {
  switch (ast.type) {
    case 'term': {
      const tag = hashtagKey(ast);
      if (tag !== undefined) return new Set([HASHTAG_PREFIX + tag]);
      // Topics too have their own key space ("topic:kesehatan" is never a word of a post).
      const topic = topicKey(ast);
      if (topic !== undefined) return new Set([TOPIC_FIELD + topic]);
      return pickOne(normalizeTerm(ast.value));
    }
    case 'phrase':
      return pickOne(ast.words.flatMap(normalizeTerm));
    case 'not':
      return null;
    case 'and': {
      // Every child must match, so any one bounded child's keys will do; the smallest set means the fewest
      // postings lists this watchlist sits in, hence the fewest pointless evaluations.
      let best: Set<string> | null = null;
      for (const child of ast.children) {
        const keys = candidateKeys(child, normalizeTerm);
        if (keys !== null && (best === null || keys.size < best.size)) best = keys;
      }
      return best;
    }
    case 'or': {
      // Any child may be the one that matches, so the watchlist must be findable through each of them.
      const union = new Set<string>();
      for (const child of ast.children) {
        const keys = candidateKeys(child, normalizeTerm);
        if (keys === null) return null;
        for (const k of keys) union.add(k);
      }
      return union;
    }
  }
}

// All of a term's (or phrase's) words must be present, so indexing one is enough; the longest is the
// cheapest guess at the rarest (short words like "yg", "aja" are everywhere).
function pickOne(words: string[]): Set<string> {
  let best: string | undefined;
  for (const w of words) if (best === undefined || w.length > best.length) best = w;
  return best === undefined ? new Set() : new Set([best]);
}

/**
 * An in-process index of compiled watchlists for the live stream. Each watchlist is filed under its
 * candidate keys, so a post only evaluates watchlists sharing at least one key with it instead of all of
 * them — what lets thousands of watchlists keep up with thousands of posts per second.
 */
export function createWatchlistIndex(opts: WatchlistIndexOptions = {}): WatchlistIndex {
  const normalizeTerm = opts.normalizeTerm ?? basicNormalizeTerm;
  const entries = new Map<string, Entry>();
  const postings = new Map<string, Set<Entry>>();
  let epoch = 0;

  function remove(id: string): boolean {
    const entry = entries.get(id);
    if (entry === undefined) return false;
    entries.delete(id);
    for (const key of entry.keys) {
      const list = postings.get(key);
      list?.delete(entry);
      if (list?.size === 0) postings.delete(key);
    }
    return true;
  }

  return {
    add(id, ast) {
      const keys = candidateKeys(ast, normalizeTerm);
      if (keys === null || !requiresPositiveTerm(ast)) {
        throw new QuerySyntaxError(
          `watchlist ${id} could match posts containing none of its keywords (e.g. only NOT terms); it cannot be indexed`,
          0,
          `Watchlist ${id} bisa cocok dengan unggahan tanpa satu pun kata kuncinya (misalnya hanya berisi NOT).`,
        );
      }
      remove(id);
      // A watchlist whose keys are empty can never match (all its words normalise away); it is kept so
      // size/remove stay truthful, but filed nowhere.
      const entry: Entry = { id, matcher: compilePrepared(ast, normalizeTerm), keys: [...keys], seenAt: -1 };
      entries.set(id, entry);
      for (const key of entry.keys) {
        let list = postings.get(key);
        if (list === undefined) postings.set(key, (list = new Set()));
        list.add(entry);
      }
    },

    remove,

    match(doc) {
      const current = ++epoch;
      const candidates: Entry[] = [];
      const visit = (key: string): void => {
        const list = postings.get(key);
        if (list === undefined) return;
        for (const entry of list) {
          if (entry.seenAt !== current) {
            entry.seenAt = current;
            candidates.push(entry);
          }
        }
      };
      for (const term of doc.terms) visit(term);
      for (const token of doc.tokens) if (!doc.terms.has(token)) visit(token);
      for (const tag of doc.hashtags) visit(HASHTAG_PREFIX + tag);
      if (doc.topics) for (const topic of doc.topics) visit(TOPIC_FIELD + topic);

      if (candidates.length === 0) return [];
      const prepared = new PreparedDoc(doc);
      const ids: string[] = [];
      for (const entry of candidates) if (entry.matcher(prepared)) ids.push(entry.id);
      return ids.sort();
    },

    get size() {
      return entries.size;
    },
  };
}
