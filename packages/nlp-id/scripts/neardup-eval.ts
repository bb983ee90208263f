/**
 * Near-duplicate evaluation on generated edits of real texts: each text gets variants with random word
 * substitutions, deletions, insertions and swaps; the exact shingle Jaccard of every (text, variant) pair
 * is compared with whether the LSH bands make the pair a candidate. Unrelated text pairs measure the
 * false candidates at the low end.
 */
import { seededRandom } from '@pantau/core';
import { LSH_BANDS, LSH_ROWS, computeSignature, normalize, shingleJaccard } from '../src';

export interface NearDuplicateReport {
  texts: number;
  pairs: number;
  /** Share of pairs with Jaccard ≥ 0.8 that are LSH candidates. */
  recallAtJaccard08: number;
  pairsAtJaccard08: number;
  /** Share of edited pairs with 0.3 ≤ Jaccard < 0.5 that are (falsely) candidates. */
  falseCandidateRateJaccard03to05: number;
  pairsJaccard03to05: number;
  /** Share of unrelated text pairs that are candidates. */
  falseCandidateRateUnrelated: number;
  unrelatedPairs: number;
  /** Mean absolute error of the MinHash Jaccard estimate. */
  estimateMeanAbsoluteError: number;
  /**
   * The banding curve near its two documented points: the share of edited pairs with Jaccard within
   * 0.05 of 0.8 (of 0.5) that share a band, beside the mean of 1-(1-J^8)^16 over the same pairs.
   */
  bandShareNear08: { pairs: number; measured: number; expected: number };
  bandShareNear05: { pairs: number; measured: number; expected: number };
}

/** Probability that two texts of shingle Jaccard j share at least one of the LSH bands. */
export function bandingProbability(j: number): number {
  return 1 - Math.pow(1 - Math.pow(j, LSH_ROWS), LSH_BANDS);
}

function edit(words: string[], edits: number, vocabulary: readonly string[], random: () => number): string[] {
  const out = [...words];
  const pick = (): string => vocabulary[Math.floor(random() * vocabulary.length)] as string;
  for (let e = 0; e < edits && out.length > 2; e++) {
    const i = Math.floor(random() * out.length);
    const op = random();
    if (op < 0.4) out[i] = pick();
    else if (op < 0.65) out.splice(i, 1);
    else if (op < 0.9) out.splice(i, 0, pick());
    else if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1] as string, out[i] as string];
  }
  return out;
}

const shareBand = (a: readonly string[], b: readonly string[]): boolean => {
  const set = new Set(a);
  return b.some((k) => set.has(k));
};

export function measureNearDuplicates(
  texts: readonly string[],
  seed = 7,
  variantsPerText = 4,
): NearDuplicateReport {
  const random = seededRandom(seed);
  const usable = texts.filter((t) => t.split(/\s+/).length >= 8);
  const vocabulary = [...new Set(usable.flatMap((t) => t.split(/\s+/)))];
  const originals = usable.map((text) => {
    const tokens = normalize(text).tokens;
    return { text, tokens, signature: computeSignature(tokens) };
  });
  let high = 0,
    highHit = 0,
    low = 0,
    lowHit = 0,
    pairs = 0,
    absError = 0;
  const near08 = { pairs: 0, shared: 0, expected: 0 };
  const near05 = { pairs: 0, shared: 0, expected: 0 };
  for (const original of originals) {
    const words = original.text.split(/\s+/);
    for (let v = 0; v < variantsPerText; v++) {
      // Edit budgets from one word to half the text, so pairs span the whole Jaccard range.
      const edits = 1 + Math.floor(random() * Math.max(1, words.length / 2));
      const tokens = normalize(edit(words, edits, vocabulary, random).join(' ')).tokens;
      const signature = computeSignature(tokens);
      const jaccard = shingleJaccard(original.tokens, tokens);
      const candidate = shareBand(original.signature.bands, signature.bands);
      let equal = 0;
      for (let i = 0; i < signature.minhash.length; i++)
        if (signature.minhash[i] === original.signature.minhash[i]) equal++;
      absError += Math.abs(equal / signature.minhash.length - jaccard);
      pairs++;
      for (const [centre, window] of [
        [0.8, near08],
        [0.5, near05],
      ] as const) {
        if (Math.abs(jaccard - centre) > 0.05) continue;
        window.pairs++;
        if (candidate) window.shared++;
        window.expected += bandingProbability(jaccard);
      }
      if (jaccard >= 0.8) {
        high++;
        if (candidate) highHit++;
      } else if (jaccard >= 0.3 && jaccard < 0.5) {
        low++;
        if (candidate) lowHit++;
      }
    }
  }
  let unrelated = 0,
    unrelatedHit = 0;
  for (let i = 0; i + 1 < originals.length; i += 1) {
    const a = originals[i] as (typeof originals)[number];
    const b = originals[(i * 7 + 13) % originals.length] as (typeof originals)[number];
    if (a === b || shingleJaccard(a.tokens, b.tokens) >= 0.5) continue;
    unrelated++;
    if (shareBand(a.signature.bands, b.signature.bands)) unrelatedHit++;
  }
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);
  return {
    texts: originals.length,
    pairs,
    recallAtJaccard08: ratio(highHit, high),
    pairsAtJaccard08: high,
    falseCandidateRateJaccard03to05: ratio(lowHit, low),
    pairsJaccard03to05: low,
    falseCandidateRateUnrelated: ratio(unrelatedHit, unrelated),
    unrelatedPairs: unrelated,
    estimateMeanAbsoluteError: ratio(absError, pairs),
    bandShareNear08: {
      pairs: near08.pairs,
      measured: ratio(near08.shared, near08.pairs),
      expected: ratio(near08.expected, near08.pairs),
    },
    bandShareNear05: {
      pairs: near05.pairs,
      measured: ratio(near05.shared, near05.pairs),
      expected: ratio(near05.expected, near05.pairs),
    },
  };
}
