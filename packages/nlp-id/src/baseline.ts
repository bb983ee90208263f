/**
 * The naive baseline every hoax-model change is measured against, in the same run: multinomial naive
 * Bayes (Laplace smoothing, class priors from the training rows) over stemmed, stop-word-free content
 * terms, decision at the larger posterior. Evaluation only; never served.
 */
import { contentTerms, createEnricher } from './enricher';
import { BinaryMetrics, TrainingRow, binaryMetrics } from './model';

export interface NaiveBayesModel {
  logPrior: [number, number];
  /** term → [log P(term | not hoax), log P(term | hoax)] */
  logLikelihood: Map<string, [number, number]>;
  /** Log-probability of a term never seen in a class. */
  unseen: [number, number];
}

type Terms = (text: string) => string[];

function termsFunction(): Terms {
  const enricher = createEnricher();
  return (text) => contentTerms(enricher.modelInput(text).tokens);
}

export function trainNaiveBayes(
  rows: readonly TrainingRow[],
  termsOf: Terms = termsFunction(),
): NaiveBayesModel {
  const counts = new Map<string, [number, number]>();
  const totals: [number, number] = [0, 0];
  const docs: [number, number] = [0, 0];
  for (const r of rows) {
    docs[r.label]++;
    for (const t of termsOf(r.text)) {
      const c = counts.get(t) ?? [0, 0];
      c[r.label]++;
      totals[r.label]++;
      counts.set(t, c);
    }
  }
  const vocabulary = counts.size;
  const logLikelihood = new Map<string, [number, number]>();
  for (const [t, c] of counts)
    logLikelihood.set(t, [
      Math.log((c[0] + 1) / (totals[0] + vocabulary)),
      Math.log((c[1] + 1) / (totals[1] + vocabulary)),
    ]);
  const n = rows.length;
  return {
    logPrior: [Math.log((docs[0] + 1) / (n + 2)), Math.log((docs[1] + 1) / (n + 2))],
    logLikelihood,
    unseen: [Math.log(1 / (totals[0] + vocabulary)), Math.log(1 / (totals[1] + vocabulary))],
  };
}

export function predictNaiveBayes(model: NaiveBayesModel, terms: readonly string[]): 0 | 1 {
  let hoax = model.logPrior[1];
  let ok = model.logPrior[0];
  for (const t of terms) {
    const l = model.logLikelihood.get(t);
    // Terms unseen in both classes say nothing; scikit-learn drops them the same way.
    if (!l) continue;
    ok += l[0];
    hoax += l[1];
  }
  return hoax > ok ? 1 : 0;
}

/** Trains the baseline on `train` and measures it on `test`. */
export function evaluateNaiveBayes(
  train: readonly TrainingRow[],
  test: readonly TrainingRow[],
): BinaryMetrics {
  const termsOf = termsFunction();
  const model = trainNaiveBayes(train, termsOf);
  return binaryMetrics(
    test.map((r) => r.label),
    test.map((r) => predictNaiveBayes(model, termsOf(r.text))),
  );
}
