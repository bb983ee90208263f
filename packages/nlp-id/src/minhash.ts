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
  /** `band:hash` keys; two posts are near-duplicate candidates when they share any key. */
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
 * The sketch is Dahlgaard, Knudsen and Thorup's "fast similarity sketching" (FOCS 2017), not 128
 * separate hash functions over every shingle. Rounds r = 0, 1, … throw every shingle into one random
 * slot with the value r + (a random fraction); a slot keeps its smallest value. A slot's value can only
 * fall within the round that first fills it, so once all 128 slots are filled the sketch is final and
 * the remaining rounds are skipped. Rounds 128–255 put every shingle into slot r − 128, so even a
 * one-shingle text fills every slot. Each slot still holds the minimum over the shingles of one random
 * ordering, so two texts agree in a slot with probability exactly their Jaccard similarity, as with
 * classic MinHash, and the slots are, if anything, less correlated (a shingle fills one slot per round):
 * the banding curve above is unchanged (packages/nlp-id/test/minhash.test.ts measures it on real texts).
 * A post of 30 shingles costs ~900 hash evaluations (about 30 rounds until the last slot fills)
 * instead of 30 × 128 = 3,840.
 *
 * Its values differ from the classic MinHash this replaced: a post enriched before the change (its
 * bands stored by the scorer and in OpenSearch) shares no band with a copy of it enriched after, so a
 * near-duplicate across the upgrade is missed once (it can still join its issue by term similarity).
 */
const ROUNDS = 2 * MINHASH_SIZE;
const ROUND_MULTIPLIERS = new Int32Array(ROUNDS);
const ROUND_OFFSETS = new Int32Array(ROUNDS);
{
  let state = 0x2545f491;
  const next = (): number => (state = mix32((state + 0x9e3779b9) >>> 0));
  for (let r = 0; r < ROUNDS; r++) {
    ROUND_MULTIPLIERS[r] = next() | 1;
    ROUND_OFFSETS[r] = next() | 0;
  }
}
/** Slot bits of a 32-bit hash (the top 7: 128 slots) and the bits of the fraction below the round. */
const SLOT_SHIFT = 32 - Math.log2(MINHASH_SIZE);
const FRACTION_BITS = 23;
const FRACTION_MASK = (1 << FRACTION_BITS) - 1;
/** Above every value (round < 256 → value < 2^31): a slot no shingle has reached yet. */
const EMPTY_SLOT = 0x7fffffff;
/** Scratch sketch, reused: one post at a time per process. */
const slots = new Int32Array(MINHASH_SIZE);

/** Hashes of the word-bigram shingles (one-word text: the word), from the cached per-word hashes. */
function shingleHashes(tokens: readonly TokenHashes[]): Int32Array {
  if (tokens.length === 1) return Int32Array.of((tokens[0] as TokenHashes).word | 0);
  const hashes = new Int32Array(Math.max(0, tokens.length - 1));
  for (let i = 1; i < tokens.length; i++)
    hashes[i - 1] = bigramHash((tokens[i - 1] as TokenHashes).word, (tokens[i] as TokenHashes).word) | 0;
  // Repeated shingles do not change a minimum, so no de-duplication is needed.
  return hashes;
}

export function minhash(tokens: readonly string[]): number[] {
  return minhashOfHashes(tokens.map(tokenHashes));
}

/** The sketch from per-token hashes the caller already has (enrichment computes them once per post). */
export function minhashOfHashes(tokens: readonly TokenHashes[]): number[] {
  const shingleList = shingleHashes(tokens);
  const count = shingleList.length;
  slots.fill(EMPTY_SLOT);
  let filled = count === 0 ? MINHASH_SIZE : 0;
  for (let round = 0; round < ROUNDS && filled < MINHASH_SIZE; round++) {
    const a = ROUND_MULTIPLIERS[round] as number;
    const b = ROUND_OFFSETS[round] as number;
    const roundBits = round << FRACTION_BITS;
    const fixedSlot = round - MINHASH_SIZE;
    // Second half: one slot per round, already final unless no shingle has reached it.
    if (fixedSlot >= 0 && slots[fixedSlot] !== EMPTY_SLOT) continue;
    for (let s = 0; s < count; s++) {
      // Multiply-add per round, then a xor-shift-multiply finaliser so the slot (top bits) and the
      // fraction (low bits) are both well mixed.
      let h = (Math.imul(a, shingleList[s] as number) + b) | 0;
      h ^= h >>> 15;
      h = Math.imul(h, 0x2c1b3c6d);
      h ^= h >>> 12;
      const slot = fixedSlot >= 0 ? fixedSlot : h >>> SLOT_SHIFT;
      const value = roundBits | (h & FRACTION_MASK);
      const current = slots[slot] as number;
      if (value < current) {
        if (current === EMPTY_SLOT) filled++;
        slots[slot] = value;
      }
    }
  }
  // A plain array (stored and serialised with the post); copied by hand: Array.from on a typed array
  // costs several times more.
  const out = new Array<number>(MINHASH_SIZE);
  for (let i = 0; i < MINHASH_SIZE; i++) out[i] = slots[i] as number;
  return out;
}

const BAND_PREFIXES = Array.from({ length: LSH_BANDS }, (_, b) => b.toString(36) + ':');

export function lshBands(signature: readonly number[]): string[] {
  const bands: string[] = [];
  for (let b = 0; b < LSH_BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < LSH_ROWS; r++) h = Math.imul(h ^ (signature[b * LSH_ROWS + r] as number), 0x01000193);
    // 31 bits in decimal: small integers turn into strings on V8's fast path.
    bands.push((BAND_PREFIXES[b] as string) + (mix32(h >>> 0) >>> 1));
  }
  return bands;
}

export function computeSignature(tokens: readonly string[]): Signature {
  return signatureOfHashes(tokens.map(tokenHashes));
}

export function signatureOfHashes(tokens: readonly TokenHashes[]): Signature {
  const sig = minhashOfHashes(tokens);
  return { minhash: sig, bands: lshBands(sig) };
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
