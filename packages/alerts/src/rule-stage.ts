import {
  FifoMap,
  PantauError,
  WATCHLIST_COUNT_HEADER,
  merge,
  toPantauError,
  type EnrichedPost,
} from '@pantau/core';
import type { BatchResult, BusMessage, Decoded } from '@pantau/bus';
import { getIssue, searchAll, type IndexNames, type SearchClient, storeError } from '@pantau/store';
import type { Logger } from 'pino';
import type { AlertEngine } from './engine';
import {
  postFirings,
  rulesOf,
  spikeReason,
  spikeSettings,
  spikeThreshold,
  volumeReason,
  windowOf,
  type Firing,
  type WatchlistRule,
} from './rules';
import type { RuleLog } from './state';
import type { WatchlistOwner } from './store';
import type { AlertIssue } from './types';

/**
 * The post-level watchlist rules (`volume`, `spike`, `hoax`, `claim`, `match`) as a stage over
 * `posts.enriched`: each post carries the watchlists it matched (the scorer matched them); the
 * watchlists with post-level rules are judged on it, counting windows in Redis (idempotent per post,
 * so a replay counts nothing twice), and what fires goes to the alert engine — one alert per
 * (agency, issue) however many watchlists or rules fire.
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
  const thresholds = new FifoMap<string, { threshold: number; baseline: number }>(50_000);

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

  /** Counting rules: the post joins its window once; a rule fires when the window reaches its threshold. */
  async function windowFirings(w: WatchlistOwner, post: RuleStagePost): Promise<Firing[]> {
    const out: Firing[] = [];
    const at = Date.parse(post.publishedAt);
    const counting = rulesOf(w).filter(
      (r): r is Extract<WatchlistRule, { type: 'volume' | 'spike' }> =>
        r.type === 'volume' || r.type === 'spike',
    );
    for (const rule of counting) {
      const s = rule.type === 'spike' ? spikeSettings(rule) : undefined;
      const minutes = rule.type === 'volume' ? rule.windowMinutes : s!.windowMinutes;
      const k = windowOf(at, minutes);
      const ttl = ((s?.baselineWindows ?? 0) + 2) * minutes * 60_000 + 24 * 3600_000;
      const { added, size } = await rules.windowAdd(w.id, `w${minutes}`, k, post.id, ttl);
      if (!added) continue;
      if (rule.type === 'volume') {
        if (size === rule.min)
          out.push({
            rule: 'volume',
            key: String(k),
            at: k * minutes * 60_000,
            reason: volumeReason(rule, w.name),
          });
        continue;
      }
      const cacheKey = `${w.id}:${minutes}:${s!.ratio}:${s!.minCount}:${s!.baselineWindows}:${k}`;
      let t = thresholds.get(cacheKey);
      if (!t) {
        const previous: number[] = [];
        for (let i = 1; i <= s!.baselineWindows; i += 1)
          previous.push(await rules.windowSize(w.id, `w${minutes}`, k - i));
        t = spikeThreshold(rule, previous);
        thresholds.set(cacheKey, t);
      }
      if (size === t.threshold)
        out.push({
          rule: 'spike',
          key: String(k),
          at: k * minutes * 60_000,
          reason: spikeReason(rule, w.name, t.threshold, t.baseline),
        });
    }
    return out;
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
      const firings = [...postFirings(rulesOf(w), post, w.name), ...(await windowFirings(w, post))];
      if (firings.length === 0) continue;
      const { issue, samplePostIds } = await issueOf(post);
      await deps.engine.handlePostFirings(w, issue, samplePostIds, firings);
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
