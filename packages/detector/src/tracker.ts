import { createHash } from 'node:crypto';
import {
  FifoMap,
  issueIdFor,
  issueRegionMix,
  issueTopicMix,
  postRegions,
  SCHEMA_VERSION,
  type Clock,
  type EnrichedPost,
  type IssueEvent,
  type IssueRegion,
  type IssueStatus,
} from '@pantau/core';
import type { IssueDoc } from '@pantau/store';
import { TermBursts, type TermBurst } from './term-bursts';

/**
 * Per-issue counts in time buckets, judged against each issue's OWN baseline.
 *
 * An issue's window count is the number of its posts in the last `windowBuckets` buckets; its
 * baseline is what it usually gets in a window, from the `baselineBuckets` before the window. It is
 * `rising` when the window count is at least `risingMinCount` and `risingRatio` times the baseline
 * (so an issue that appears as a sudden burst, with no history, is rising at once), `peaked` when it
 * falls well below its highest window, `cooled` when it is back near its baseline. Posts are bucketed
 * by publication time, clamped to the tracked horizon so late or future-dated posts cannot fake a burst.
 *
 * The baseline is also scaled by the stream's own level: when the whole stream is twice as busy as
 * usual (morning rush, a big news day), every issue is expected to be twice as busy, so only an issue
 * outgrowing the stream rises. `growing` is the slow story: three long windows in a row, each busier
 * than the one before, without a burst. Every event says why in plain words.
 *
 * Exactly once across crashes: each issue remembers the highest `posts.enriched` offset it counted
 * (posts of one issue share a partition, keyed by issue id), and that offset travels in the issue
 * document with the counts; a replay after a crash skips what the stored counts already hold, and
 * re-publishes the last write's events (same ids) in case the crash came before they were sent.
 */
export interface DetectorSettings {
  bucketMs: number;
  windowBuckets: number;
  baselineBuckets: number;
  /**
   * The window rule's minimum volume. 5 (was 4): on the burst harness four posts in five minutes on an
   * issue with a long history and a quiet last hour (a 105-post chain of food reviews, a burst's few
   * stray posts in an old election story) rose by chance; at 5, on the three tuning plans, false `rising`
   * on background 0.17 → 0 per 24 h, precision 0.885 → 0.917 (by cause 0.981 → 1), recall and delays
   * the same; on seven plans not tuned on (seeds 17–43), 0.30 → 0.22 false per 24 h, precision 0.869 →
   * 0.880 (by cause 0.967 → 0.974), recall the same (0.933), one slowest burst later (182 → 291 s).
   * New issues still rise on three posts by the quick rules.
   */
  risingMinCount: number;
  risingRatio: number;
  /** A rising issue rises "again" (an escalation event) when its window reaches this multiple of the last rising window. */
  escalationRatio: number;
  newMinCount: number;
  /** Drop from the highest window that marks the peak. */
  peakDrop: number;
  /** Issues idle this long are forgotten from memory (their documents stay in OpenSearch). */
  idleEvictMs: number;
  hoaxThreshold: number;
  coordinationMinPosts: number;
  coordinationMinAuthors: number;
  /** Scale each issue's baseline by how busy the whole stream is compared with its own baseline. */
  streamAware: boolean;
  /**
   * A quick start also rises: at least `quickMinCount` posts by as many distinct authors within the
   * last `quickBuckets` × `bucketMs` of stream time, on an issue with no usual level to speak of (0 = off).
   */
  quickMinCount: number;
  quickBuckets: number;
  /**
   * … or copies: a post and a near-identical copy of it (MinHash) by at least this many distinct
   * accounts within the same span, on an issue with no usual level (0 = off). Copy-paste by several
   * accounts is how a hoax starts spreading, and it is rare by chance: two unrelated accounts writing the
   * same text within a minute.
   */
  quickCopyMinAuthors: number;
  /**
   * Copies count only when the text they copy was first posted within the window: a start. A headline
   * first posted this morning and copied again by two news accounts at noon (syndication), or an old
   * line of a long story, is not one. Measured (2026-12-02): the three tuning plans of the burst harness
   * unchanged (no burst rose on copies of an old text); on the seven held-out plans false `rising` on
   * background 3 → 1 in 322 h and precision 0.880 → 0.896 (by cause 0.974 → 0.991), recall and delays
   * the same; on the real election stream with its own timestamps 53 → 48 rising issues (the five:
   * 2 accounts re-posting a text first seen earlier; they ended at 8–25 posts over months). A story that
   * really comes back still rises by the window rule.
   */
  quickCopyFreshOnly: boolean;
  /**
   * … or a word burst: a word rare in the stream used by `quickMinCount` accounts within the quick
   * span, in posts spread over several issues, with a chance of at most this at its usual share (see
   * TermBursts; 0 = off). The newest issue holding most of those posts rises: a story split into pieces
   * by its wordings rises as a story. Measured (2026-12-02; chosen on three tuning plans and seven
   * development plans, seeds 101–131, 1e-4 and 1e-5 alike there): on those ten plans p95 delay 75 →
   * 49 s, median 16 → 14 s, recall 0.960 → 0.967, precision 0.918 → 0.929, no false `rising`; then read on
   * the seven held-out plans (p95 64 → 51 s, precision 0.896 → 0.910) and on seven plans never run
   * before that day (seeds 47–73: p95 78 → 54 s, precision 0.910 → 0.904); on the real election stream
   * the same 48 rising issues in 247 days (one rise names a word burst).
   */
  quickTermChance: number;
  /**
   * The quick rules are for a *start*: an issue that already had this many posts before the quick span
   * (0 = no limit) rises by the window rule, against its own level. On the burst harness, two accounts
   * copying one line of an old 89-post story within a minute (or three posts of a day-old chain of
   * reviews) rose by the quick rules although nothing started; from 6 to 15 prior posts, false `rising`
   * on background halved (0.35 → 0.17 per 24 h) and precision rose (0.82 → 0.85), recall and delays the same.
   */
  quickMaxPrior: number;
  /** `growing`: a long window of this many buckets, three in a row increasing … */
  growingBuckets: number;
  /** … the latest with at least this many posts … */
  growingMinCount: number;
  /** … and at least this multiple of the first. */
  growingRatio: number;
}

