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
  /** Document id → the version last read (`primary term:sequence number`), claim or not. */
  private readonly known = new Map<string, string>();
  /** The fact-checks handed to the target (documents with a claim). */
  private readonly handed = new Set<string>();

  constructor(
    private readonly search: SearchClient,
    private readonly names: IndexNames,
    private readonly target: FactCheckTarget,
  ) {}

  /** Fact-checks the target holds from this sync. */
  get size(): number {
    return this.handed.size;
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
    const withdrawn: string[] = [];
    let updated = 0;
    try {
      const listed = await searchAll(this.search, { index, source: false, seqNoPrimaryTerm: true });
      const versions = new Map(listed.map((h) => [h.id, `${h.primaryTerm ?? 0}:${h.seqNo ?? 0}`]));
      const changed = [...versions].filter(([id, v]) => this.known.get(id) !== v).map(([id]) => id);
      for (const id of this.known.keys())
        if (!versions.has(id)) {
          this.known.delete(id);
          if (this.handed.delete(id)) withdrawn.push(id);
        }
      for (let i = 0; i < changed.length; i += FETCH_PAGE) {
        const hits = await searchAll<Partial<FactCheck>>(this.search, {
          index,
          query: { ids: { values: changed.slice(i, i + FETCH_PAGE) } },
          seqNoPrimaryTerm: true,
        });
        for (const { id, source, seqNo, primaryTerm } of hits) {
          // The version read with the text (it may have moved again since the listing). A document
          // without a claim is remembered too, so it is not read again until it changes.
          this.known.set(id, `${primaryTerm ?? 0}:${seqNo ?? 0}`);
          if (!source.title) {
            if (this.handed.delete(id)) withdrawn.push(id);
            continue;
          }
          if (this.handed.has(id)) updated += 1;
          else this.handed.add(id);
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
    } finally {
      // Also when a page failed: what was read is remembered as read, so it must reach the target.
      if (withdrawn.length) this.target.removeFactChecks(withdrawn);
      if (fresh.length) this.target.addFactChecks(fresh);
    }
    return { added: fresh.length - updated, updated, removed: withdrawn.length };
  }
}
