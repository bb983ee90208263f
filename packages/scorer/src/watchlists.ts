import {
  createWatchlistIndex,
  parseQuery,
  type MatchDoc,
  type NormalizeTerm,
  type WatchlistIndex,
} from '@pantau/query';
import { searchAll, type IndexNames, type ScanHit, type SearchClient, storeError } from '@pantau/store';
import type { Logger } from 'pino';

/**
 * The live set of every agency's watchlists, matched in process against each post. Reloaded from the
 * `watchlists` index on a timer (agencies edit watchlists rarely; seconds of delay are fine).
 */
export class WatchlistRegistry {
  private index: WatchlistIndex;
  private loadedVersion = '';

  constructor(
    private readonly search: SearchClient,
    private readonly names: IndexNames,
    private readonly normalizeTerm: NormalizeTerm,
    private readonly logger: Logger,
  ) {
    this.index = createWatchlistIndex({ normalizeTerm });
  }

  get size(): number {
    return this.index.size;
  }

  match(doc: MatchDoc): string[] {
    return this.index.match(doc);
  }

  /** Rebuilds the index when the set of watchlists changed. */
  async refresh(): Promise<void> {
    let hits: ScanHit<{ query?: string; updatedAt?: string }>[];
    try {
      hits = await searchAll(this.search, {
        index: this.names.of('watchlists'),
        source: ['query', 'updatedAt'],
      });
    } catch (err) {
      throw storeError(err, 'loading watchlists');
    }
    const version = hits
      .map((h) => `${h.id}@${h.source.updatedAt ?? ''}`)
      .sort()
      .join(',');
    if (version === this.loadedVersion) return;
    const next = createWatchlistIndex({ normalizeTerm: this.normalizeTerm });
    for (const h of hits) {
      if (!h.source.query) continue;
      try {
        next.add(h.id, parseQuery(h.source.query));
      } catch (err) {
        this.logger.warn({ watchlistId: h.id, err }, 'skipping a watchlist that does not parse');
      }
    }
    this.index = next;
    this.loadedVersion = version;
    this.logger.info({ watchlists: next.size }, 'watchlists loaded');
  }
}
