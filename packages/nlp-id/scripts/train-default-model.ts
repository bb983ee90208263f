/**
 * Trains the shipped default hoax model (data/hoax-model.json) on the project's own corpus
 * (data/hoax-train-id.csv, built by build-hoax-corpus.ts). Never on third-party data.
 *
 *   npx tsx packages/nlp-id/scripts/train-default-model.ts
 */
import {
  DEFAULT_MODEL_FILE,
  DEFAULT_TRAINING_FILE,
  readLabelledCsv,
  saveHoaxModel,
  trainHoaxModel,
} from '../src';

export const DEFAULT_MODEL_VERSION = 'pantau-default-2026.11-lbfgs';

const rows = readLabelledCsv(DEFAULT_TRAINING_FILE);
// 2^18 buckets: few collisions for a few thousand n-grams, and the compiled arrays stay at 2 MB.
const model = trainHoaxModel(rows, {
  version: DEFAULT_MODEL_VERSION,
  source: 'packages/nlp-id/data/hoax-train-id.csv',
  dim: 1 << 18,
});
// A fixed date keeps the file byte-identical between rebuilds of the same corpus.
model.training.createdAt = '2026-11-28T00:00:00.000Z';
saveHoaxModel(model, DEFAULT_MODEL_FILE);
process.stderr.write(
  `trained ${DEFAULT_MODEL_VERSION} on ${rows.length} rows: threshold ${model.threshold}, ${Object.keys(model.weights).length} weights → ${DEFAULT_MODEL_FILE}\n`,
);