export const DEFAULT_DETECTOR_SETTINGS: DetectorSettings = {
  bucketMs: 60_000,
  windowBuckets: 5,
  baselineBuckets: 60,
  risingMinCount: 5,
  risingRatio: 3,
  escalationRatio: 2,
  newMinCount: 2,
  peakDrop: 0.6,
  idleEvictMs: 6 * 3600_000,
  hoaxThreshold: 0.5,
  coordinationMinPosts: 5,
  coordinationMinAuthors: 3,
  streamAware: true,
  quickMinCount: 3,
  quickBuckets: 1,
  quickCopyMinAuthors: 2,
  quickCopyFreshOnly: true,
  quickTermChance: 1e-5,
  quickMaxPrior: 10,
  growingBuckets: 15,
  growingMinCount: 6,
  growingRatio: 1.5,
};

export interface StreamPosition {
  partition: number;
  offset: string;
}

interface RecentPost {
  id: string;
  bucket: number;
  /** Stream time of the post (ms). */
  at: number;
  author: string;
  signature: string;
  /** The post's own id, or the id of the earlier post it nearly copies: copies share it. */
  copyGroup: string;
}

interface IssueState {
  id: string;
  title: string;
  termCounts: Map<string, number>;
  buckets: Map<number, number>;
  total: number;
  hoaxCount: number;
  /**
   * Distinct accounts, as 32-bit hashes of "source:handle": a few bytes each instead of a string per
   * (issue, account) — at 1,000 posts/s the strings made most of the detector's memory. (Two accounts
   * colliding among an issue's ≤ 10,000 is a ~1 % chance of counting one account short.)
   */
  authors: Set<number>;
  watchlistIds: Set<string>;
  /** Posts per topic id (topics feature; created on first use). */
  topicCounts?: Map<string, number>;
  /** Posts per region id (provinces and cities its posts name) and the regions' names. */
  regionCounts?: Map<string, number>;
  regionNames?: Map<string, string>;
  /** Posts per source id (created on first use; at most MAX_SOURCES sources counted). */
  sourceCounts?: Map<string, number>;
  /** Fact-checks the issue's posts restate, with how many posts (at most MAX_FACT_CHECKS). */
  factChecks?: Map<string, { title: string; url?: string; posts: number }>;
  samplePostIds: string[];
  /**
   * Its founding post is in `total` without having been seen by this process (see observe): when that
   * post does come (a replay, or a message that overtook it), it is not counted a second time.
   */
  founderAssumed?: boolean;
  recent: RecentPost[];
  status: IssueStatus | null;
  peakWindow: number;
  lastRisingWindow: number;
  lastGrowingWindow: number;
  /** When the last lifecycle event happened (the status dwell starts there). */
  lastEventAt: number;
  offsets: Map<number, number>;
  lastEvents: IssueEvent[];
  firstSeen: number;
  lastSeen: number;
  lastTouched: number;
  timeline: {
    at: string;
    type: IssueStatus;
    windowCount: number;
    count: number;
    baseline: number;
    reason?: string;
    reasonId?: string;
  }[];
}

interface Judgement {
  windowCount: number;
  baseline: number;
  /** The baseline scaled by the stream's level: what this issue would get now if nothing happened. */
  expected: number;
  windowAuthors: number;
  longWindows: [number, number, number];
  /** Posts and distinct authors in the last `quickBuckets` × `bucketMs` of stream time. */
  quickCount: number;
  quickAuthors: number;
  /** The most accounts that posted copies of one text within the last `quickBuckets` × bucketMs. */
  quickCopyAuthors: number;
  /** A word burst across issues that this issue holds most of (see TermBursts). */
  termBurst?: TermBurst;
}

const MAX_AUTHORS = 10_000;
/** An id the assigner made (`issueIdFor` of the founding post); other ids (fixtures) say nothing of a founder. */
const ASSIGNED_ID = /^is_[0-9a-f]{20}$/;
/** Sources counted per issue (a story carried by more outlets and accounts than this counts the first). */
const MAX_SOURCES = 200;
/** Sources shown on an issue (and kept for a restart): the busiest. */
const SHOWN_SOURCES = 20;
/** Fact-checks remembered per issue / shown on it. */
const MAX_FACT_CHECKS = 50;
const SHOWN_FACT_CHECKS = 10;
/** How much of an issue's state is kept in its document for a restart. */
/** Regions kept in a document's working state (a restart resumes their counts). */
const SNAPSHOT_REGIONS = 50;
const SNAPSHOT_TERMS = 50;
const SNAPSHOT_AUTHORS = 1_000;
const MAX_SAMPLES = 5;
const MAX_TIMELINE = 200;
/** Unpublished events kept per issue (a bus outage longer than this many events loses the oldest). */
const MAX_PENDING_EVENTS = 20;

