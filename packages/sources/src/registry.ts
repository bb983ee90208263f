import { PantauError } from '@pantau/core';
import { searchAll, type IndexNames, type SearchClient, storeError } from '@pantau/store';
import type { SourceDoc } from './types';

/** Sources as documents in the `sources` index (document id = source id). */
export class SourceRegistry {
  constructor(
    private readonly search: SearchClient,
    private readonly names: IndexNames,
  ) {}

  private get index(): string {
    return this.names.of('sources');
  }

  async create(doc: SourceDoc): Promise<void> {
    try {
      await this.search.index({
        index: this.index,
        id: doc.id,
        body: doc,
        op_type: 'create',
        refresh: 'wait_for',
      });
    } catch (err) {
      const e = storeError(err, `creating source ${doc.id}`);
      if (e.code === 'CONFLICT')
        throw new PantauError('CONFLICT', `a source with id '${doc.id}' already exists`);
      throw e;
    }
  }

  async put(doc: SourceDoc): Promise<void> {
    try {
      await this.search.index({ index: this.index, id: doc.id, body: doc, refresh: 'wait_for' });
    } catch (err) {
      throw storeError(err, `writing source ${doc.id}`);
    }
  }

  async get(id: string): Promise<SourceDoc | null> {
    try {
      const res = await this.search.get({ index: this.index, id }, { ignore: [404] });
      const body = res.body as { found?: boolean; _source?: SourceDoc };
      return body.found && body._source ? body._source : null;
    } catch (err) {
      throw storeError(err, `reading source ${id}`);
    }
  }

  async list(): Promise<SourceDoc[]> {
    try {
      const hits = await searchAll<SourceDoc>(this.search, {
        index: this.index,
        sort: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return hits.map((h) => h.source);
    } catch (err) {
      throw storeError(err, 'listing sources');
    }
  }

  async remove(id: string): Promise<boolean> {
    try {
      const res = await this.search.delete({ index: this.index, id, refresh: 'wait_for' }, { ignore: [404] });
      return (res.body as { result?: string }).result === 'deleted';
    } catch (err) {
      throw storeError(err, `deleting source ${id}`);
    }
  }
}
