import { PantauError, WATCHLIST_COUNT_HEADER, merge, toPantauError, type EnrichedPost } from '@pantau/core';
import type { BatchResult, BusMessage, Decoded } from '@pantau/bus';
import { getIssue, searchAll, type IndexNames, type SearchClient, storeError } from '@pantau/store';
import type { Logger } from 'pino';
import type { AlertEngine } from './engine';
import {
  countingFiring,
  countingNeed,
  countingRuleKey,
  countingSpans,
  postFirings,
  rulesOf,
  type Firing,
  type WatchlistRule,
} from './rules';
import type { RuleLog } from './state';
import type { WatchlistOwner } from './store';
import type { AlertIssue } from './types';

/**
 * The post-level watchlist rules (`volume`, `spike`, `hoax`, `claim`, `match`) as a stage over
 * `posts.enriched`: each post carries the watchlists it matched (the scorer matched them); the
 * watchlists with post-level rules are judged on it, the counting rules over sliding windows of the
 * watchlist's matching posts kept in Redis (a replayed post counts once), and what fires goes to the
 * alert engine — one alert per (agency, issue) however many watchlists or rules fire.
 */
const POST_RULES = new Set(['volume', 'spike', 'hoax', 'claim', 'match']);
/** The detector's default window: what a post-level alert says about an issue with no document yet. */
const DEFAULT_WINDOW_MS = 5 * 60_000;

/** The fields of `posts.enriched` this stage reads; anything else in the message is ignored. */
export type RuleStagePost = Pick<
  EnrichedPost,
  'id' | 'issueId' | 'publishedAt' | 'watchlistIds' | 'hoaxScore' | 'claimMatches' | 'text' | 'signals'
> & { issueTitle?: string };

/**
 * What a post no watchlist matched decodes to, unparsed: the stage has nothing to do with it (its
 * batch handler skips every post without watchlist ids).
 */
const UNWATCHED: RuleStagePost = Object.freeze({
  id: '',
  issueId: '',
  publishedAt: '',
  watchlistIds: Object.freeze([]) as unknown as string[],
  hoaxScore: 0,
  claimMatches: Object.freeze([]) as unknown as RuleStagePost['claimMatches'],
  text: '',
}) as RuleStagePost;

/**
 * A light decoder: this stage sees every post, and needs only a few fields of each — and nothing of a
 * post the scorer says no watchlist matched (`WATCHLIST_COUNT_HEADER`), which is not even parsed.
 */
export function decodeRulePost(bytes: Buffer, message?: Pick<BusMessage, 'headers'>): RuleStagePost {
  if (message?.headers[WATCHLIST_COUNT_HEADER] === '0') return UNWATCHED;
  let v: Partial<RuleStagePost>;
  try {
    v = JSON.parse(bytes.toString('utf8')) as Partial<RuleStagePost>;
  } catch (err) {
    throw new PantauError('MALFORMED_JSON', 'posts.enriched message is not JSON', { cause: err });
  }
  if (
    typeof v?.id !== 'string' ||
    typeof v.issueId !== 'string' ||
    typeof v.publishedAt !== 'string' ||
    !Array.isArray(v.watchlistIds)
  )
    throw new PantauError(
      'VALIDATION',
      'posts.enriched message lacks id, issueId, publishedAt or watchlistIds',
    );
  return merge(v, {
    hoaxScore: typeof v.hoaxScore === 'number' ? v.hoaxScore : 0,
    claimMatches: Array.isArray(v.claimMatches) ? v.claimMatches : [],
    text: typeof v.text === 'string' ? v.text : '',
  }) as RuleStagePost;
}

/**
 * How far out of publication order a list's matching posts may arrive and still be counted together:
 * a post trims the list's posts older than its rules' longest span, and this, before its own time. Posts
 * of one day replayed at once reach the stage interleaved by partition (one issue's posts ahead of
 * another's); trimmed to the span alone, a later burst's first post erased an earlier burst that was
 * still arriving, and that burst never fired (found by the narasi-tunggal e2e test).
 */
const ARRIVAL_SLACK_MS = 24 * 3600_000;

/** Matching posts read at most to find the busiest window after a late post. */
const MAX_SCANNED = 100_000;

/**
 * The most posts any window of `windowMs` holds that ends at or after `at` and still holds `at`, given
 * the publication times around it (earliest first, all within one window of `at`).
 */
