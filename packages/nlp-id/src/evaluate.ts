/** Scores labelled rows with a model through the same path as enrich(), and measures the result. */
import { createEnricher, verdictOf } from './enricher';
import type { FactCheck } from './factcheck';
import { BinaryMetrics, HoaxModel, TrainingRow, binaryMetrics, scoreInput } from './model';

export interface EvaluateOptions {
  extraLexiconFiles?: string[];
  /** Fact-checked claims to match posts against, as enrich() does (the score then includes claim matches). */
  factChecks?: FactCheck[];
}

/** The metrics, plus how the uncertain band (belum pasti) splits the rows. */
export interface HoaxEvaluation extends BinaryMetrics {
  /** Share of rows in the uncertain band, and the accuracy inside and outside it. */
  uncertainShare: number;
  uncertainAccuracy: number;
  confidentAccuracy: number;
}

/** The calibrated score of each text, as enrich() computes it. */
export function hoaxScores(
  model: HoaxModel,
  texts: readonly string[],
  options: EvaluateOptions = {},
): number[] {
  const enricher = createEnricher({
    model,
    ...(options.extraLexiconFiles ? { extraLexiconFiles: options.extraLexiconFiles } : {}),
    ...(options.factChecks ? { factChecks: options.factChecks } : {}),
  });
  return texts.map((text) =>
    options.factChecks
      ? enricher.enrich(text).hoax.score
      : scoreInput(model, enricher.modelInput(text)).probability,
  );
}

export function evaluateHoaxModel(
  model: HoaxModel,
  rows: readonly TrainingRow[],
  options: EvaluateOptions = {},
): HoaxEvaluation {
  const scores = hoaxScores(
    model,
    rows.map((r) => r.text),
    options,
  );
  const predicted = scores.map((p) => (p >= model.threshold ? 1 : 0));
  let uncertain = 0;
  let uncertainRight = 0;
  let confidentRight = 0;
  rows.forEach((r, i) => {
    const right = predicted[i] === r.label ? 1 : 0;
    if (verdictOf(scores[i] as number, model.threshold) === 'uncertain') {
      uncertain++;
      uncertainRight += right;
    } else confidentRight += right;
  });
  const confident = rows.length - uncertain;
  return {
    ...binaryMetrics(
      rows.map((r) => r.label),
      predicted,
    ),
    uncertainShare: rows.length ? uncertain / rows.length : 0,
    uncertainAccuracy: uncertain ? uncertainRight / uncertain : 0,
    confidentAccuracy: confident ? confidentRight / confident : 0,
  };
}
