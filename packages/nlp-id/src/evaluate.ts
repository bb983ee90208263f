/** Scores labelled rows with a model through the same path as enrich(), and measures the result. */
import { createEnricher } from './enricher';
import { BinaryMetrics, HoaxModel, TrainingRow, binaryMetrics, scoreInput } from './model';

export function evaluateHoaxModel(
  model: HoaxModel,
  rows: readonly TrainingRow[],
  options: { extraLexiconFiles?: string[] } = {},
): BinaryMetrics {
  const enricher = createEnricher({
    model,
    ...(options.extraLexiconFiles ? { extraLexiconFiles: options.extraLexiconFiles } : {}),
  });
  const predicted = rows.map((r) =>
    scoreInput(model, enricher.modelInput(r.text)).probability >= model.threshold ? 1 : 0,
  );
  return binaryMetrics(
    rows.map((r) => r.label),
    predicted,
  );
}