/** FNV-1a, 32 bits. */
function authorHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The first n values of a set, without copying all of it (an issue is written many times a minute). */
function firstOf<T>(set: Set<T>, n: number): T[] {
  const out: T[] = [];
  for (const v of set) {
    if (out.length >= n) break;
    out.push(v);
  }
  return out;
}

export class IssueTracker {
  private readonly issues = new Map<string, IssueState>();
  /** Post ids counted lately (the last 500,000): a replay re-delivering one is not counted twice. */
  private readonly seenPosts = new FifoMap<string, true>(500_000);
  /** Every post of the stream per bucket: the stream's own level. */
  private readonly streamBuckets = new Map<number, number>();
  private readonly termBursts: TermBursts | undefined;
  /** Issues a word burst put ahead since the last evaluate(). */
  private readonly judgeSoon = new Set<string>();

  constructor(
    private readonly settings: DetectorSettings = DEFAULT_DETECTOR_SETTINGS,
    private readonly clock: Clock,
  ) {
    this.termBursts =
      settings.quickTermChance > 0
        ? new TermBursts({
            spanMs: settings.quickBuckets * settings.bucketMs,
            minAuthors: settings.quickMinCount,
            maxChance: settings.quickTermChance,
            priorPosts: 1000,
            halfLifePosts: 500_000,
          })
        : undefined;
  }

  get size(): number {
    return this.issues.size;
  }

  has(issueId: string): boolean {
    return this.issues.has(issueId);
  }

  /**
   * Takes back an issue from its stored document (after a restart, or when another detector owned
   * its partition before a rebalance), so its baseline and status carry on instead of starting over.
   */
  restore(doc: IssueDoc): void {
    if (this.issues.has(doc.id) || !doc.state) return;
    const s = doc.state;
    this.issues.set(doc.id, {
      id: doc.id,
      title: doc.title,
      termCounts: new Map(s.termCounts),
      buckets: new Map(s.buckets),
      total: doc.count,
      hoaxCount: s.hoaxCount,
      // Older documents kept the strings themselves.
      authors: new Set(s.authors.map((a) => (typeof a === 'number' ? a : authorHash(a)))),
      watchlistIds: new Set(doc.watchlistIds),
      topicCounts: new Map((doc.topics ?? []).map((t) => [t.id, t.count])),
      regionCounts: new Map(
        s.regionCounts?.map(([id, count]) => [id, count]) ?? (doc.regions ?? []).map((r) => [r.id, r.count]),
      ),
      regionNames: new Map(
        s.regionCounts?.map(([id, , name]) => [id, name]) ?? (doc.regions ?? []).map((r) => [r.id, r.name]),
      ),
      sourceCounts: new Map((doc.sources ?? []).map((x) => [x.source, x.count])),
      factChecks: new Map(
        (doc.factChecks ?? []).map((f) => [
          f.id,
          { title: f.title, ...(f.url ? { url: f.url } : {}), posts: f.posts },
        ]),
      ),
      samplePostIds: [...doc.samplePostIds],
      ...(s.founderAssumed ? { founderAssumed: true } : {}),
      recent: [],
      status: s.status,
      peakWindow: s.peakWindow,
      lastRisingWindow: s.lastRisingWindow,
      lastGrowingWindow: s.lastGrowingWindow ?? 0,
      lastEventAt: s.lastEventAt ?? 0,
      offsets: new Map((s.offsets ?? []).map(([p, o]) => [p, Number(o)])),
      lastEvents: [],
      firstSeen: Date.parse(doc.firstSeen),
      lastSeen: Date.parse(doc.lastSeen),
      lastTouched: this.clock.now(),
      timeline: [...doc.timeline],
    });
  }

  private bucketOf(ms: number): number {
    return Math.floor(ms / this.settings.bucketMs);
  }

  /**
   * Posts counted before this process started (their ids, read back from the stream: see recall.ts).
   * A duplicate of one arriving later — a scorer that crashed after publishing re-publishes what it had
   * not committed — is then not counted twice, which the in-memory ids alone cannot promise across a
   * restart of the detector.
   */
  remember(postIds: Iterable<string>): number {
    let added = 0;
    for (const id of postIds) {
      if (this.seenPosts.has(id)) continue;
      this.seenPosts.addNew(id, true);
      added += 1;
    }
    return added;
  }

  /** Whether the stored counts of this post's issue already include the message at `position`. */
  counted(issueId: string, position: StreamPosition): boolean {
    const last = this.issues.get(issueId)?.offsets.get(position.partition);
    return last !== undefined && Number(position.offset) <= last;
  }

