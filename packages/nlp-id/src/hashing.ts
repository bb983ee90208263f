/** Fast non-cryptographic hashes shared by the MinHash signatures and the hoax model's features. */
import { PLACE_WORDS, STOPWORDS_ID } from './resources';
import { LruCache, stem } from './stem';

/** FNV-1a over UTF-16 code units, 32 bits. */
export function fnv1a(text: string, seed = 0): number {
  return fnv1aOfRange(text, 0, text.length, seed);
}

/** fnv1a of text[start, end), without slicing it out (the normaliser's word table looks words up so). */
export function fnv1aOfRange(text: string, start: number, end: number, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser: spreads the bits of a hash. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Everything per normalised token that enrichment needs, computed once per distinct token. */
export interface TokenHashes {
  word: number;
  /** Hash of the stem feature, or -1 when the word is too short to stem usefully. */
  stem: number;
  /** The stemmed content term, or '' for stop words, numbers and one-letter tokens. */
  term: string;
  /** Character n-gram hashes for the hoax model, filled lazily for the n-gram range in charRange. */
  chars?: Int32Array;
  charRange?: number;
  /**
   * The topic scorer's feature rows for this word, memoised on the cached object (owner: the scorer
   * that filled it), so scoring a post needs no map lookups for words it has seen before.
   */
  topicSlot?: { owner: object; term: number; word: number };
  /** Bits of the signal word patterns a match of which can start in this token (signals.ts). */
  signalLeads?: number;
  /**
   * The fact-check index's postings for this token's term, memoised like topicSlot (owner: the index,
   * valid while the index has not grown since: `version`).
   */
  factSlot?: { owner: object; version: number; postings: number[] | undefined };
}

const MIN_TERM_LENGTH = 2;

/** Per-token cache: stemming and hashing dominate enrichment cost and words repeat a lot. */
const tokenHashCache = new LruCache<TokenHashes>(100_000);

function contentTermOf(token: string): string {
  if (token.length < MIN_TERM_LENGTH || STOPWORDS_ID.has(token) || /^\d/.test(token)) return '';
  if (PLACE_WORDS.has(token)) return token;
  const term = stem(token);
  return term.length < MIN_TERM_LENGTH || STOPWORDS_ID.has(term) ? '' : term;
}

export function tokenHashes(token: string): TokenHashes {
  let hashes = tokenHashCache.get(token);
  if (!hashes) {
    // Every field present from the start (the lazy ones undefined): one object shape for V8, so the
    // hot loops that read these objects stay monomorphic instead of seeing a shape per filled field.
    hashes = {
      word: fnv1a(token),
      stem: token.length > 4 ? fnv1a('~' + stem(token)) : -1,
      term: contentTermOf(token),
      chars: undefined,
      charRange: undefined,
      topicSlot: undefined,
      signalLeads: undefined,
      factSlot: undefined,
    };
    tokenHashCache.set(token, hashes);
  }
  return hashes;
}

/** Hash of a word bigram from the two words' hashes (no string is built). Also the MinHash shingle hash. */
export function bigramHash(first: number, second: number): number {
  return mix32((Math.imul(first, 0x9e3779b1) ^ second) >>> 0);
}
