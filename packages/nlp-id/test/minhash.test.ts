import * as fs from 'node:fs';
import {
  LSH_BANDS,
  MINHASH_SIZE,
  computeSignature,
  jaccardEstimate,
  normalize,
  shingleJaccard,
} from '../src';
import { measureNearDuplicates } from '../scripts/neardup-eval';
import { POSTS } from './fixtures/posts';
import { sharedDataFile, skipMessage } from './shared-data';

const SMSA = 'text/indonlu-smsa-train.tsv';

describe('near-duplicate signatures', () => {
  it('has the configured shape and is deterministic', () => {
    const tokens = normalize(POSTS[0] as string).tokens;
    const a = computeSignature(tokens);
    expect(a.minhash).toHaveLength(MINHASH_SIZE);
    expect(a.bands).toHaveLength(LSH_BANDS);
    expect(computeSignature(tokens)).toEqual(a);
  });

  it('gives a text without words no band keys, so such texts are not copies of each other', () => {
    for (const text of ['', '😂😂😂', 'https://t.co/a8Xk2', '....'])
      expect(computeSignature(normalize(text).tokens).bands).toEqual([]);
    expect(computeSignature(normalize('wkwk').tokens).bands).toHaveLength(LSH_BANDS);
  });

  it('estimates Jaccard similarity', () => {
    const a = normalize(POSTS[4] as string).tokens;
    const b = [...a.slice(0, -3), 'tolong', 'dicek', 'dulu'];
    const estimate = jaccardEstimate(computeSignature(a).minhash, computeSignature(b).minhash);
    expect(Math.abs(estimate - shingleJaccard(a, b))).toBeLessThan(0.15);
    expect(jaccardEstimate(computeSignature(a).minhash, computeSignature(a).minhash)).toBe(1);
  });

  it('recalls ≥ 0.9 of edited pairs at Jaccard ≥ 0.8 with few false candidates below 0.5 (fixture posts)', () => {
    const report = measureNearDuplicates(POSTS, 7, 40);
    expect(report.pairsAtJaccard08).toBeGreaterThan(50);
    expect(report.recallAtJaccard08).toBeGreaterThanOrEqual(0.9);
    expect(report.falseCandidateRateJaccard03to05).toBeLessThanOrEqual(0.05);
    expect(report.falseCandidateRateUnrelated).toBeLessThanOrEqual(0.01);
    // The documented banding curve (0.95 at Jaccard 0.8, 0.06 at 0.5), within ~3 standard errors of
    // the ~120 and ~190 pairs near those points.
    expect(report.bandShareNear08.pairs).toBeGreaterThan(80);
    expect(Math.abs(report.bandShareNear08.measured - report.bandShareNear08.expected)).toBeLessThan(0.07);
    expect(report.bandShareNear05.pairs).toBeGreaterThan(120);
    expect(Math.abs(report.bandShareNear05.measured - report.bandShareNear05.expected)).toBeLessThan(0.06);
  });

  const smsa = sharedDataFile(SMSA);
  (smsa ? it : it.skip)(smsa ? 'does the same on IndoNLU SmSA texts' : skipMessage(SMSA), () => {
    const texts = fs
      .readFileSync(smsa as string, 'utf8')
      .split('\n')
      .map((l) => l.split('\t')[0] ?? '')
      .filter(Boolean)
      .slice(0, 1500);
    const report = measureNearDuplicates(texts, 11, 3);
    expect(report.pairsAtJaccard08).toBeGreaterThan(300);
    expect(report.recallAtJaccard08).toBeGreaterThanOrEqual(0.9);
    expect(report.falseCandidateRateJaccard03to05).toBeLessThanOrEqual(0.05);
    expect(report.falseCandidateRateUnrelated).toBeLessThanOrEqual(0.01);
    // ~280 and ~600 pairs near the curve's two documented points: within ~3 standard errors.
    expect(report.bandShareNear08.pairs).toBeGreaterThan(200);
    expect(Math.abs(report.bandShareNear08.measured - report.bandShareNear08.expected)).toBeLessThan(0.05);
    expect(report.bandShareNear05.pairs).toBeGreaterThan(400);
    expect(Math.abs(report.bandShareNear05.measured - report.bandShareNear05.expected)).toBeLessThan(0.03);
  });
});