  /**
   * Counts a post. Returns false for a post already counted (a replay after a crash re-delivers
   * posts: they must not inflate the counts) — by its position in the stream when given, and by id.
   */
  observe(post: EnrichedPost, position?: StreamPosition): boolean {
    if (this.seenPosts.has(post.id)) return false;
    // Known either way from here on: a later duplicate of it (a scorer's replay) is not counted.
    this.seenPosts.addNew(post.id, true);
    if (position && this.counted(post.issueId, position)) return false;

    const now = this.clock.now();
    const horizon = (this.settings.windowBuckets + this.settings.baselineBuckets) * this.settings.bucketMs;
    const published = Date.parse(post.publishedAt);
    const at = Math.min(now, Math.max(now - horizon, Number.isNaN(published) ? now : published));
    const bucket = this.bucketOf(at);
    this.streamBuckets.set(bucket, (this.streamBuckets.get(bucket) ?? 0) + 1);

    let issue = this.issues.get(post.issueId);
    if (!issue) {
      issue = {
        id: post.issueId,
        title: post.text.replace(/\s+/g, ' ').trim().slice(0, 120),
        termCounts: new Map(),
        buckets: new Map(),
        total: 0,
        hoaxCount: 0,
        authors: new Set(),
        watchlistIds: new Set(),
        samplePostIds: [],
        recent: [],
        status: null,
        peakWindow: 0,
        lastRisingWindow: 0,
        lastGrowingWindow: 0,
        lastEventAt: 0,
        offsets: new Map(),
        lastEvents: [],
        firstSeen: at,
        lastSeen: at,
        lastTouched: now,
        timeline: [],
      };
      this.issues.set(post.issueId, issue);
      // No state and no document (the stage looked for one), yet this post did not found the issue: its
      // founder was counted before — by this detector before a restart, or before the issue left memory
      // — while it was the issue's only post, which gets no document. It counts, once.
      if (ASSIGNED_ID.test(post.issueId) && issueIdFor(post.id) !== post.issueId) {
        issue.total = 1;
        issue.founderAssumed = true;
      }
    } else if (issue.founderAssumed && issueIdFor(post.id) === post.issueId) {
      // The founder itself after all: it is the post assumed above.
      issue.founderAssumed = false;
      issue.total -= 1;
    }
    if (position) {
      const offset = Number(position.offset);
      if (offset > (issue.offsets.get(position.partition) ?? -1))
        issue.offsets.set(position.partition, offset);
    }
    if (post.issueTitle) issue.title = post.issueTitle;
    issue.buckets.set(bucket, (issue.buckets.get(bucket) ?? 0) + 1);
    issue.total += 1;
    if (post.hoaxScore >= this.settings.hoaxThreshold) issue.hoaxCount += 1;
    const author = post.author?.id ?? post.author?.handle ?? `${post.source}:anon`;
    if (issue.authors.size < MAX_AUTHORS) issue.authors.add(authorHash(`${post.source}:${author}`));
    for (const w of post.watchlistIds) issue.watchlistIds.add(w);
    const sources = (issue.sourceCounts ??= new Map());
    const fromSource = sources.get(post.source);
    if (fromSource !== undefined || sources.size < MAX_SOURCES)
      sources.set(post.source, (fromSource ?? 0) + 1);
    if (post.claimMatches.length) {
      const checks = (issue.factChecks ??= new Map());
      for (const m of post.claimMatches) {
        const known = checks.get(m.factCheckId);
        if (known) known.posts += 1;
        else if (checks.size < MAX_FACT_CHECKS)
          checks.set(m.factCheckId, { title: m.title, ...(m.url ? { url: m.url } : {}), posts: 1 });
      }
    }
    if (post.topics?.length) {
      const counts = (issue.topicCounts ??= new Map());
      for (const t of post.topics) counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
    }
    // The scorer resolves them (text and the source's region); posts scored before it did: from the text.
    const regions = post.regions
      ? new Map(post.regions.map((r) => [r.id, r.name]))
      : postRegions(post.entities);
    if (regions.size) {
      const counts = (issue.regionCounts ??= new Map());
      const names = (issue.regionNames ??= new Map());
      for (const [id, name] of regions) {
        counts.set(id, (counts.get(id) ?? 0) + 1);
        // A province known only by its id (through a city) takes its name once a post names it.
        if (!names.has(id) || names.get(id) === id) names.set(id, name);
      }
    }
    for (const t of post.issueTerms.length ? post.issueTerms : post.terms.slice(0, 5)) {
      issue.termCounts.set(t, (issue.termCounts.get(t) ?? 0) + 1);
    }
    if (issue.samplePostIds.length < MAX_SAMPLES) issue.samplePostIds.push(post.id);
    issue.recent.push({
      id: post.id,
      bucket,
      at,
      author: `${post.source}:${author}`,
      signature: post.nearDuplicateOf ?? post.signature[0] ?? post.id,
      copyGroup: post.nearDuplicateOf ?? post.id,
    });
    issue.firstSeen = Math.min(issue.firstSeen, at);
    issue.lastSeen = Math.max(issue.lastSeen, at);
    issue.lastTouched = now;
    const ahead = this.termBursts?.observe({
      terms: post.terms,
      at,
      author: `${post.source}:${author}`,
      issueId: post.issueId,
    });
    // Judged with this batch, though none of its posts may be in it.
    if (ahead) this.judgeSoon.add(ahead);
    return true;
  }

  private windowCount(issue: IssueState, nowBucket: number): number {
    let sum = 0;
    for (let b = nowBucket - this.settings.windowBuckets + 1; b <= nowBucket; b++)
      sum += issue.buckets.get(b) ?? 0;
    return sum;
  }

