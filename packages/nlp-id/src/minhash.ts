import { bigramHash, mix32, tokenHashes } from './hashing';

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
 * Multiply-shift hash family: h_i(x) = a_i·x + b_i (mod 2^32) with odd random a_i. Two integer operations
 * per function; the shingle itself is hashed once (FNV-1a, then mixed so nearby strings spread out).
 */
const MULTIPLIERS = new Uint32Array(MINHASH_SIZE);
const OFFSETS = new Uint32Array(MINHASH_SIZE);
{
  let state = 0x2545f491;
  const next = (): number => (state = mix32((state + 0x9e3779b9) >>> 0));
  for (let i = 0; i < MINHASH_SIZE; i++) {
    MULTIPLIERS[i] = next() | 1;
    OFFSETS[i] = next();
  }
}

/** Hashes of the word-bigram shingles (one-word text: the word), from the cached per-word hashes. */
function shingleHashes(tokens: readonly string[]): Set<number> {
  const hashes = new Set<number>();
  if (tokens.length === 1) hashes.add(tokenHashes(tokens[0] as string).word);
  let previous = 0;
  for (let i = 0; i < tokens.length; i++) {
    const word = tokenHashes(tokens[i] as string).word;
    if (i > 0) hashes.add(bigramHash(previous, word));
    previous = word;
  }
  return hashes;
}

export function minhash(tokens: readonly string[]): number[] {
  const signature = new Uint32Array(MINHASH_SIZE).fill(0xffffffff);
  for (const x of shingleHashes(tokens)) {
    for (let i = 0; i < MINHASH_SIZE; i++) {
      const h = (Math.imul(MULTIPLIERS[i] as number, x) + (OFFSETS[i] as number)) >>> 0;
      if (h < (signature[i] as number)) signature[i] = h;
    }
  }
  return Array.from(signature);
}

export function lshBands(signature: readonly number[]): string[] {
  const bands: string[] = [];
  for (let b = 0; b < LSH_BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < LSH_ROWS; r++) h = mix32((h ^ (signature[b * LSH_ROWS + r] as number)) >>> 0);
    bands.push(b.toString(36) + ':' + h.toString(36));
  }
  return bands;
}

export function computeSignature(tokens: readonly string[]): Signature {
  const sig = minhash(tokens);
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
