import { loadFactChecksCsv, type FactCheck } from '@pantau/nlp-id';
import { bulkIndex, type IndexNames, type SearchClient, storeError } from '@pantau/store';
import type { Logger } from 'pino';

/**
 * Fact-checks live in the `factchecks` index (fact-check sources will fill it; a CSV can seed it).
 * The scorer keeps every one in memory so each post can be compared with known debunked claims.
 */
export async function importFactChecksCsv(
  search: SearchClient,
  names: IndexNames,
  file: string,
  logger: Logger,
): Promise<number> {
  const items = loadFactChecksCsv(file);
  const result = await bulkIndex(
    search,
    items.map((f) => ({ index: names.of('factchecks'), id: f.id, doc: { ...f } })),
    { logger, refresh: 'wait_for' },
  );
  for (const f of result.failed) logger.warn({ factCheckId: f.id, reason: f.reason }, 'fact-check rejected');
  return result.indexed;
}

export class FactCheckSync {
  private readonly known = new Set<string>();

  constructor(
    private readonly search: SearchClient,
    private readonly names: IndexNames,
    private readonly onNew: (items: FactCheck[]) => void,
  ) {}

  get size(): number {
    return this.known.size;
  }

  /** Loads fact-checks not seen before and hands them on. */
  async refresh(): Promise<number> {
    let hits: { _id?: string; _source?: Partial<FactCheck> }[];
    try {
      const res = await this.search.search({
        index: this.names.of('factchecks'),
        body: { size: 10_000, query: { match_all: {} } } as never,
      });
      hits = res.body.hits.hits as typeof hits;
    } catch (err) {
      throw storeError(err, 'loading fact-checks');
    }
    const fresh: FactCheck[] = [];
    for (const h of hits) {
      if (!h._id || this.known.has(h._id) || !h._source?.title) continue;
      this.known.add(h._id);
      fresh.push({
        id: h._id,
        title: h._source.title,
        text: h._source.text ?? '',
        verdict: h._source.verdict ?? '',
        ...(h._source.url ? { url: h._source.url } : {}),
      });
    }
    if (fresh.length) this.onNew(fresh);
    return fresh.length;
  }
}