  /** Expected posts per window from the baseline period before the current window. */
  private baseline(issue: IssueState, nowBucket: number): number {
    const end = nowBucket - this.settings.windowBuckets;
    const start = end - this.settings.baselineBuckets + 1;
    let sum = 0;
    for (const [b, c] of issue.buckets) if (b >= start && b <= end) sum += c;
    return (sum / this.settings.baselineBuckets) * this.settings.windowBuckets;
  }

  private horizonBuckets(): number {
    const s = this.settings;
    return Math.max(s.windowBuckets + s.baselineBuckets, 3 * s.growingBuckets);
  }

  private sumBuckets(buckets: Map<number, number>, from: number, to: number): number {
    let sum = 0;
    if (to - from + 1 < buckets.size) {
      for (let b = from; b <= to; b++) sum += buckets.get(b) ?? 0;
    } else for (const [b, c] of buckets) if (b >= from && b <= to) sum += c;
    return sum;
  }

  private judge(issue: IssueState, now: number): Judgement {
    const s = this.settings;
    const nowBucket = this.bucketOf(now);
    const windowCount = this.windowCount(issue, nowBucket);
    const baseline = this.baseline(issue, nowBucket);
    let expected = baseline;
    if (s.streamAware && baseline > 0) {
      // The rest of the stream, now against its own usual level (this issue's posts left out, so a
      // burst does not excuse itself).
      const streamWindow = this.sumBuckets(this.streamBuckets, nowBucket - s.windowBuckets + 1, nowBucket);
      const end = nowBucket - s.windowBuckets;
      const streamBase =
        (this.sumBuckets(this.streamBuckets, end - s.baselineBuckets + 1, end) / s.baselineBuckets) *
        s.windowBuckets;
      const restBase = streamBase - baseline;
      if (restBase > 0) expected = baseline * Math.max(1, (streamWindow - windowCount) / restBase);
    }
    const windowStart = nowBucket - s.windowBuckets + 1;
    const authors = new Set<string>();
    const quickAuthors = new Set<string>();
    // A quick start and copies are counted over the last quick span of stream time, not whole
    // buckets: three posts within 50 s (or a post and its copy 20 s apart) are as telling when a minute
    // boundary falls between them. (Bucket-aligned, a burst whose posts came at 20, 38 and 67 s waited
    // for a fourth post at 92 s.)
    const quickSince = now - s.quickBuckets * s.bucketMs;
    let quickCount = 0;
    let copyAuthors: Map<string, Set<string>> | undefined;
    let quickCopyAuthors = 0;
    // Copies of a text that was first posted in this window: a text hours old copied again by two
    // accounts (a news headline syndicated all day) is not a start.
    let freshTexts: Set<string> | undefined;
    if (s.quickCopyMinAuthors > 0 && s.quickCopyFreshOnly)
      for (const r of issue.recent)
        if (r.bucket >= windowStart && r.copyGroup === r.id) (freshTexts ??= new Set()).add(r.id);
    for (const r of issue.recent)
      if (r.bucket >= windowStart) {
        authors.add(r.author);
        if (r.at > quickSince) {
          quickCount += 1;
          quickAuthors.add(r.author);
          if (s.quickCopyMinAuthors > 0 && (!s.quickCopyFreshOnly || freshTexts?.has(r.copyGroup))) {
            const group = (copyAuthors ??= new Map()).get(r.copyGroup) ?? new Set<string>();
            group.add(r.author);
            copyAuthors.set(r.copyGroup, group);
            quickCopyAuthors = Math.max(quickCopyAuthors, group.size);
          }
        }
      }
    const g = s.growingBuckets;
    const long = (k: number) =>
      this.sumBuckets(issue.buckets, nowBucket - (k + 1) * g + 1, nowBucket - k * g);
    return {
      windowCount,
      baseline,
      expected,
      windowAuthors: authors.size,
      quickCount,
      quickAuthors: quickAuthors.size,
      // A word burst makes a story in pieces rise by its newest piece: one that began within the window,
      // not an older issue some of the story's first posts happened to join.
      ...(this.termBursts && issue.firstSeen > now - s.windowBuckets * s.bucketMs
        ? { termBurst: this.termBursts.burstOf(issue.id, now) }
        : {}),
      quickCopyAuthors,
      longWindows: [long(2), long(1), long(0)],
    };
  }

  private pruneStream(nowBucket: number): void {
    const oldest = nowBucket - this.horizonBuckets();
    if (this.streamBuckets.size > this.horizonBuckets() + 10)
      for (const b of this.streamBuckets.keys()) if (b < oldest) this.streamBuckets.delete(b);
  }

  private prune(issue: IssueState, nowBucket: number): void {
    const oldest = nowBucket - this.horizonBuckets();
    for (const b of issue.buckets.keys()) if (b < oldest) issue.buckets.delete(b);
    const windowStart = nowBucket - this.settings.windowBuckets + 1;
    if (issue.recent.length && issue.recent[0]!.bucket < windowStart)
      issue.recent = issue.recent.filter((r) => r.bucket >= windowStart);
    if (issue.recent.length > 2_000) issue.recent = issue.recent.slice(-2_000);
  }

