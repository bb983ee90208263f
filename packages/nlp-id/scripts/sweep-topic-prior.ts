/**
 * Chooses the prior weight α of the topic trainer (trainTopicModel's priorWeight: logits
 * (1 − α)·main + α·prior-expert) by leave-one-style-out over the CLICK-ID headlines and the
 * project-written social set — never by the held-out sets of other sources, which are printed beside
 * them for the record only (MAFINDO claims, election tweets).
 *
 * Each fold is trained once for every α (trainTopicModelsForPriorWeights fits the experts once).
 * Rule, fixed before the run: among the α whose in-domain macro-F1 stays ≥ 0.75, take the one with the
 * best mean of (leave-one-style-out mean macro-F1, social macro-F1); ties → the smaller α.
 *
 *   npx tsx packages/nlp-id/scripts/sweep-topic-prior.ts [--weights 0,0.1,…] [--no-loso]
 * Prints a table on stderr, then one JSON line.
 */
import { parseArgs } from 'node:util';
import {
  TopicMetrics,
  TopicTrainOptions,
  evaluateTopicModel,
  trainTopicModelsForPriorWeights,
} from '../src/topics';
import { loadTopicEvalSets, styleCluster, stratifiedSplit } from './topic-eval-sets';

const { values } = parseArgs({
  options: { weights: { type: 'string' }, 'no-loso': { type: 'boolean' }, options: { type: 'string' } },
});
const weights = (values.weights ?? '0,0.1,0.2,0.3,0.4,0.5,0.6,0.7').split(',').map(Number);
// Other trainer options to hold fixed while α varies, as JSON (e.g. '{"labelledOnlyC":10}').
const options = JSON.parse(values.options ?? '{}') as TopicTrainOptions;
const sets = loadTopicEvalSets();
if (sets.headlines.length === 0) throw new Error('the shared CLICK-ID headlines are needed (../shared/data)');

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
type Row = Record<string, number>;
const table: Row[] = weights.map((a) => ({ priorWeight: a }));
const put = (name: string, ms: TopicMetrics[]): void =>
  ms.forEach((m, i) => ((table[i] as Row)[name] = r3(m.macroF1)));

const [train, test] = stratifiedSplit(sets.headlines, 0.15, 7);
let started = Date.now();
const models = trainTopicModelsForPriorWeights(train, options, weights);
process.stderr.write(`in-domain split trained in ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
put(
  'inDomain',
  models.map((m) => evaluateTopicModel(m, test)),
);
put(
  'social',
  models.map((m) => evaluateTopicModel(m, sets.social)),
);
// Held out, reported only.
if (sets.tweets.length > 0)
  models.forEach(
    (m, i) =>
      ((table[i] as Row).electionPolitikF1 = r3(
        evaluateTopicModel(m, sets.tweets).perTopic.politik?.f1 ?? 0,
      )),
  );
if (sets.mafindo.length > 0)
  put(
    'mafindo',
    models.map((m) => evaluateTopicModel(m, sets.mafindo)),
  );

if (!values['no-loso']) {
  const clusters = [...new Set(sets.headlines.map((r) => styleCluster(r.text)))].sort();
  const sums = weights.map(() => 0);
  for (const cluster of clusters) {
    started = Date.now();
    const rest = sets.headlines.filter((r) => styleCluster(r.text) !== cluster);
    const heldOut = sets.headlines.filter((r) => styleCluster(r.text) === cluster);
    const fold = trainTopicModelsForPriorWeights(rest, options, weights);
    fold.forEach((m, i) => {
      const f1 = evaluateTopicModel(m, heldOut).macroF1;
      (table[i] as Row)[`loso:${cluster}`] = r3(f1);
      sums[i] = (sums[i] as number) + f1;
    });
    process.stderr.write(`fold ${cluster} in ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
  }
  table.forEach((row, i) => (row.losoMean = r3((sums[i] as number) / clusters.length)));
}

let chosen: Row | undefined;
for (const row of table) {
  if ((row.inDomain as number) < 0.75) continue;
  row.criterion = r3(((row.losoMean ?? row.inDomain) as number) / 2 + (row.social as number) / 2);
  if (!chosen || (row.criterion as number) > (chosen.criterion as number)) chosen = row;
}
const cols = [...new Set(table.flatMap((row) => Object.keys(row)))];
process.stderr.write(cols.join('\t') + '\n');
for (const row of table) process.stderr.write(cols.map((c) => row[c] ?? '').join('\t') + '\n');
process.stderr.write(
  `options ${JSON.stringify(options)}; chosen priorWeight: ${chosen?.priorWeight ?? 'none (in-domain < 0.75 everywhere)'}\n`,
);
process.stdout.write(JSON.stringify({ options, chosen: chosen?.priorWeight ?? null, table }) + '\n');
