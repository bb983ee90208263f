/**
 * `npm run eval:hoax` — the figure every hoax-model change must improve. Leave-one-source-out over the
 * shared labelled sets (../shared/data/hoax, never copied into the repository): for each set, train on
 * the other sets' training files and test on the left-out set's test file; then the in-domain table
 * (train and test of one set); then the shipped default model, trained on the project's own texts, on
 * every test file (so a retrain of it that stops finding hoaxes shows here). Models are trained and
 * measured through the functions `pantau hoax train` / `pantau hoax eval` call (trainHoaxModel with the
 * CLI's defaults, evaluateHoaxModel), and a naive baseline (stemmed terms + multinomial naive Bayes) is measured on the same splits in the run.
 *
 *   npm run eval:hoax [-- --data DIR] [--options '{"C":1}'] [--no-in-domain] [--json]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { sharedHoaxDir } from './shared-data';
import {
  DEFAULT_TRAINING_FILE,
  FactCheck,
  HoaxEvaluation,
  BinaryMetrics,
  TrainOptions,
  TrainingRow,
  evaluateHoaxModel,
  evaluateNaiveBayes,
  loadDefaultHoaxModel,
  readLabelledCsv,
  trainHoaxModel,
} from '../src';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    options: { type: 'string' },
    'no-in-domain': { type: 'boolean' },
    json: { type: 'boolean' },
  },
});
const DATA = sharedHoaxDir(values.data);
const SETS = ['mafindo', 'headlines2024', 'election2019-tweets', 'articles2018'];
const options = JSON.parse(values.options ?? '{}') as TrainOptions;

for (const set of SETS)
  for (const part of ['train', 'test'])
    if (!fs.existsSync(path.join(DATA, `${set}-${part}.csv`)))
      throw new Error(`${path.join(DATA, `${set}-${part}.csv`)} is missing (shared evaluation data)`);
const rows = (set: string, part: string): TrainingRow[] =>
  readLabelledCsv(path.join(DATA, `${set}-${part}.csv`));
const data = Object.fromEntries(SETS.map((s) => [s, { train: rows(s, 'train'), test: rows(s, 'test') }]));

interface Row {
  set: string;
  trainedOn: string;
  n: number;
  hoaxShare: number;
  model: HoaxEvaluation;
  baseline: BinaryMetrics;
  /** Same model, posts also matched against the MAFINDO hoax narratives as fact-checks (LOSO only). */
  withClaims?: HoaxEvaluation;
  threshold: number;
  seconds: number;
}

// The fact-check corpus for claim matching: MAFINDO's hoax narratives (title = first sentence).
const factChecks: FactCheck[] = data
  .mafindo!.train.filter((r) => r.label === 1)
  .map((r, i) => {
    const cut = r.text.search(/[.!?]\s/);
    return {
      id: `mafindo-${i + 1}`,
      title: cut > 0 ? r.text.slice(0, cut) : r.text.slice(0, 120),
      text: cut > 0 ? r.text.slice(cut + 1) : r.text,
      verdict: 'SALAH',
    };
  });

function measure(set: string, trainSets: string[], claims = false): Row {
  const train = trainSets.flatMap((s) => data[s]!.train);
  const test = data[set]!.test;
  const started = Date.now();
  const model = trainHoaxModel(train, { ...options, version: `loso-${set}` });
  const metrics = evaluateHoaxModel(model, test);
  return {
    set,
    trainedOn: trainSets.join('+'),
    n: test.length,
    hoaxShare: test.filter((r) => r.label === 1).length / test.length,
    model: metrics,
    baseline: evaluateNaiveBayes(train, test),
    ...(claims ? { withClaims: evaluateHoaxModel(model, test, { factChecks }) } : {}),
    threshold: model.threshold,
    seconds: (Date.now() - started) / 1000,
  };
}

const f = (x: number): string => x.toFixed(3);
function extras(results: Row[]): void {
  console.log(
    '\n| test set | uncertain share | accuracy inside band | accuracy outside | with claim matching: macro-F1 | P / R |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of results)
    console.log(
      `| ${r.set} | ${f(r.model.uncertainShare)} | ${f(r.model.uncertainAccuracy)} | ${f(r.model.confidentAccuracy)} | ${r.withClaims ? f(r.withClaims.macroF1) : '–'} | ${r.withClaims ? `${f(r.withClaims.precision)} / ${f(r.withClaims.recall)}` : '–'} |`,
    );
}
function table(title: string, results: Row[]): void {
  console.log(`\n${title}\n`);
  console.log(
    '| test set | n | hoax % | macro-F1 | precision (hoax) | recall (hoax) | threshold | baseline macro-F1 | baseline P / R |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results)
    console.log(
      `| ${r.set} | ${r.n} | ${Math.round(r.hoaxShare * 100)} | **${f(r.model.macroF1)}** | ${f(r.model.precision)} | ${f(r.model.recall)} | ${r.threshold} | ${f(r.baseline.macroF1)} | ${f(r.baseline.precision)} / ${f(r.baseline.recall)} |`,
    );
  const mean = (g: (r: Row) => number): number => results.reduce((a, r) => a + g(r), 0) / results.length;
  const worst = (g: (r: Row) => number): number => Math.min(...results.map(g));
  console.log(
    `| **mean** | | | **${f(mean((r) => r.model.macroF1))}** | ${f(mean((r) => r.model.precision))} | ${f(mean((r) => r.model.recall))} | | ${f(mean((r) => r.baseline.macroF1))} | |`,
  );
  console.log(
    `| **worst** | | | **${f(worst((r) => r.model.macroF1))}** | | | | ${f(worst((r) => r.baseline.macroF1))} | |`,
  );
  const flagged = results.filter((r) => r.model.recall > 0.95 && r.model.precision < 0.5).map((r) => r.set);
  console.log(
    `\n"flag everything" sets (recall > 0.95, precision < 0.5): ${flagged.length ? flagged.join(', ') : 'none'}`,
  );
}

const started = Date.now();
// Claim matching (MAFINDO narratives as fact-checks) is measured on every set but MAFINDO itself.
const loso = SETS.map((set) =>
  measure(
    set,
    SETS.filter((s) => s !== set),
    set !== 'mafindo',
  ),
);
table(`Leave one source out (train: the other sets' train files; options ${JSON.stringify(options)})`, loso);
const inDomain = values['no-in-domain'] ? [] : SETS.map((set) => measure(set, [set]));
extras(loso);
if (inDomain.length) table('In domain (train and test of the same set)', inDomain);
// The model the scorer uses unless HOAX_MODEL_PATH is set: trained on the project's own texts only,
// so every set is unseen (the baseline: naive Bayes on the same project texts).
const shippedModel = loadDefaultHoaxModel();
const projectRows = readLabelledCsv(DEFAULT_TRAINING_FILE);
const shipped = SETS.map((set): Row => {
  const test = data[set]!.test;
  const started = Date.now();
  return {
    set,
    trainedOn: 'project corpus',
    n: test.length,
    hoaxShare: test.filter((r) => r.label === 1).length / test.length,
    model: evaluateHoaxModel(shippedModel, test),
    baseline: evaluateNaiveBayes(projectRows, test),
    threshold: shippedModel.threshold,
    seconds: (Date.now() - started) / 1000,
  };
});
table(`Shipped model (${shippedModel.version}: the project's own texts only)`, shipped);
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s`);
if (values.json) console.log(JSON.stringify({ loso, inDomain, shipped }));
