/**
 * Hyper-parameter selection for the hoax model on training data only: stratified k-fold
 * cross-validation inside a training file (every fold's model fits its own calibration and threshold
 * on inner folds, so the held-out figure is honest), plus an optional cross-source development file
 * (headlines2024-val). Test files are never read here.
 *
 *   npx tsx packages/nlp-id/scripts/tune-hoax.ts --train ../shared/data/hoax/mafindo-train.csv \
 *     --dev ../shared/data/hoax/headlines2024-val.csv [--folds 4] [--configs '[{...}]']
 *
 * Prints one JSON line per configuration: {config, cvMacroF1, devMacroF1}.
 */
import { parseArgs } from 'node:util';
import { binaryMetrics, createEnricher, readLabelledCsv, scoreInput, trainFromInputs } from '../src';
import type { TrainOptions } from '../src';

const { values } = parseArgs({
  options: {
    train: { type: 'string' },
    dev: { type: 'string' },
    folds: { type: 'string' },
    configs: { type: 'string' },
  },
});
if (!values.train) throw new Error('--train FILE.csv is required');
const enricher = createEnricher();
const prepare = (
  file: string,
): { tokens: readonly string[]; signals: ReadonlyMap<string, number>; label: 0 | 1 }[] =>
  readLabelledCsv(file).map((r) => ({ ...enricher.modelInput(r.text), label: r.label }));
const train = prepare(values.train);
const dev = values.dev ? prepare(values.dev) : [];
const folds = Number(values.folds ?? 4);

const CONFIGS: TrainOptions[] = values.configs
  ? (JSON.parse(values.configs) as TrainOptions[])
  : [
      {},
      { nbScaling: 0 },
      { charNgram: 3, charNgramMax: 5 },
      { charNgram: 3, charNgramMax: 5, nbScaling: 0 },
      { charNgram: 3, charNgramMax: 5, charWeight: 0.7 },
      { charNgram: 3, charNgramMax: 5, classBalance: true },
      { charNgram: 3, charNgramMax: 5, l2: 1e-5 },
      { charNgram: 3, charNgramMax: 5, epochs: 12 },
    ];

// Deterministic stratified folds.
const foldOf: number[] = [];
for (const label of [0, 1]) {
  let k = 0;
  train.forEach((r, i) => {
    if (r.label === label) foldOf[i] = (k++ * 7919) % folds;
  });
}

for (const config of CONFIGS) {
  const started = Date.now();
  const labels: (0 | 1)[] = [];
  const predicted: (0 | 1)[] = [];
  for (let f = 0; f < folds; f++) {
    const model = trainFromInputs(
      train.filter((_, i) => foldOf[i] !== f),
      config,
    );
    train.forEach((r, i) => {
      if (foldOf[i] !== f) return;
      labels.push(r.label);
      predicted.push(scoreInput(model, r).probability >= model.threshold ? 1 : 0);
    });
  }
  const cv = binaryMetrics(labels, predicted);
  let devMacroF1: number | undefined;
  if (dev.length > 0) {
    const model = trainFromInputs(train, config);
    devMacroF1 = binaryMetrics(
      dev.map((r) => r.label),
      dev.map((r) => (scoreInput(model, r).probability >= model.threshold ? 1 : 0)),
    ).macroF1;
  }
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  process.stdout.write(
    JSON.stringify({
      config,
      cvMacroF1: r3(cv.macroF1),
      cvAccuracy: r3(cv.accuracy),
      ...(devMacroF1 !== undefined ? { devMacroF1: r3(devMacroF1) } : {}),
      seconds: Math.round((Date.now() - started) / 1000),
    }) + '\n',
  );
}
