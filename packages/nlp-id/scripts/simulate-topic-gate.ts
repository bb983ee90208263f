/**
 * Measurement only (nothing here ships): would a per-text prior weight help where a global one does not?
 * α(x) = αmax · clamp((1 − coverage(x)) / 0.5, 0, 1), where coverage is the share of the text's content
 * terms that occur in ≥ 2 labelled training rows — headlines of the training outlets get ≈ 0, texts
 * unlike them more of the prior expert. Same folds, rule and sets as sweep-topic-prior.ts.
 *
 *   npx tsx packages/nlp-id/scripts/simulate-topic-gate.ts
 */
import {
  TopicModel,
  TopicRow,
  TopicScorer,
  topicInputOf,
  topicMetrics,
  trainTopicModelsForPriorWeights,
} from '../src/topics';
import { TopicId } from '../src/topic-taxonomy';
import { createNormalizer } from '../src/normalize';
import { loadTopicEvalSets, styleCluster, stratifiedSplit } from './topic-eval-sets';

const AMAX = [0, 0.2, 0.4, 0.6, 0.8, 0.95];
const normalizer = createNormalizer();
const inputOf = (text: string) => topicInputOf(normalizer.normalize(text.normalize('NFKC')).tokens);
const sets = loadTopicEvalSets();
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Uncalibrated logits of a model (its one shared Platt map inverted). */
function logits(model: TopicModel, scorer: TopicScorer, text: string): number[] {
  const c = model.calibration[0] as { a: number; b: number };
  return Array.from(scorer.probabilities(inputOf(text)), (p) => {
    const q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
    return (Math.log(q / (1 - q)) - c.b) / c.a;
  });
}

/** macro-F1 per αmax on `test`, for experts trained on `train`. */
function fold(
  train: readonly TopicRow[],
  tests: Record<string, readonly TopicRow[]>,
): Record<string, number[]> {
  const [m0, m5] = trainTopicModelsForPriorWeights(train, {}, [0, 0.5]) as [TopicModel, TopicModel];
  const s0 = new TopicScorer(m0);
  const s5 = new TopicScorer(m5);
  const df = new Map<string, number>();
  for (const r of train) for (const t of new Set(inputOf(r.text).terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const out: Record<string, number[]> = {};
  for (const [name, rows] of Object.entries(tests)) {
    const parts = rows.map((r) => {
      const z0 = logits(m0, s0, r.text);
      const z5 = logits(m5, s5, r.text);
      const terms = inputOf(r.text).terms;
      const cov = terms.length === 0 ? 1 : terms.filter((t) => (df.get(t) ?? 0) >= 2).length / terms.length;
      return {
        z0,
        zp: z5.map((v, t) => 2 * v - (z0[t] as number)),
        gate: Math.min(1, Math.max(0, (1 - cov) / 0.5)),
      };
    });
    out[name] = AMAX.map((amax) => {
      const predicted = parts.map(({ z0, zp, gate }) => {
        const a = amax * gate;
        let best = 0;
        const z = z0.map((v, t) => (1 - a) * v + a * (zp[t] as number));
        for (let t = 1; t < z.length; t++) if ((z[t] as number) > (z[best] as number)) best = t;
        return m0.topics[best] as TopicId;
      });
      const m = topicMetrics(
        rows.map((r) => r.topic),
        predicted,
      );
      return name === 'electionPolitikF1' ? (m.perTopic.politik?.f1 ?? 0) : m.macroF1;
    });
  }
  return out;
}

const [train, test] = stratifiedSplit(sets.headlines, 0.15, 7);
const main = fold(train, {
  inDomain: test,
  social: sets.social,
  electionPolitikF1: sets.tweets,
  mafindo: sets.mafindo,
});
const clusters = [...new Set(sets.headlines.map((r) => styleCluster(r.text)))].sort();
const loso = clusters.map((c) => {
  const r = fold(
    sets.headlines.filter((x) => styleCluster(x.text) !== c),
    {
      loso: sets.headlines.filter((x) => styleCluster(x.text) === c),
    },
  ).loso as number[];
  process.stderr.write(`fold ${c}: ${r.map(r3).join(' ')}\n`);
  return r;
});
const table = AMAX.map((amax, i) => {
  const row: Record<string, number> = { alphaMax: amax };
  for (const [k, v] of Object.entries(main)) row[k] = r3(v[i] as number);
  row.losoMean = r3(loso.reduce((s, r) => s + (r[i] as number), 0) / loso.length);
  if ((row.inDomain as number) >= 0.75)
    row.criterion = r3((row.losoMean as number) / 2 + (row.social as number) / 2);
  return row;
});
const cols = [...new Set(table.flatMap((r) => Object.keys(r)))];
process.stderr.write(
  cols.join('\t') + '\n' + table.map((r) => cols.map((c) => r[c] ?? '').join('\t')).join('\n') + '\n',
);
process.stdout.write(JSON.stringify({ table }) + '\n');