  /** Many distinct authors posting near-identical text inside one window. */
  private coordinated(issue: IssueState): boolean {
    const bySignature = new Map<string, { posts: number; authors: Set<string> }>();
    for (const r of issue.recent) {
      const entry = bySignature.get(r.signature) ?? { posts: 0, authors: new Set<string>() };
      entry.posts += 1;
      entry.authors.add(r.author);
      bySignature.set(r.signature, entry);
    }
    // Copy-paste campaigns rotate a few variants: count every copy made by several accounts, then ask
    // whether copies are most of the window.
    let copies = 0;
    for (const e of bySignature.values()) {
      if (e.posts >= 2 && e.authors.size >= this.settings.coordinationMinAuthors) copies += e.posts;
    }
    return copies >= this.settings.coordinationMinPosts && copies * 2 >= issue.recent.length;
  }

  private nextStatus(issue: IssueState, j: Judgement, now: number): IssueStatus | 'escalated' | null {
    const s = this.settings;
    const { windowCount, expected } = j;
    const quickNow =
      expected < 1 &&
      (s.quickMaxPrior <= 0 || issue.total - j.quickCount < s.quickMaxPrior) &&
      ((s.quickMinCount > 0 && j.quickCount >= s.quickMinCount && j.quickAuthors >= s.quickMinCount) ||
        (s.quickCopyMinAuthors > 0 && j.quickCopyAuthors >= s.quickCopyMinAuthors) ||
        j.termBurst !== undefined);
    const risingNow =
      quickNow || (windowCount >= s.risingMinCount && windowCount >= s.risingRatio * Math.max(expected, 1));
    const [c1, c2, c3] = j.longWindows;
    // Steady growth: already present, then more, then more again — not a jump from nothing.
    const growingNow = c1 >= 2 && c2 > c1 && c3 > c2 && c3 >= s.growingMinCount && c3 >= s.growingRatio * c1;
    // A status holds at least one window before it settles, and a cooled issue waits one window
    // before it can rise again: an issue hovering at the threshold does not flap (or re-alert).
    const settled = now - issue.lastEventAt >= s.windowBuckets * s.bucketMs;
    const quiet = settled && windowCount <= Math.max(expected, s.risingMinCount / 2);
    switch (issue.status) {
      case null:
        if (risingNow) return 'rising';
        if (growingNow) return 'growing';
        return issue.total >= s.newMinCount ? 'new' : null;
      case 'new':
        if (risingNow) return 'rising';
        return growingNow ? 'growing' : null;
      case 'cooled':
        if (!settled) return null;
        if (risingNow) return 'rising';
        return growingNow ? 'growing' : null;
      case 'growing':
        if (risingNow) return 'rising';
        if (quiet && c3 * 2 <= issue.lastGrowingWindow) return 'cooled';
        return null;
      case 'rising':
        if (quiet) return 'cooled';
        if (windowCount < issue.peakWindow * s.peakDrop) return 'peaked';
        if (windowCount >= s.escalationRatio * issue.lastRisingWindow) return 'escalated';
        return null;
      case 'peaked':
        if (quiet) return 'cooled';
        if (risingNow && windowCount > issue.peakWindow) return 'rising';
        return null;
    }
  }

  /** Why an event happened, in plain words (English, Bahasa Indonesia). */
  private reasonFor(type: IssueStatus, issue: IssueState, j: Judgement): { en: string; id: string } {
    const minutes = Math.round((this.settings.windowBuckets * this.settings.bucketMs) / 60_000);
    const span =
      minutes >= 1
        ? `${minutes} min`
        : `${Math.round((this.settings.windowBuckets * this.settings.bucketMs) / 1000)} s`;
    const spanId =
      minutes >= 1
        ? `${minutes} menit`
        : `${Math.round((this.settings.windowBuckets * this.settings.bucketMs) / 1000)} detik`;
    const n = j.windowCount;
    const accounts = j.windowAuthors;
    switch (type) {
      case 'rising': {
        const level = j.expected >= 0.5 ? `${(n / j.expected).toFixed(n / j.expected >= 10 ? 0 : 1)}×` : '';
        const s = this.settings;
        const copies = s.quickCopyMinAuthors > 0 && j.quickCopyAuthors >= s.quickCopyMinAuthors;
        const quickMinutes = Math.max(1, Math.round((s.quickBuckets * s.bucketMs) / 60_000));
        return {
          en:
            `${n} posts in ${span}, ${level ? `${level} its usual level` : 'none before'}, ${accounts} accounts` +
            (copies
              ? `; ${j.quickCopyAuthors} accounts posted the same text within ${quickMinutes} min`
              : '') +
            (j.termBurst
              ? `; "${j.termBurst.term}" in ${j.termBurst.posts} posts by ${j.termBurst.authors} accounts within ${quickMinutes} min, across ${j.termBurst.issues} issues`
              : ''),
          id:
            `${n} unggahan dalam ${spanId}, ${level ? `${level} dari biasanya` : 'sebelumnya tidak ada'}, ${accounts} akun` +
            (copies
              ? `; ${j.quickCopyAuthors} akun mengunggah teks yang sama dalam ${quickMinutes} menit`
              : '') +
            (j.termBurst
              ? `; "${j.termBurst.term}" di ${j.termBurst.posts} unggahan dari ${j.termBurst.authors} akun dalam ${quickMinutes} menit, tersebar di ${j.termBurst.issues} isu`
              : ''),
        };
      }
      case 'growing': {
        const [a, b, c] = j.longWindows;
        const long = Math.round((this.settings.growingBuckets * this.settings.bucketMs) / 60_000);
        return {
          en: `steady growth: ${a} → ${b} → ${c} posts per ${long} min, ${issue.authors.size} accounts so far`,
          id: `tumbuh stabil: ${a} → ${b} → ${c} unggahan per ${long} menit, ${issue.authors.size} akun sejauh ini`,
        };
      }
      case 'peaked':
        return {
          en: `past its peak: ${n} posts in ${span}, down from ${issue.peakWindow}`,
          id: `melewati puncak: ${n} unggahan dalam ${spanId}, turun dari ${issue.peakWindow}`,
        };
      case 'cooled':
        return {
          en: `back to its usual level: ${n} posts in ${span}`,
          id: `kembali ke tingkat biasa: ${n} unggahan dalam ${spanId}`,
        };
      case 'new':
        return {
          en: `${issue.total} posts so far from ${issue.authors.size} accounts`,
          id: `${issue.total} unggahan sejauh ini dari ${issue.authors.size} akun`,
        };
    }
  }

