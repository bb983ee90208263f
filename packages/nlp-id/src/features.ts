/**
 * Text → sparse feature vector: hashed word unigrams, bigrams, optional stems and character n-grams
 * of the lead, sublinear TF × IDF, word and character blocks L2-normalised separately.
 */
import { TokenHashes, bigramHash, mix32, tokenHashes } from './hashing';
import { stem } from './stem';
export interface FeatureOptions {
  /**
   * Shortest character n-gram inside each word (with boundary marks `<word>`): robust to spelling
   * variants and affixes. 0 = no character n-grams.
   */
  charNgram: number;
  /** Longest character n-gram (defaults to charNgram, i.e. one length only). */
  charNgramMax?: number;
  /**
   * Share of the vector's squared norm given to the character n-grams; the word block (unigrams,
   * bigrams, stems) gets the rest. Both blocks are L2-normalised separately, so the model is an even
   * (or weighted) blend of a word model and a character model. Defaults to 0.5 when charNgram > 0.
   */
  charWeight?: number;
  /** Add each word's stem as a feature, so inflected forms share evidence. */
  stems?: boolean;
  /**
   * Only the first maxTokens tokens count (the lead). Long articles otherwise look unlike anything in
   * short training texts; the lead carries the claim. 0 / absent = the whole text.
   */
  maxTokens?: number;
}

export const DEFAULT_FEATURES: FeatureOptions = { charNgram: 0 };

const KIND_WORD = 0;
const KIND_BIGRAM = 1;
const KIND_STEM = 2;
export const KIND_CHAR = 3;

/**
 * Hashes of the character n-grams (lengths min..max) of `<token>`, each start extended one character
 * at a time, so no substring is built. Cached on the token's TokenHashes (one model per process).
 */
function charGramHashes(token: string, min: number, max: number): Int32Array {
  const marked = '<' + token + '>';
  const n = marked.length;
  let count = 0;
  for (let len = min; len <= max; len++) if (n >= len) count += n - len + 1;
  const out = new Int32Array(count);
  let o = 0;
  for (let k = 0; k < n; k++) {
    let h = 0x811c9dc5 ^ 0x23; // FNV-1a seeded with '#', apart from word hashes
    for (let len = 1; len <= max && k + len <= n; len++) {
      h = Math.imul(h ^ marked.charCodeAt(k + len - 1), 0x01000193);
      if (len >= min) out[o++] = mix32(h >>> 0) | 0;
    }
  }
  return out;
}

function charGramsOf(token: string, h: TokenHashes, min: number, max: number): Int32Array {
  const range = min * 64 + max;
  if (h.chars !== undefined && h.charRange === range) return h.chars;
  const grams = charGramHashes(token, min, max);
  h.chars = grams;
  h.charRange = range;
  return grams;
}

export function featureName(source: number, tokens: readonly string[]): string {
  const i = Math.floor(source / 4);
  const token = tokens[i] as string;
  switch (source % 4) {
    case KIND_BIGRAM:
      return token + ' ' + (tokens[i + 1] as string);
    case KIND_STEM:
      return stem(token);
    default:
      return token;
  }
}

/**
 * The buckets a trained model knows (idf > 0), each mapped to a dense slot. A model trained on a few
 * thousand texts knows a few thousand of its 262,144 buckets, and a feature in any other bucket weighs
 * nothing (`unseenIdf` 0): scoring through this table reads a few kilobytes of slots instead of three
 * dim-sized arrays (count, idf, weight: 2.5 MB, so a cache miss per feature). Open addressing at a load
 * of at most one half.
 */
export class BucketTable {
  private readonly keys: Int32Array;
  private readonly slots: Int32Array;
  private readonly shift: number;
  readonly size: number;

  constructor(buckets: readonly number[]) {
    let bits = 4;
    while (1 << bits < buckets.length * 2) bits += 1;
    this.keys = new Int32Array(1 << bits).fill(-1);
    this.slots = new Int32Array(1 << bits);
    this.shift = 32 - bits;
    const mask = (1 << bits) - 1;
    let size = 0;
    for (const bucket of buckets) {
      let i = Math.imul(bucket, 0x9e3779b1) >>> this.shift;
      while (this.keys[i] !== -1 && this.keys[i] !== bucket) i = (i + 1) & mask;
      if (this.keys[i] === bucket) continue;
      this.keys[i] = bucket;
      this.slots[i] = size++;
    }
    this.size = size;
  }

  /** The bucket's slot, or -1 when the table does not hold it. */
  slotOf(bucket: number): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = Math.imul(bucket, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === bucket) return this.slots[i]!;
      if (k === -1) return -1;
    }
  }
}

export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
  /** Source code of each entry (see featureName): token index × 4 + kind. */
  sources: Int32Array;
}

/**
 * Sparse accumulator: counts per bucket in a dense array plus the list of touched buckets, so a text's
 * features are grouped in linear time (no sort, no Map). Grown to the largest dim seen.
 */
