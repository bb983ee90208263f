import { PantauError, type EnrichedPost, type RawPost, type Topics, type Clock } from '@pantau/core';
import type { BatchResult, Decoded, Producer } from '@pantau/bus';
import { bulkIndex, type IndexNames, type SearchClient } from '@pantau/store';
import type { Enricher, Enrichment } from '@pantau/nlp-id';
import type { MatchDoc } from '@pantau/query';
import type { Logger } from 'pino';
import type { IssueAssigner } from './issues';
import type { NearDuplicateIndex } from './near-duplicates';

/**
 * The scorer stage: enrich each raw post (Indonesian NLP + hoax score), put it in an issue, match it
 * against every watchlist, index it (id = post id, so a replay overwrites instead of duplicating),
 * then publish it on `posts.enriched` keyed by issue. Posts OpenSearch rejects for good are
 * dead-lettered with the reason; nothing is published for them.
 */
export interface WatchlistMatcher {
  match(doc: MatchDoc): string[];
}

export interface ScorerStageDeps {
  enricher: Enricher;
  assigner: IssueAssigner;
  nearDuplicates: NearDuplicateIndex;
  watchlists: WatchlistMatcher;
  stemToken: (token: string) => string;
  search: SearchClient;
  names: IndexNames;
  producer: Producer;
  topics: Topics;
  logger: Logger;
  clock: Clock;
}

export function enrichPost(
  raw: RawPost,
  deps: Omit<ScorerStageDeps, 'search' | 'names' | 'producer' | 'topics' | 'logger'>,
): EnrichedPost {
  const e: Enrichment = deps.enricher.enrich(raw.text, { authorHandle: raw.author?.handle });
  const nearDuplicate = deps.nearDuplicates.find(e.signature.bands, raw.id);
  const assignment = deps.assigner.assign(raw.id, e.terms, e.hashtags, nearDuplicate?.issueId);
  deps.nearDuplicates.remember(e.signature.bands, raw.id, assignment.issueId);
  const stemmedTokens = e.tokens.map(deps.stemToken);
  const matchDoc: MatchDoc = {
    terms: new Set([...e.terms, ...stemmedTokens]),
    tokens: stemmedTokens,
    hashtags: new Set(e.hashtags.map((h) => h.toLowerCase())),
    topics: new Set(e.topics.map((t) => t.id)),
  };
  const factCheck = e.hoax.factCheck;
  return {
    ...raw,
    normalizedText: e.normalizedText,
    language: e.lang,
    terms: e.terms,
    hashtags: e.hashtags,
    mentions: e.mentions,
    domains: e.domains,
    entities: e.entities,
    signature: e.signature.bands,
    ...(nearDuplicate ? { nearDuplicateOf: nearDuplicate.postId } : {}),
    issueId: assignment.issueId,
    issueTerms: assignment.issueTerms,
    hoaxScore: e.hoax.score,
    signals: e.hoax.signals,
    modelVersion: e.hoax.modelVersion,
    watchlistIds: deps.watchlists.match(matchDoc),
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
    enrichedAt: new Date(deps.clock.now()).toISOString(),
  };
}

export function createScorerStage(deps: ScorerStageDeps) {
  const { search, names, producer, topics, logger } = deps;
  return {
    async handleBatch(batch: Decoded<RawPost>[]): Promise<BatchResult> {
      const failed: NonNullable<BatchResult['failed']> = [];
      const enriched: { post: EnrichedPost; item: Decoded<RawPost> }[] = [];
      for (const item of batch) {
        try {
          enriched.push({ post: enrichPost(item.value, deps), item });
        } catch (err) {
          failed.push({
            message: item.message,
            error: new PantauError('HANDLER_FAILED', `enrichment failed: ${(err as Error).message}`, {
              cause: err,
            }),
          });
        }
      }
      const result = await bulkIndex(
        search,
        enriched.map(({ post }) => ({
          index: names.postsFor(post.publishedAt),
          id: post.id,
          doc: post as unknown as Record<string, unknown>,
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
        indexed.map((p) => ({ key: p.issueId, value: JSON.stringify(p) })),
      );
      logger.debug({ indexed: indexed.length, failed: failed.length }, 'scored batch');
      return { failed };
    },
  };
}
