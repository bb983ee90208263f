import { loadFactChecksCsv, type FactCheck } from '@pantau/nlp-id';
import { bulkIndex, searchAll, type IndexNames, type SearchClient, storeError } from '@pantau/store';
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

/** New fact-checks read whole per request (an `ids` query of this many). */
const FETCH_PAGE = 1_000;

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

  /**
   * Loads fact-checks not seen before and hands them on. Every id is listed (ids only, page by page:
   * cheap even for a national database of tens of thousands of debunks), and only the new ones are read
   * whole.
   */
  async refresh(): Promise<number> {
    const index = this.names.of('factchecks');
    const fresh: FactCheck[] = [];
    try {
      const ids = await searchAll(this.search, { index, source: false });
      const unseen = ids.map((h) => h.id).filter((id) => !this.known.has(id));
      for (let i = 0; i < unseen.length; i += FETCH_PAGE) {
        const hits = await searchAll<Partial<FactCheck>>(this.search, {
          index,
          query: { ids: { values: unseen.slice(i, i + FETCH_PAGE) } },
        });
        for (const { id, source } of hits) {
          if (this.known.has(id) || !source.title) continue;
          this.known.add(id);
          fresh.push({
            id,
            title: source.title,
            text: source.text ?? '',
            verdict: source.verdict ?? '',
            ...(source.url ? { url: source.url } : {}),
          });
        }
      }
    } catch (err) {
      throw storeError(err, 'loading fact-checks');
    }
    if (fresh.length) this.onNew(fresh);
    return fresh.length;
  }
}