  /**
   * The timer's judgement: every issue that can still change — one touched within the tracked horizon,
   * or one rising, growing or past its peak — is judged; a settled issue idle past `idleEvictMs` leaves
   * memory. Cheaper than judging every tracked issue on every tick.
   */
  tick(): IssueEvent[] {
    const now = this.clock.now();
    const horizon = this.horizonBuckets() * this.settings.bucketMs;
    const ids: string[] = [];
    for (const [id, issue] of this.issues) {
      const settled = !issue.status || issue.status === 'new' || issue.status === 'cooled';
      if (settled && now - issue.lastTouched > this.settings.idleEvictMs) this.issues.delete(id);
      else if (!settled || now - issue.lastTouched <= horizon) ids.push(id);
    }
    return this.evaluate(ids);
  }

  /**
   * Judges the given issues (or every tracked one) at the current time and returns the lifecycle
   * events that happened. Call after each batch with the touched ids, and on a timer (`tick`) so quiet
   * issues can cool.
   */
  evaluate(issueIds?: Iterable<string>): IssueEvent[] {
    const now = this.clock.now();
    const nowBucket = this.bucketOf(now);
    this.pruneStream(nowBucket);
    const events: IssueEvent[] = [];
    const ids = issueIds ? [...new Set([...issueIds, ...this.judgeSoon])] : [...this.issues.keys()];
    this.judgeSoon.clear();
    for (const id of ids) {
      const issue = this.issues.get(id);
      if (!issue) continue;
      this.prune(issue, nowBucket);
      const j = this.judge(issue, now);
      issue.peakWindow = Math.max(issue.peakWindow, j.windowCount);
      const next = this.nextStatus(issue, j, now);
      if (next) {
        const type: IssueStatus = next === 'escalated' ? 'rising' : next;
        if (type === 'rising') issue.lastRisingWindow = j.windowCount;
        if (type === 'growing') issue.lastGrowingWindow = j.longWindows[2];
        issue.lastEventAt = now;
        if (type === 'cooled') issue.peakWindow = 0;
        issue.status = type;
        const reason = this.reasonFor(type, issue, j);
        issue.timeline.push({
          at: new Date(now).toISOString(),
          type,
          windowCount: j.windowCount,
          count: issue.total,
          baseline: j.baseline,
          reason: reason.en,
          reasonId: reason.id,
        });
        if (issue.timeline.length > MAX_TIMELINE) issue.timeline.shift();
        const event = this.toEvent(issue, type, j, now, reason);
        // Kept (and written with the document) until `published` says they went out: a crash between
        // the write and the publication re-sends them.
        issue.lastEvents.push(event);
        if (issue.lastEvents.length > MAX_PENDING_EVENTS) issue.lastEvents.shift();
        events.push(event);
      }
      // Quiet issues leave memory (their documents stay, and are restored if they wake up); one still
      // rising, growing or past its peak is kept until it has cooled.
      const settled = !issue.status || issue.status === 'new' || issue.status === 'cooled';
      if (settled && now - issue.lastTouched > this.settings.idleEvictMs) this.issues.delete(id);
    }
    return events;
  }

  /** These events went out on the bus: later documents need not carry them any more. */
  published(events: IssueEvent[]): void {
    for (const e of events) {
      const issue = this.issues.get(e.issueId);
      if (issue) issue.lastEvents = issue.lastEvents.filter((x) => x.id !== e.id);
    }
  }

  private toEvent(
    issue: IssueState,
    type: IssueStatus,
    j: Judgement,
    now: number,
    reason: { en: string; id: string },
  ): IssueEvent {
    const at = new Date(now).toISOString();
    return {
      v: SCHEMA_VERSION,
      id: `ev_${createHash('sha256').update(`${issue.id}|${type}|${at}|${issue.total}`).digest('hex').slice(0, 20)}`,
      type,
      reason: reason.en,
      reasonId: reason.id,
      issueId: issue.id,
      title: issue.title,
      terms: this.topTerms(issue),
      at,
      windowMs: this.settings.windowBuckets * this.settings.bucketMs,
      windowCount: j.windowCount,
      total: issue.total,
      baseline: j.baseline,
      // Poisson-style surprise: how many standard deviations above the expected level.
      score: (j.windowCount - j.expected) / Math.sqrt(j.expected + 1),
      growth: j.windowCount / Math.max(j.expected, 0.5),
      samplePostIds: this.eventSamples(issue),
      hoaxShare: issue.total ? issue.hoaxCount / issue.total : 0,
      distinctAuthors: issue.authors.size,
      coordinated: this.coordinated(issue),
      watchlistIds: [...issue.watchlistIds],
      topics: issueTopicMix(issue.topicCounts ?? [], issue.total),
      ...this.regionsOf(issue),
      ...this.sourcesOf(issue),
      firstSeen: new Date(issue.firstSeen).toISOString(),
      lastSeen: new Date(issue.lastSeen).toISOString(),
    };
  }

