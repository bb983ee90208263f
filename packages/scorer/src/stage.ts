import {
  PantauError,
  POST_ID_HEADER,
  WATCHLIST_COUNT_HEADER,
  merge,
  postRegions,
  type Clock,
  type EnrichedPost,
  type RawPost,
  type ScoredPost,
  type Topics,
} from '@pantau/core';
import type { BatchResult, Decoded, Producer } from '@pantau/bus';
import { bulkIndex, type IndexNames, type SearchClient } from '@pantau/store';
import { region, type Enricher, type Enrichment } from '@pantau/nlp-id';
import type { IssueClusterer } from '@pantau/issues';
import type { MatchDoc } from '@pantau/query';
import type { Logger } from 'pino';
import type { RestoreSummary } from './restore';

/**
 * The scorer's two stages.
 *
 * 1. Enrich (`posts.raw` → `posts.scored`, any number of scorer processes in parallel): everything
 *    that follows from the post alone — Indonesian NLP, hoax score, watchlist matches.
 * 2. Assign (`posts.scored` → OpenSearch + `posts.enriched`, one active writer): put each post in its
 *    issue, index it (id = post id, so a replay overwrites instead of duplicating), publish it keyed
 *    by issue. `posts.scored` has one partition, so however many scorers enrich, one assigner sees
 *    every post in order and a story never splits across processes; the other scorers' assigners
 *    stand by and take over (re-learning recent issues from the index) if it dies.
 * Posts OpenSearch rejects for good are dead-lettered with the reason; nothing is published for them.
 */
export interface WatchlistMatcher {
  /** Watchlists loaded; at 0 no match document is built (stemming every token costs ~5 % of a post). */
  readonly size?: number;
  match(doc: MatchDoc): string[];
}

function watchlistMatches(e: Enrichment, deps: Pick<EnrichStageDeps, 'watchlists' | 'stemToken'>): string[] {
  if (deps.watchlists.size === 0) return [];
  const stemmedTokens = e.tokens.map(deps.stemToken);
  return deps.watchlists.match({
    terms: new Set([...e.terms, ...stemmedTokens]),
    tokens: stemmedTokens,
    hashtags: new Set(e.hashtags.map((h) => h.toLowerCase())),
    topics: new Set(e.topics.map((t) => t.id)),
  });
}

export interface EnrichStageDeps {
  enricher: Enricher;
  watchlists: WatchlistMatcher;
  stemToken: (token: string) => string;
  producer: Producer;
  topics: Topics;
  logger: Logger;
  clock: Clock;
}

export function scorePost(
  raw: RawPost,
  deps: Pick<EnrichStageDeps, 'enricher' | 'watchlists' | 'stemToken' | 'clock'>,
): ScoredPost {
  const e: Enrichment = deps.enricher.enrich(raw.text, { authorHandle: raw.author?.handle });
  const factCheck = e.hoax.factCheck;
  return merge(raw, {
    normalizedText: e.normalizedText,
    language: e.lang,
    terms: e.terms,
    hashtags: e.hashtags,
    mentions: e.mentions,
    domains: e.domains,
    urls: e.urls,
    entities: e.entities,
    signature: e.signature.bands,
    hoaxScore: e.hoax.score,
    signals: e.hoax.signals,
    modelVersion: e.hoax.modelVersion,
    watchlistIds: watchlistMatches(e, deps),
    claimMatches: factCheck
      ? [
          {
            factCheckId: factCheck.id,
            title: factCheck.title,
            similarity: factCheck.similarity,
            ...(factCheck.url ? { url: factCheck.url } : {}),
          },
        ]
      : [],
    topics: e.topics,
    ...regionsOf(raw, e),
    enrichedAt: new Date(deps.clock.now()).toISOString(),
  });
}

/**
 * The post's provinces and cities: those its text names and the region its source declares (an id of
 * the gazetteer; the API and the source registry refuse unknown ids, and one that slipped through —
 * a replay file — is left out rather than routed nowhere).
 */
function regionsOf(raw: RawPost, e: Enrichment): { regions?: { id: string; name: string }[] } {
  const declared = raw.region ? region(raw.region) : undefined;
  const regions = postRegions(e.entities, declared);
  return regions.size ? { regions: [...regions].map(([id, name]) => ({ id, name })) } : {};
}

export function createEnrichStage(deps: EnrichStageDeps) {
  const { producer, topics, logger } = deps;
  return {
    async handleBatch(batch: Decoded<RawPost>[]): Promise<BatchResult> {
      const failed: NonNullable<BatchResult['failed']> = [];
      const scored: { key: string; value: string }[] = [];
      for (const item of batch) {
        try {
          const post = scorePost(item.value, deps);
          scored.push({
            key: item.message.key ?? `${post.source}:${post.sourceId}`,
            value: JSON.stringify(post),
          });
        } catch (err) {
          failed.push({
            message: item.message,
            error: new PantauError('HANDLER_FAILED', `enrichment failed: ${(err as Error).message}`, {
              cause: err,
            }),
          });
        }
      }
      await producer.send(topics.postsScored, scored);
      logger.debug({ scored: scored.length, failed: failed.length }, 'enriched batch');
      return { failed };
    },
  };
}

