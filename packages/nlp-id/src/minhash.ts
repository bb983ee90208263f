import { TokenHashes, bigramHash, mix32, tokenHashes } from './hashing';

/**
 * Near-duplicate signatures: a 128-slot MinHash-style sketch over word-bigram shingles of the normalised
 * tokens, with LSH band keys. 128 slots in 16 bands of 8 rows make two posts share a band with
 * probability 1-(1-J^8)^16: 0.95 at Jaccard 0.8, 0.06 at 0.5 — near-copies meet, unrelated posts rarely do.
 */
export const MINHASH_SIZE = 128;
export const LSH_BANDS = 16;
export const LSH_ROWS = MINHASH_SIZE / LSH_BANDS;

export interface Signature {
  minhash: number[];
  /** `band:hash` keys (e.g. `3:kQ9_x`); two posts are near-duplicate candidates when they share any key. */
  bands: string[];
}

/** Word bigrams as strings; a one-word text is its own shingle (exact Jaccard in tests and evaluations). */
export function shingles(tokens: readonly string[]): string[] {
  if (tokens.length < 2) return tokens.length === 1 ? [tokens[0] as string] : [];
  const set = new Set<string>();
  for (let i = 0; i + 1 < tokens.length; i++) set.add(tokens[i] + ' ' + tokens[i + 1]);
  return [...set];
}

/**
 * The sketch follows Dahlgaard, Knudsen and Thorup's "fast similarity sketching" (FOCS 2017) instead of
 * 128 hash functions over every shingle. Rounds r = 0…15 throw every shingle into one random slot with
 * the value r + (a random fraction); a slot keeps its smallest value. Round 16 gives every shingle a
 * value in every slot (as classic MinHash does), so every slot gets filled. Values of a later round are
 * larger, so a slot is final once any round reaches it: rounds stop as soon as all 128 slots are
 * filled, and round 16 is computed only for the slots still empty. The schedule is the same for every
 * text, so each slot holds the minimum over the shingles of one random ordering: two texts agree in a
 * slot with probability exactly their Jaccard similarity, as with classic MinHash, and the banding
 * curve above is unchanged (packages/nlp-id/test/minhash.test.ts measures it on real texts; the
 * estimate error is lower, see the README). A post of 20 shingles costs ~500 hash evaluations instead
 * of 20 × 128 = 2,560.
 *
 * Its values differ from the classic MinHash this replaced: a post enriched before the change (its
 * bands stored by the scorer and in OpenSearch) shares no band with a copy of it enriched after, so a
 * near-duplicate across the upgrade is missed once (it can still join its issue by term similarity).
 */
/** Rounds that throw every shingle into one random slot, before the round that fills all the rest. */
const RANDOM_ROUNDS = 16;
const ROUND_MULTIPLIERS = new Int32Array(RANDOM_ROUNDS);
const ROUND_OFFSETS = new Int32Array(RANDOM_ROUNDS);
const SLOT_MULTIPLIERS = new Int32Array(MINHASH_SIZE);
const SLOT_OFFSETS = new Int32Array(MINHASH_SIZE);
{
  let state = 0x2545f491;
  const next = (): number => (state = mix32((state + 0x9e3779b9) >>> 0));
  for (let r = 0; r < RANDOM_ROUNDS; r++) {
    ROUND_MULTIPLIERS[r] = next() | 1;
    ROUND_OFFSETS[r] = next() | 0;
  }
  for (let j = 0; j < MINHASH_SIZE; j++) {
    SLOT_MULTIPLIERS[j] = next() | 1;
    SLOT_OFFSETS[j] = next() | 0;
  }
}
/** Slot bits of a 32-bit hash (the top 7: 128 slots) and the bits of the fraction below the round. */
const SLOT_SHIFT = 32 - Math.log2(MINHASH_SIZE);
// 25 bits: with the round above them (≤ 16) every value stays below 2^30, a small integer for V8, so
// the sketch is an array of unboxed integers rather than of 128 heap numbers per post.
const FRACTION_BITS = 25;
const FRACTION_MASK = (1 << FRACTION_BITS) - 1;
/** Above every value (round ≤ 16 → value < 2^30): a slot no shingle has reached yet. */
const EMPTY_SLOT = 0x7fffffff;
/** Scratch sketch, reused: one post at a time per process. */
const slots = new Int32Array(MINHASH_SIZE);

/** Scratch for the shingle hashes of the current post (grown as needed). */
let shingleScratch = new Int32Array(256);

/**
 * Hashes of the word-bigram shingles (one-word text: the word), from the cached per-word hashes, into
 * shingleScratch; returns how many.
 */
function shingleHashes(tokens: readonly TokenHashes[]): number {
  if (tokens.length === 1) {
    shingleScratch[0] = (tokens[0] as TokenHashes).word | 0;
    return 1;
  }
  const count = Math.max(0, tokens.length - 1);
  if (count > shingleScratch.length) shingleScratch = new Int32Array(count * 2);
  for (let i = 1; i < tokens.length; i++)
    shingleScratch[i - 1] =
      bigramHash((tokens[i - 1] as TokenHashes).word, (tokens[i] as TokenHashes).word) | 0;
  // Repeated shingles do not change a minimum, so no de-duplication is needed.
  return count;
}