  /**
   * The posts an event shows (alerts quote them): what is happening now — the window's posts, one per
   * wording (copies of one text count once), in the order they came — then the issue's first posts.
   * An old story rising again, or a new story that joined it, is told by its new posts, not by the
   * ones from days ago.
   */
  private eventSamples(issue: IssueState): string[] {
    const out: string[] = [];
    const wordings = new Set<string>();
    for (const r of issue.recent) {
      if (out.length >= MAX_SAMPLES) return out;
      if (wordings.has(r.copyGroup)) continue;
      wordings.add(r.copyGroup);
      out.push(r.id);
    }
    for (const id of issue.samplePostIds) {
      if (out.length >= MAX_SAMPLES) break;
      if (!out.includes(id)) out.push(id);
    }
    return out;
  }

  /** `{regions}` when a good share of the issue's posts name some province or city, else nothing. */
  private regionsOf(issue: IssueState): { regions?: IssueRegion[] } {
    if (!issue.regionCounts?.size) return {};
    const regions = issueRegionMix(issue.regionCounts, issue.regionNames ?? new Map(), issue.total);
    return regions.length ? { regions } : {};
  }

  /**
   * Where the issue's posts come from (posts per source, busiest first) and the fact-checks they restate
   * (most posts first): what an analyst asks first of a story.
   */
  private sourcesOf(issue: IssueState): {
    sources?: IssueDoc['sources'];
    factChecks?: IssueDoc['factChecks'];
  } {
    const out: { sources?: IssueDoc['sources']; factChecks?: IssueDoc['factChecks'] } = {};
    if (issue.sourceCounts?.size && issue.total > 0)
      out.sources = [...issue.sourceCounts]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, SHOWN_SOURCES)
        .map(([source, count]) => ({
          source,
          count,
          share: Math.round((count / issue.total) * 1000) / 1000,
        }));
    if (issue.factChecks?.size)
      out.factChecks = [...issue.factChecks]
        .sort((a, b) => b[1].posts - a[1].posts || a[0].localeCompare(b[0]))
        .slice(0, SHOWN_FACT_CHECKS)
        .map(([id, f]) => ({ id, title: f.title, ...(f.url ? { url: f.url } : {}), posts: f.posts }));
    return out;
  }

  private topTerms(issue: IssueState, n = 8): string[] {
    return [...issue.termCounts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, n)
      .map(([t]) => t);
  }

  /** The issue as the API shows it (written to the issues index). */
  document(id: string): IssueDoc | null {
    const issue = this.issues.get(id);
    if (!issue) return null;
    const now = this.clock.now();
    const j = this.judge(issue, now);
    const { windowCount, baseline } = j;
    return {
      id: issue.id,
      title: issue.title,
      terms: this.topTerms(issue),
      status: issue.status ?? 'new',
      count: issue.total,
      windowCount,
      baseline,
      score: (windowCount - j.expected) / Math.sqrt(j.expected + 1),
      growth: windowCount / Math.max(j.expected, 0.5),
      hoaxShare: issue.total ? issue.hoaxCount / issue.total : 0,
      distinctAuthors: issue.authors.size,
      coordinated: this.coordinated(issue),
      watchlistIds: [...issue.watchlistIds],
      topics: issueTopicMix(issue.topicCounts ?? [], issue.total),
      ...this.regionsOf(issue),
      ...this.sourcesOf(issue),
      samplePostIds: [...issue.samplePostIds],
      firstSeen: new Date(issue.firstSeen).toISOString(),
      lastSeen: new Date(issue.lastSeen).toISOString(),
      updatedAt: new Date(now).toISOString(),
      timeline: [...issue.timeline],
      state: {
        buckets: [...issue.buckets],
        hoaxCount: issue.hoaxCount,
        status: issue.status,
        peakWindow: issue.peakWindow,
        lastRisingWindow: issue.lastRisingWindow,
        lastGrowingWindow: issue.lastGrowingWindow,
        lastEventAt: issue.lastEventAt,
        offsets: [...issue.offsets].map(([p, o]) => [p, String(o)] as [number, string]),
        pendingEvents: [...issue.lastEvents],
        ...(issue.founderAssumed ? { founderAssumed: true } : {}),
        termCounts: [...issue.termCounts].sort((a, b) => b[1] - a[1]).slice(0, SNAPSHOT_TERMS),
        authors: firstOf(issue.authors, SNAPSHOT_AUTHORS),
        ...(issue.regionCounts?.size
          ? {
              regionCounts: [...issue.regionCounts]
                .sort((a, b) => b[1] - a[1])
                .slice(0, SNAPSHOT_REGIONS)
                .map(
                  ([id, count]) => [id, count, issue.regionNames?.get(id) ?? id] as [string, number, string],
                ),
            }
          : {}),
      },
    };
  }
}