export interface AssignStageDeps {
  /** A fresh, empty clusterer … */
  newClusterer: () => IssueClusterer;
  /** … and how to fill it with the recent issues from the index (see restoreClusterer). */
  restore: (clusterer: IssueClusterer) => Promise<RestoreSummary>;
  search: SearchClient;
  names: IndexNames;
  producer: Producer;
  topics: Topics;
  logger: Logger;
}

/** The clusterer's view of a scored post. */
export function clusterInput(post: ScoredPost) {
  return {
    id: post.id,
    at: Date.parse(post.publishedAt),
    terms: post.terms,
    hashtags: post.hashtags,
    mentions: post.mentions,
    urls: post.urls ?? [],
    bands: post.signature,
    text: post.text,
  };
}

export function assignIssue(post: ScoredPost, clusterer: IssueClusterer): EnrichedPost {
  const a = clusterer.assign(clusterInput(post));
  return merge(post, {
    ...(a.nearDuplicateOf ? { nearDuplicateOf: a.nearDuplicateOf } : {}),
    issueId: a.issueId,
    issueTerms: clusterer.keywords(a.issueId),
    issueTitle: a.title,
  });
}

export function createAssignStage(deps: AssignStageDeps) {
  const { search, names, producer, topics, logger } = deps;
  let clusterer: IssueClusterer | undefined;
  /**
   * The offsets this assigner has handled since it last restored: [from, expected). A batch starting
   * inside (a retry, or a replay after the consumer restarted) is known to the clusterer; anything
   * else means another assigner handled the stream meanwhile, and the clusterer is rebuilt.
   */
  let from: bigint | undefined;
  let expected: bigint | undefined;
  /**
   * Calls may overlap (the consumer keeps a few batches in flight so the next batch is assigned while
   * the previous one is being indexed): the assignment part of each call runs strictly in call order,
   * which is offset order; indexing and publishing overlap.
   */
  let turn: Promise<unknown> = Promise.resolve();

  async function assignBatch(batch: Decoded<ScoredPost>[]) {
    const first = BigInt(batch[0]!.message.offset);
    // First batch, or the partition comes back after another assigner held it: rebuild from the
    // index (refreshed first, so the other assigner's last writes are visible) before deciding.
    if (!clusterer || from === undefined || expected === undefined || first < from || first > expected) {
      const started = Date.now();
      await search.indices.refresh({
        index: names.posts,
        ignore_unavailable: true,
        allow_no_indices: true,
      } as never);
      const fresh = deps.newClusterer();
      const { posts, fromDocuments } = await deps.restore(fresh);
      clusterer = fresh;
      from = first;
      expected = first;
      logger.info(
        { posts, issues: fresh.size, fromDocuments, ms: Date.now() - started },
        'issue assigner restored from the index',
      );
    }
    const failed: NonNullable<BatchResult['failed']> = [];
    const enriched: { post: EnrichedPost; item: Decoded<ScoredPost> }[] = [];
    // Clustering is online: it does best in stream time. Scorers interleave their output, so each
    // batch is taken in publication order (ties by post id, so the order does not depend on arrival).
    // (Times parsed once a post: parsed in the comparator, a batch of 500 cost ~9,000 Date.parse calls.)
    const ordered = batch
      .map((item) => ({ item, at: Date.parse(item.value.publishedAt) }))
      .sort(
        (a, b) =>
          a.at - b.at || (a.item.value.id < b.item.value.id ? -1 : a.item.value.id > b.item.value.id ? 1 : 0),
      )
      .map(({ item }) => item);
    for (const item of ordered) {
      try {
        enriched.push({ post: assignIssue(item.value, clusterer), item });
      } catch (err) {
        failed.push({
          message: item.message,
          error: new PantauError('HANDLER_FAILED', `issue assignment failed: ${(err as Error).message}`, {
            cause: err,
          }),
        });
      }
    }
    const next = BigInt(batch[batch.length - 1]!.message.offset) + 1n;
    if (next > expected) expected = next;
    return { failed, enriched };
  }

  return {
    async handleBatch(batch: Decoded<ScoredPost>[]): Promise<BatchResult> {
      if (batch.length === 0) return {};
      const assigned = turn.then(() => assignBatch(batch));
      turn = assigned.catch(() => undefined);
      const { failed, enriched } = await assigned;
      // Serialised once: the same JSON is the indexed document and the published message.
      const json = new Map(enriched.map(({ post }) => [post, JSON.stringify(post)]));
      const result = await bulkIndex(
        search,
        enriched.map(({ post }) => ({
          index: names.postsFor(post.publishedAt),
          id: post.id,
          doc: post as unknown as Record<string, unknown>,
          source: json.get(post)!,
        })),
        { logger },
      );
      const rejected = new Map(result.failed.map((f) => [f.id, f]));
      for (const { post, item } of enriched) {
        const f = rejected.get(post.id);
        if (f)
          failed.push({
            message: item.message,
            error: new PantauError('STORE_REJECTED', `${f.type}: ${f.reason}`),
          });
      }
      const indexed = enriched.filter(({ post }) => !rejected.has(post.id)).map(({ post }) => post);
      await producer.send(
        topics.postsEnriched,
        indexed.map((p) => ({
          key: p.issueId,
          value: json.get(p)!,
          headers: { [WATCHLIST_COUNT_HEADER]: String(p.watchlistIds.length), [POST_ID_HEADER]: p.id },
        })),
      );
      logger.debug({ indexed: indexed.length, failed: failed.length }, 'assigned batch');
      return { failed };
    },
  };
}
