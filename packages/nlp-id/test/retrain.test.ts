import { DEFAULT_TRAINING_FILE, readLabelledCsv, retrainHoaxModel, trainHoaxModel } from '../src';
import type { TrainingRow } from '../src';

// The project's own corpus: every 3rd row plays the analysts' new labels, the rest the shipped corpus.
// 2^16 buckets and 3 folds keep the test's 14 trainings to a few seconds.
const all = readLabelledCsv(DEFAULT_TRAINING_FILE);
const labels = all.filter((_, i) => i % 3 === 0);
const corpus = all.filter((_, i) => i % 3 !== 0);
const options = { dim: 1 << 16 };
const current = trainHoaxModel(corpus, { version: 'in-use', ...options });

describe('retraining from analysts labels', () => {
  it('promotes a candidate trained on consistent labels, with its figures', () => {
    const result = retrainHoaxModel({ corpus, labels, current, version: 'candidate-1', options, folds: 3 });
    expect(result.candidate.version).toBe('candidate-1');
    expect(result.candidate.training.rows).toBe(corpus.length + labels.length);
    expect(result.figures.labels.n).toBe(labels.length);
    expect(result.figures.corpus.n).toBe(corpus.length);
    expect(result.figures.labels.candidate).toBeGreaterThan(0.7);
    expect(result.promote).toBe(true);
    expect(result.reason).toMatch(/no regression/);
  });

  it('does not promote a candidate trained on labels that contradict the corpus', () => {
    const flipped: TrainingRow[] = labels.map((r) => ({ ...r, label: r.label === 1 ? 0 : 1 }));
    const result = retrainHoaxModel({
      corpus,
      labels: flipped,
      current,
      version: 'candidate-2',
      options,
      folds: 3,
    });
    expect(result.promote).toBe(false);
    expect(result.figures.corpus.withLabels).toBeLessThan(result.figures.corpus.withoutLabels);
    expect(result.reason).toMatch(/regresses/);
  });
});
