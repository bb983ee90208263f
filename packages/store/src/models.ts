/** Analysts' labels on posts and the hoax models trained from them (indices `labels` and `models`). */
import type { IndexNames } from './indices';
import { type SearchClient, storeError } from './opensearch';
import { searchAll } from './scan';

export interface LabelDoc {
  /** `${agencyId}:${postId}`: one label per agency and post; a new label replaces the old one. */
  id: string;
  postId: string;
  agencyId: string;
  label: 'hoax' | 'not_hoax';
  note?: string;
  /** The post's text when labelled, so retraining needs no join (posts indices roll over). */
  text: string;
  actor: string;
  at: string;
}

export type ModelStatus = 'promoted' | 'rejected';

export interface ModelDoc {
  version: string;
  status: ModelStatus;
  createdAt: string;
  labels: number;
  reason: string;
  figures: unknown;
  /** The model JSON (HoaxModel of @pantau/nlp-id); stored, not indexed. */
  model?: unknown;
}

export async function putLabel(client: SearchClient, names: IndexNames, doc: LabelDoc): Promise<void> {
  try {
    // No refresh wait: an analyst labels post after post; the retrain job refreshes before it reads.
    await client.index({ index: names.of('labels'), id: doc.id, body: doc as never });
  } catch (err) {
    throw storeError(err, 'writing label');
  }
}

/** Every label of every agency (retraining pools them), oldest first — all of them, page by page. */
export async function listLabels(client: SearchClient, names: IndexNames): Promise<LabelDoc[]> {
  try {
    await client.indices.refresh({ index: names.of('labels') });
    const hits = await searchAll<LabelDoc>(client, {
      index: names.of('labels'),
      sort: [{ at: 'asc' }, { postId: 'asc' }, { agencyId: 'asc' }],
    });
    return hits.map((h) => h.source);
  } catch (err) {
    throw storeError(err, 'reading labels');
  }
}

export async function putModel(client: SearchClient, names: IndexNames, doc: ModelDoc): Promise<void> {
  try {
    await client.index({
      index: names.of('models'),
      id: doc.version,
      body: doc as never,
      refresh: 'wait_for',
    });
  } catch (err) {
    throw storeError(err, 'writing model');
  }
}

/** Newest first; without the model bodies unless asked. */
export async function listModels(
  client: SearchClient,
  names: IndexNames,
  options: { status?: ModelStatus; size?: number; withModel?: boolean } = {},
): Promise<ModelDoc[]> {
  try {
    const res = await client.search({
      index: names.of('models'),
      body: {
        size: options.size ?? 50,
        query: options.status ? { term: { status: options.status } } : { match_all: {} },
        sort: [{ createdAt: 'desc' }],
        ...(options.withModel ? {} : { _source: { excludes: ['model'] } }),
      } as never,
    });
    return res.body.hits.hits.map((h) => h._source as ModelDoc);
  } catch (err) {
    throw storeError(err, 'reading models');
  }
}

/** The promoted model in use (newest promotion), or undefined while the shipped default serves. */
export async function latestPromotedModel(
  client: SearchClient,
  names: IndexNames,
): Promise<ModelDoc | undefined> {
  return (await listModels(client, names, { status: 'promoted', size: 1, withModel: true }))[0];
}
