/**
 * The hoax model's life after shipping: a retrain job trains a candidate from the shipped corpus plus
 * every agency's labels, records the figures and the decision in the `models` index, and the scorer
 * polls that index so a promoted model serves the next post without a restart.
 */
import {
  DEFAULT_TRAINING_FILE,
  readLabelledCsv,
  retrainHoaxModelInThread,
  type Enricher,
  type HoaxModel,
  type TrainOptions,
  type TrainingRow,
} from '@pantau/nlp-id';
import {
  latestPromotedModel,
  listLabels,
  putModel,
  type IndexNames,
  type ModelDoc,
  type SearchClient,
} from '@pantau/store';
import type { Logger } from 'pino';

export interface RetrainDeps {
  search: SearchClient;
  names: IndexNames;
  logger: Logger;
  /** The model serving now (the scorer's enricher's, or the newest promoted one). */
  current: () => HoaxModel | Promise<HoaxModel>;
  /** Labelled corpus the candidate starts from; default the shipped project corpus. */
  corpus?: TrainingRow[];
  options?: TrainOptions;
  folds?: number;
  now?: () => Date;
}

export async function runRetrain(deps: RetrainDeps): Promise<ModelDoc> {
  const labels = await listLabels(deps.search, deps.names);
  const rows: TrainingRow[] = labels.map((l) => ({
    text: l.text,
    label: l.label === 'hoax' ? 1 : 0,
    // One post labelled by two agencies stays in one calibration fold.
    group: `post:${l.postId}`,
  }));
  const createdAt = (deps.now ?? (() => new Date()))();
  const version = `pantau-labels-${createdAt.toISOString().replace(/[:.]/g, '-')}`;
  const current = await deps.current();
  // In a worker thread: the scorer keeps enriching and assigning posts while the candidate trains.
  const result = await retrainHoaxModelInThread({
    corpus: deps.corpus ?? readLabelledCsv(DEFAULT_TRAINING_FILE),
    labels: rows,
    current,
    version,
    ...(deps.options ? { options: deps.options } : {}),
    ...(deps.folds ? { folds: deps.folds } : {}),
  });
  const doc: ModelDoc = {
    version,
    status: result.promote ? 'promoted' : 'rejected',
    createdAt: createdAt.toISOString(),
    labels: rows.length,
    reason: result.reason,
    figures: { ...result.figures, comparedWith: current.version },
    model: result.candidate,
  };
  await putModel(deps.search, deps.names, doc);
  deps.logger.info(
    { version, status: doc.status, reason: doc.reason, labels: rows.length },
    'hoax model retrained',
  );
  const { model: _model, ...summary } = doc;
  return summary;
}

/** Polls the `models` index and hands a newly promoted model to the enricher. */
export class ModelSync {
  constructor(
    private readonly search: SearchClient,
    private readonly names: IndexNames,
    private readonly enricher: Pick<Enricher, 'model' | 'setModel'>,
    private readonly logger: Logger,
  ) {}

  /** Returns the version now serving. */
  async refresh(): Promise<string> {
    const promoted = await latestPromotedModel(this.search, this.names);
    if (promoted?.model && promoted.version !== this.enricher.model.version) {
      this.enricher.setModel(promoted.model as HoaxModel);
      this.logger.info({ version: promoted.version }, 'serving promoted hoax model');
    }
    return this.enricher.model.version;
  }
}