export function busiestWindowAfter(times: number[], at: number, windowMs: number): number {
  let busiest = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[start]! <= times[end]! - windowMs) start++;
    if (times[end]! >= at) busiest = Math.max(busiest, end - start + 1);
  }
  return busiest;
}

export interface RuleStageDeps {
  engine: Pick<AlertEngine, 'handlePostFirings'>;
  rules: RuleLog;
  search: SearchClient;
  names: IndexNames;
  logger: Logger;
  /** How often the watchlists (and their rules) are read again. */
  refreshMs?: number;
}

export function createRuleStage(deps: RuleStageDeps) {
  const { search, names, rules } = deps;
  const logger = deps.logger.child({ component: 'rule-stage' });
  const refreshMs = deps.refreshMs ?? 10_000;
  let watchlists = new Map<string, WatchlistOwner>();
  /** Every watchlist id seen at the last load (with post-level rules or not). */
  let known = new Set<string>();
  /** Ids a reload did not find (deleted lists still on posts scored before): never waited for again. */
  const absent = new Set<string>();
  let loadedAt = 0;

  /**
   * Reads the watchlists again every `refreshMs`, and sooner (at most once a second) when a post names
   * a watchlist this stage has not seen: the scorer may know a new list before we do.
   */
  async function load(batch: Decoded<RuleStagePost>[]): Promise<void> {
    const unseen = new Set(
      batch.flatMap((b) => b.value.watchlistIds.filter((id) => !known.has(id) && !absent.has(id))),
    );
    const age = Date.now() - loadedAt;
    if (age < refreshMs && unseen.size === 0) return;
    // A list created a moment ago may not be searchable yet: give the index its refresh second.
    if (unseen.size > 0 && age < 1_000) await new Promise((r) => setTimeout(r, 1_000 - age));
    try {
      const hits = await searchAll<WatchlistOwner>(search, {
        index: names.of('watchlists'),
        query: { exists: { field: 'agencyId' } },
        source: ['id', 'agencyId', 'name', 'rules'],
      });
      const next = new Map<string, WatchlistOwner>();
      const ids = new Set<string>();
      for (const { source: w } of hits) {
        ids.add(w.id);
        if (rulesOf(w).some((r) => POST_RULES.has(r.type))) next.set(w.id, w);
      }
      watchlists = next;
      known = ids;
      for (const id of unseen) if (!ids.has(id)) absent.add(id);
      if (absent.size > 10_000) absent.clear();
      loadedAt = Date.now();
    } catch (err) {
      throw storeError(err, 'reading watchlist rules');
    }
  }

  /**
   * Counting rules: the post is remembered among the watchlist's matching posts (once), then each rule
   * asks whether a window holding this post reaches its threshold. Posts mostly arrive in publication
   * order (the assigner publishes each batch in that order), and then the window that ends at the post
   * is the one it completes — what the backtest counts. A post that comes after later ones (another
   * partition's batch, a replay) can complete a window that ends after it, so then those are counted
   * too: the order posts arrive in does not decide whether a rule fires. A rule fires unless it fired
   * less than a window before or after this post: the firing is claimed in Redis (`claimEpisode`,
   * atomic), so of several API processes judging one list at once only one fires. A post replayed
   * after a crash holds its own claim and fires again (the engine drops what it already took), and a
   * claim whose firing the engine failed on is given back.
   */
  async function countingFirings(
    w: WatchlistOwner,
    post: RuleStagePost,
  ): Promise<{ firings: Firing[]; claimed: { ruleKey: string; key: string }[] }> {
    const counting = rulesOf(w).filter(
      (r): r is Extract<WatchlistRule, { type: 'volume' | 'spike' }> =>
        r.type === 'volume' || r.type === 'spike',
    );
    if (counting.length === 0) return { firings: [], claimed: [] };
    const at = Date.parse(post.publishedAt);
    const spans = counting.map((rule) => ({ rule, ruleKey: countingRuleKey(rule), ...countingSpans(rule) }));
    const keptMs = Math.max(...spans.map((s) => s.windowMs + s.baselineMs));
    const keepFrom = Math.min(at, Date.now()) - keptMs - ARRIVAL_SLACK_MS;
    const counts = await rules.matchAndCount(w.id, { id: post.id, at }, keepFrom, spans);
    const firings: Firing[] = [];
    const claimed: { ruleKey: string; key: string }[] = [];
    for (const [i, { rule, ruleKey, windowMs }] of spans.entries()) {
      const { resting, window: endingHere, around, baseline } = counts[i]!;
      if (resting) continue;
      const need = countingNeed(rule, baseline);
      // Every window holding this post lies within one window before and after it.
      if (around < need) continue;
      const window =
        endingHere >= need
          ? endingHere
          : busiestWindowAfter(
              await rules.matchTimes(w.id, at - windowMs + 1, at + windowMs - 1, MAX_SCANNED),
              at,
              windowMs,
            );
      const firing = countingFiring(rule, { id: post.id, at }, { window, baseline }, w.name);
      if (!firing || !(await rules.claimEpisode(w.id, ruleKey, at, windowMs, firing.key))) continue;
      firings.push(firing);
      claimed.push({ ruleKey, key: firing.key });
    }
    return { firings, claimed };
  }

  async function issueOf(post: RuleStagePost): Promise<{ issue: AlertIssue; samplePostIds: string[] }> {
    const doc = await getIssue(search, names, post.issueId);
    if (!doc)
      return {
        issue: {
          id: post.issueId,
          title: (post.issueTitle ?? post.text).replace(/\s+/g, ' ').trim().slice(0, 120),
          terms: [],
          status: 'new',
          windowMs: DEFAULT_WINDOW_MS,
          windowCount: 1,
          total: 1,
          baseline: 0,
          score: 0,
          growth: 0,
          hoaxShare: 0,
          distinctAuthors: 1,
          coordinated: false,
          firstSeen: post.publishedAt,
          lastSeen: post.publishedAt,
        },
        samplePostIds: [post.id],
      };
    return {
      issue: {
        id: doc.id,
        title: doc.title,
        terms: doc.terms,
        status: doc.status,
        windowMs: DEFAULT_WINDOW_MS,
        windowCount: doc.windowCount,
        total: doc.count,
        baseline: doc.baseline,
        score: doc.score,
        growth: doc.growth,
        hoaxShare: doc.hoaxShare,
        distinctAuthors: doc.distinctAuthors,
        coordinated: doc.coordinated,
        ...(doc.topics?.length ? { topics: doc.topics } : {}),
        ...(doc.regions?.length ? { regions: doc.regions } : {}),
        ...(doc.sources?.length ? { sources: doc.sources } : {}),
        ...(doc.factChecks?.length ? { factChecks: doc.factChecks } : {}),
        firstSeen: doc.firstSeen,
        lastSeen: doc.lastSeen,
      },
      samplePostIds: [post.id, ...doc.samplePostIds.filter((id) => id !== post.id)],
    };
  }

  async function handlePost(post: RuleStagePost): Promise<void> {
    for (const id of new Set(post.watchlistIds)) {
      const w = watchlists.get(id);
      if (!w) continue;
      const counted = await countingFirings(w, post);
      const firings = [...postFirings(rulesOf(w), post, w.name), ...counted.firings];
      if (firings.length === 0) continue;
      try {
        const { issue, samplePostIds } = await issueOf(post);
        await deps.engine.handlePostFirings(w, issue, samplePostIds, firings);
      } catch (err) {
        // Best effort: with Redis away the claim stays, and the retried post holds it again.
        for (const c of counted.claimed)
          await rules.releaseEpisode(w.id, c.ruleKey, c.key).catch(() => undefined);
        throw err;
      }
    }
  }

  return {
    /** Forces the next batch to read the watchlists again (tests, after a change). */
    reload(): void {
      loadedAt = 0;
    },
    async handleBatch(batch: Decoded<RuleStagePost>[]): Promise<BatchResult> {
      if (!batch.some((b) => b.value.watchlistIds.length > 0)) return { failed: [] };
      await load(batch);
      const failed: NonNullable<BatchResult['failed']> = [];
      for (const { message, value } of batch) {
        if (value.watchlistIds.length === 0) continue;
        try {
          await handlePost(value);
        } catch (err) {
          const error = toPantauError(err);
          if (error.retriable) throw error;
          logger.error({ err: error, postId: value.id }, 'watchlist rules failed on a post');
          failed.push({ message, error });
        }
      }
      return { failed };
    },
  };
}
