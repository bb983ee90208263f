import {
  createWatchlistIndex,
  parseQuery,
  type MatchDoc,
  type NormalizeTerm,
  type WatchlistIndex,
} from '@pantau/query';
import { type IndexNames, type SearchClient, storeError } from '@pantau/store';
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
    let hits: { _id?: string; _source?: { query?: string; updatedAt?: string } }[];
    try {
      // Up to 10k watchlists in one page; beyond that this needs a scroll (noted in the README).
      const res = await this.search.search({
        index: this.names.of('watchlists'),
        body: { size: 10_000, _source: ['query', 'updatedAt'], query: { match_all: {} } } as never,
      });
      hits = res.body.hits.hits as typeof hits;
    } catch (err) {
      throw storeError(err, 'loading watchlists');
    }
    const version = hits
      .map((h) => `${h._id}@${h._source?.updatedAt ?? ''}`)
      .sort()
      .join(',');
    if (version === this.loadedVersion) return;
    const next = createWatchlistIndex({ normalizeTerm: this.normalizeTerm });
    for (const h of hits) {
      if (!h._id || !h._source?.query) continue;
      try {
        next.add(h._id, parseQuery(h._source.query));
      } catch (err) {
        this.logger.warn({ watchlistId: h._id, err }, 'skipping a watchlist that does not parse');
      }
    }
    this.index = next;
    this.loadedVersion = version;
    this.logger.info({ watchlists: next.size }, 'watchlists loaded');
  }
}