let countScratch = new Uint16Array(0);
let touchedScratch = new Int32Array(1024);
let touchedSource = new Int32Array(1024);
let valueScratch = new Float32Array(1024);

function touch(bucket: number, source: number, length: number): number {
  const c = countScratch[bucket] as number;
  if (c === 0) {
    if (length === touchedScratch.length) {
      const grow = <T extends Int32Array | Float32Array>(a: T, make: (n: number) => T): T => {
        const g = make(a.length * 2);
        g.set(a);
        return g;
      };
      touchedScratch = grow(touchedScratch, (n) => new Int32Array(n));
      touchedSource = grow(touchedSource, (n) => new Int32Array(n));
      valueScratch = grow(valueScratch, (n) => new Float32Array(n));
    }
    touchedScratch[length] = bucket;
    touchedSource[length] = source;
    countScratch[bucket] = 1;
    return length + 1;
  }
  if (c < 65535) countScratch[bucket] = c + 1;
  return length;
}

/** `touch` through a BucketTable: only known buckets, counted by slot. */
function touchKnown(known: BucketTable | undefined, bucket: number, source: number, length: number): number {
  if (!known) return touch(bucket, source, length);
  const slot = known.slotOf(bucket);
  return slot < 0 ? length : touch(slot, source, length);
}

/**
 * Sublinear TF × IDF; the word block (unigrams, bigrams, stems) and the character block are each
 * L2-normalised and weighted so the whole vector has norm 1. Features that share a bucket count
 * together. The result views shared scratch buffers and is only valid until the next call; `persist`
 * copies it (training keeps every row's vector). With `known`, only the table's buckets are counted and
 * the vector's `index` holds their slots (and `idf` is by slot): the same vector without its zero
 * entries, when every other bucket's idf is 0.
 */
export function vectorize(
  tokens: readonly string[],
  dim: number,
  idf: Float32Array | undefined,
  features: FeatureOptions,
  hashes?: readonly TokenHashes[],
  persist = false,
  known?: BucketTable,
): SparseVector {
  if (countScratch.length < dim) countScratch = new Uint16Array(dim);
  const mask = dim - 1;
  const charMin = features.charNgram;
  const charMax = Math.max(charMin, features.charNgramMax ?? charMin);
  const stems = features.stems === true;
  let length = 0;
  let previous = 0;
  const limit = Math.min(tokens.length, 2 ** 28, features.maxTokens || Infinity);
  for (let i = 0; i < limit; i++) {
    const t = tokens[i] as string;
    const h = hashes?.[i] ?? tokenHashes(t);
    length = touchKnown(known, h.word & mask, i * 4 + KIND_WORD, length);
    if (i > 0)
      length = touchKnown(known, bigramHash(previous, h.word) & mask, (i - 1) * 4 + KIND_BIGRAM, length);
    previous = h.word;
    if (stems && h.stem >= 0) length = touchKnown(known, h.stem & mask, i * 4 + KIND_STEM, length);
    if (charMin > 0 && t.length + 2 >= charMin) {
      const grams = charGramsOf(t, h, charMin, charMax);
      for (let g = 0; g < grams.length; g++)
        length = touchKnown(known, (grams[g] as number) & mask, i * 4 + KIND_CHAR, length);
    }
  }
  const value = valueScratch;
  let wordNorm = 0;
  let charNorm = 0;
  for (let k = 0; k < length; k++) {
    const bucket = touchedScratch[k] as number;
    const count = countScratch[bucket] as number;
    countScratch[bucket] = 0;
    const v = (count === 1 ? 1 : 1 + Math.log(count)) * (idf ? (idf[bucket] as number) : 1);
    value[k] = v;
    if (((touchedSource[k] as number) & 3) === KIND_CHAR) charNorm += v * v;
    else wordNorm += v * v;
  }
  const charShare = charMin > 0 ? (features.charWeight ?? 0.5) : 0;
  // An empty block gives its share to the other one, so every non-empty text has norm 1.
  const wordScale = wordNorm > 0 ? Math.sqrt(charNorm > 0 ? 1 - charShare : 1) / Math.sqrt(wordNorm) : 0;
  const charScale = charNorm > 0 ? Math.sqrt(wordNorm > 0 ? charShare : 1) / Math.sqrt(charNorm) : 0;
  for (let k = 0; k < length; k++)
    value[k] =
      (value[k] as number) * (((touchedSource[k] as number) & 3) === KIND_CHAR ? charScale : wordScale);
  return persist
    ? {
        index: touchedScratch.slice(0, length),
        value: value.slice(0, length),
        sources: touchedSource.slice(0, length),
      }
    : {
        index: touchedScratch.subarray(0, length),
        value: value.subarray(0, length),
        sources: touchedSource.subarray(0, length),
      };
}