export function minhash(tokens: readonly string[]): number[] {
  return minhashOfHashes(tokens.map(tokenHashes));
}

/** The sketch from per-token hashes the caller already has (enrichment computes them once per post). */
export function minhashOfHashes(tokens: readonly TokenHashes[]): number[] {
  const count = shingleHashes(tokens);
  const shingleList = shingleScratch;
  slots.fill(EMPTY_SLOT);
  let filled = count === 0 ? MINHASH_SIZE : 0;
  for (let round = 0; round < RANDOM_ROUNDS && filled < MINHASH_SIZE; round++) {
    const a = ROUND_MULTIPLIERS[round] as number;
    const b = ROUND_OFFSETS[round] as number;
    const roundBits = round << FRACTION_BITS;
    for (let s = 0; s < count; s++) {
      // Multiply-add per round, then a xor-shift-multiply finaliser so that both the slot (top bits)
      // and the fraction (low bits) are well mixed.
      let h = (Math.imul(a, shingleList[s] as number) + b) | 0;
      h ^= h >>> 15;
      h = Math.imul(h, 0x2c1b3c6d);
      h ^= h >>> 12;
      const slot = h >>> SLOT_SHIFT;
      const value = roundBits | (h & FRACTION_MASK);
      const current = slots[slot] as number;
      if (value < current) {
        if (current === EMPTY_SLOT) filled++;
        slots[slot] = value;
      }
    }
  }
  if (filled < MINHASH_SIZE) {
    const roundBits = RANDOM_ROUNDS << FRACTION_BITS;
    for (let j = 0; j < MINHASH_SIZE; j++) {
      if (slots[j] !== EMPTY_SLOT) continue;
      const a = SLOT_MULTIPLIERS[j] as number;
      const b = SLOT_OFFSETS[j] as number;
      // Classic MinHash for this slot: the top bits of a multiply-add hash order the shingles.
      let min = FRACTION_MASK;
      for (let s = 0; s < count; s++) {
        const h = (Math.imul(a, shingleList[s] as number) + b) >>> (32 - FRACTION_BITS);
        if (h < min) min = h;
      }
      slots[j] = roundBits | min;
    }
  }
  // A plain array (stored and serialised with the post); copied by hand: Array.from on a typed array
  // costs several times more.
  const out = new Array<number>(MINHASH_SIZE);
  for (let i = 0; i < MINHASH_SIZE; i++) out[i] = slots[i] as number;
  return out;
}

/** A band key is `band:hash`, the hash's 30 bits as five URL-safe base-64 characters. */
const BAND_CODES = Array.from({ length: LSH_BANDS }, (_, b) => b.toString(36).charCodeAt(0));
const DIGIT_CODES = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', (c) =>
  c.charCodeAt(0),
);

export function lshBands(signature: readonly number[]): string[] {
  const bands = new Array<string>(LSH_BANDS);
  for (let b = 0; b < LSH_BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < LSH_ROWS; r++) h = Math.imul(h ^ (signature[b * LSH_ROWS + r] as number), 0x01000193);
    h = mix32(h >>> 0);
    // One string built from character codes: a decimal number concatenated to a prefix cost twice as
    // much (16 keys per post).
    bands[b] = String.fromCharCode(
      BAND_CODES[b] as number,
      58, // ':'
      DIGIT_CODES[h & 63] as number,
      DIGIT_CODES[(h >>> 6) & 63] as number,
      DIGIT_CODES[(h >>> 12) & 63] as number,
      DIGIT_CODES[(h >>> 18) & 63] as number,
      DIGIT_CODES[(h >>> 24) & 63] as number,
    );
  }
  return bands;
}

export function computeSignature(tokens: readonly string[]): Signature {
  return signatureOfHashes(tokens.map(tokenHashes));
}

export function signatureOfHashes(tokens: readonly TokenHashes[]): Signature {
  const sig = minhashOfHashes(tokens);
  // A text without words (empty, emoji only, a bare link) copies nothing: every such text would share
  // the same untouched sketch, and so the same band keys, and look like copies of each other.
  return { minhash: sig, bands: tokens.length ? lshBands(sig) : [] };
}

/** Share of equal MinHash slots: an unbiased estimate of the Jaccard similarity of the shingle sets. */
export function jaccardEstimate(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 0;
  let equal = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) equal++;
  return equal / n;
}

/** Exact Jaccard similarity of the shingle sets of two token lists (for tests and evaluation). */
export function shingleJaccard(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(shingles(a));
  const sb = new Set(shingles(b));
  if (sa.size === 0 && sb.size === 0) return 1;
  let inter = 0;
  for (const s of sa) if (sb.has(s)) inter++;
  return inter / (sa.size + sb.size - inter);
}
