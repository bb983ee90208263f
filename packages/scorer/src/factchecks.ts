import { loadFactChecksCsv, type Enricher, type FactCheck } from '@pantau/nlp-id';
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

/** New and edited fact-checks read whole per request (an `ids` query of this many). */
const FETCH_PAGE = 1_000;

/** Where the fact-checks go: the enricher (its claim matching). */
export type FactCheckTarget = Pick<Enricher, 'addFactChecks' | 'removeFactChecks'>;

export interface FactCheckChanges {
  added: number;
  updated: number;
  removed: number;
}

export class FactCheckSync {
  /** Fact-check id → the version of its document last read (`primary term:sequence number`). */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly search: SearchClient,
    private readonly names: IndexNames,
    private readonly target: FactCheckTarget,
  ) {}

  get size(): number {
    return this.known.size;
  }

  /**
   * Brings the target up to date with the index: new fact-checks added, edited ones (a corrected
   * verdict or text: their document's sequence number moved) replaced, deleted ones withdrawn. Every
   * id is listed with its version (no source, page by page: cheap even for a national database of tens
   * of thousands of debunks), and only new and edited ones are read whole.
   */
  async refresh(): Promise<FactCheckChanges> {
    const index = this.names.of('factchecks');
    const fresh: FactCheck[] = [];
    let updated = 0;
    const removed: string[] = [];
    try {
      const listed = await searchAll(this.search, { index, source: false, seqNoPrimaryTerm: true });
      const versions = new Map(listed.map((h) => [h.id, `${h.primaryTerm ?? 0}:${h.seqNo ?? 0}`]));
      const changed = [...versions].filter(([id, v]) => this.known.get(id) !== v).map(([id]) => id);
      for (const id of this.known.keys()) if (!versions.has(id)) removed.push(id);
      for (let i = 0; i < changed.length; i += FETCH_PAGE) {
        const hits = await searchAll<Partial<FactCheck>>(this.search, {
          index,
          query: { ids: { values: changed.slice(i, i + FETCH_PAGE) } },
          seqNoPrimaryTerm: true,
        });
        for (const { id, source, seqNo, primaryTerm } of hits) {
          if (!source.title) continue;
          if (this.known.has(id)) updated += 1;
          // The version read with the text (it may have moved again since the listing).
          this.known.set(id, `${primaryTerm ?? 0}:${seqNo ?? 0}`);
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
    for (const id of removed) this.known.delete(id);
    if (removed.length) this.target.removeFactChecks(removed);
    if (fresh.length) this.target.addFactChecks(fresh);
    return { added: fresh.length - updated, updated, removed: removed.length };
  }
}
