import { TokenHashes, bigramHash, mix32, tokenHashes } from './hashing';

/**
 * Near-duplicate signatures: MinHash over word-bigram shingles of the normalised tokens, with LSH band
 * keys. 128 hashes in 16 bands of 8 rows make two posts share a band with probability 1-(1-J^8)^16:
 * 0.95 at Jaccard 0.8, 0.06 at 0.5 — near-copies meet, unrelated posts rarely do.
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
 * Multiply-add hash family: h_i(x) = a_i·x + b_i (mod 2^32) with odd random a_i, kept as signed 32-bit
 * integers so the inner loop stays in integer registers (the minimum of a signed ordering is as good a
 * MinHash as the unsigned one). The shingle itself is hashed once.
 */
const MULTIPLIERS = new Int32Array(MINHASH_SIZE);
const OFFSETS = new Int32Array(MINHASH_SIZE);
{
  let state = 0x2545f491;
  const next = (): number => (state = mix32((state + 0x9e3779b9) >>> 0));
  for (let i = 0; i < MINHASH_SIZE; i++) {
    MULTIPLIERS[i] = next() | 1;
    OFFSETS[i] = next() | 0;
  }
}

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

/** MinHash from per-token hashes the caller already has (enrichment computes them once per post). */
export function minhashOfHashes(tokens: readonly TokenHashes[]): number[] {
  const shingleList = shingleHashes(tokens);
  const count = shingleList.length;
  const out = new Array<number>(MINHASH_SIZE);
  // Four hash functions per pass over the (few) shingles: their constants and running minima stay in
  // registers, and each shingle is loaded once per four functions instead of once per function.
  for (let i = 0; i < MINHASH_SIZE; i += 4) {
    const a0 = MULTIPLIERS[i] as number;
    const a1 = MULTIPLIERS[i + 1] as number;
    const a2 = MULTIPLIERS[i + 2] as number;
    const a3 = MULTIPLIERS[i + 3] as number;
    const b0 = OFFSETS[i] as number;
    const b1 = OFFSETS[i + 1] as number;
    const b2 = OFFSETS[i + 2] as number;
    const b3 = OFFSETS[i + 3] as number;
    let m0 = 0x7fffffff;
    let m1 = 0x7fffffff;
    let m2 = 0x7fffffff;
    let m3 = 0x7fffffff;
    for (let s = 0; s < count; s++) {
      const x = shingleList[s] as number;
      const h0 = (Math.imul(a0, x) + b0) | 0;
      const h1 = (Math.imul(a1, x) + b1) | 0;
      const h2 = (Math.imul(a2, x) + b2) | 0;
      const h3 = (Math.imul(a3, x) + b3) | 0;
      if (h0 < m0) m0 = h0;
      if (h1 < m1) m1 = h1;
      if (h2 < m2) m2 = h2;
      if (h3 < m3) m3 = h3;
    }
    out[i] = m0;
    out[i + 1] = m1;
    out[i + 2] = m2;
    out[i + 3] = m3;
  }
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
