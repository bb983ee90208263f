import {
  issueTopicMix,
  SCHEMA_VERSION,
  type Clock,
  type EnrichedPost,
  type IssueEvent,
  type IssueStatus,
} from '@pantau/core';
import type { IssueDoc } from '@pantau/store';

/**
 * Per-issue counts in time buckets, judged against each issue's OWN baseline.
 *
 * An issue's window count is the number of its posts in the last `windowBuckets` buckets; its
 * baseline is what it usually gets in a window, from the `baselineBuckets` before the window. It is
 * `rising` when the window count is at least `risingMinCount` and `risingRatio` times the baseline
 * (so an issue that appears as a sudden burst, with no history, is rising at once), `peaked` when it
 * falls well below its highest window, `cooled` when it is back near its baseline. Posts are bucketed
 * by publication time, clamped to the tracked horizon so late or future-dated posts cannot fake a burst.
 */
export interface DetectorSettings {
  bucketMs: number;
  windowBuckets: number;
  baselineBuckets: number;
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
};

interface RecentPost {
  bucket: number;
  author: string;
  signature: string;
}

interface IssueState {
  id: string;
  title: string;
  termCounts: Map<string, number>;
  buckets: Map<number, number>;
  total: number;
  hoaxCount: number;
  authors: Set<string>;
  watchlistIds: Set<string>;
  /** Posts per topic id (topics feature; created on first use). */
  topicCounts?: Map<string, number>;
  samplePostIds: string[];
  recent: RecentPost[];
  status: IssueStatus | null;
  peakWindow: number;
  lastRisingWindow: number;
  firstSeen: number;
  lastSeen: number;
  lastTouched: number;
  timeline: { at: string; type: IssueStatus; windowCount: number; count: number; baseline: number }[];
}

const MAX_AUTHORS = 10_000;
/** How much of an issue's state is kept in its document for a restart. */
const SNAPSHOT_TERMS = 50;
const SNAPSHOT_AUTHORS = 1_000;
const MAX_SAMPLES = 5;
const MAX_TIMELINE = 200;

export class IssueTracker {
  private readonly issues = new Map<string, IssueState>();
  private readonly seenPosts = new Map<string, true>();
  private readonly maxSeen = 500_000;

  constructor(
    private readonly settings: DetectorSettings = DEFAULT_DETECTOR_SETTINGS,
    private readonly clock: Clock,
  ) {}

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
      authors: new Set(s.authors),
      watchlistIds: new Set(doc.watchlistIds),
      topicCounts: new Map((doc.topics ?? []).map((t) => [t.id, t.count])),
      samplePostIds: [...doc.samplePostIds],
      recent: [],
      status: s.status,
      peakWindow: s.peakWindow,
      lastRisingWindow: s.lastRisingWindow,
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
   * Counts a post. Returns false for a post already counted (a replay after a crash re-delivers
   * posts: they must not inflate the counts).
   */
  observe(post: EnrichedPost): boolean {
    if (this.seenPosts.has(post.id)) return false;
    this.seenPosts.set(post.id, true);
    if (this.seenPosts.size > this.maxSeen) this.seenPosts.delete(this.seenPosts.keys().next().value!);

    const now = this.clock.now();
    const horizon = (this.settings.windowBuckets + this.settings.baselineBuckets) * this.settings.bucketMs;
    const published = Date.parse(post.publishedAt);
    const at = Math.min(now, Math.max(now - horizon, Number.isNaN(published) ? now : published));
    const bucket = this.bucketOf(at);

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
        firstSeen: at,
        lastSeen: at,
        lastTouched: now,
        timeline: [],
      };
      this.issues.set(post.issueId, issue);
    }
    issue.buckets.set(bucket, (issue.buckets.get(bucket) ?? 0) + 1);
    issue.total += 1;
    if (post.hoaxScore >= this.settings.hoaxThreshold) issue.hoaxCount += 1;
    const author = post.author?.id ?? post.author?.handle ?? `${post.source}:anon`;
    if (issue.authors.size < MAX_AUTHORS) issue.authors.add(`${post.source}:${author}`);
    for (const w of post.watchlistIds) issue.watchlistIds.add(w);
    if (post.topics?.length) {
      const counts = (issue.topicCounts ??= new Map());
      for (const t of post.topics) counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
    }
    for (const t of post.issueTerms.length ? post.issueTerms : post.terms.slice(0, 5)) {
      issue.termCounts.set(t, (issue.termCounts.get(t) ?? 0) + 1);
    }
    if (issue.samplePostIds.length < MAX_SAMPLES) issue.samplePostIds.push(post.id);
    issue.recent.push({
      bucket,
      author: `${post.source}:${author}`,
      signature: post.nearDuplicateOf ?? post.signature[0] ?? post.id,
    });
    issue.firstSeen = Math.min(issue.firstSeen, at);
    issue.lastSeen = Math.max(issue.lastSeen, at);
    issue.lastTouched = now;
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

  private prune(issue: IssueState, nowBucket: number): void {
    const oldest = nowBucket - this.settings.windowBuckets - this.settings.baselineBuckets;
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

  private nextStatus(
    issue: IssueState,
    windowCount: number,
    baseline: number,
  ): IssueStatus | 'escalated' | null {
    const s = this.settings;
    const risingNow = windowCount >= s.risingMinCount && windowCount >= s.risingRatio * Math.max(baseline, 1);
    switch (issue.status) {
      case null:
        if (risingNow) return 'rising';
        return issue.total >= s.newMinCount ? 'new' : null;
      case 'new':
      case 'cooled':
        return risingNow ? 'rising' : null;
      case 'rising':
        if (windowCount <= Math.max(baseline, s.risingMinCount / 2)) return 'cooled';
        if (windowCount < issue.peakWindow * s.peakDrop) return 'peaked';
        if (windowCount >= s.escalationRatio * issue.lastRisingWindow) return 'escalated';
        return null;
      case 'peaked':
        if (windowCount <= Math.max(baseline, s.risingMinCount / 2)) return 'cooled';
        if (risingNow && windowCount > issue.peakWindow) return 'rising';
        return null;
    }
  }

  /**
   * Judges the given issues (or every tracked one) at the current time and returns the lifecycle
   * events that happened. Call after each batch with the touched ids, and on a timer with none so
   * quiet issues can cool.
   */
  evaluate(issueIds?: Iterable<string>): IssueEvent[] {
    const now = this.clock.now();
    const nowBucket = this.bucketOf(now);
    const events: IssueEvent[] = [];
    const ids = issueIds ? [...new Set(issueIds)] : [...this.issues.keys()];
    for (const id of ids) {
      const issue = this.issues.get(id);
      if (!issue) continue;
      this.prune(issue, nowBucket);
      const windowCount = this.windowCount(issue, nowBucket);
      const baseline = this.baseline(issue, nowBucket);
      issue.peakWindow = Math.max(issue.peakWindow, windowCount);
      const next = this.nextStatus(issue, windowCount, baseline);
      if (next) {
        const type: IssueStatus = next === 'escalated' ? 'rising' : next;
        if (type === 'rising') issue.lastRisingWindow = windowCount;
        if (type === 'cooled') issue.peakWindow = 0;
        issue.status = type;
        issue.timeline.push({
          at: new Date(now).toISOString(),
          type,
          windowCount,
          count: issue.total,
          baseline,
        });
        if (issue.timeline.length > MAX_TIMELINE) issue.timeline.shift();
        events.push(this.toEvent(issue, type, windowCount, baseline, now));
      }
      if (!issue.status && now - issue.lastTouched > this.settings.idleEvictMs) this.issues.delete(id);
      else if (issue.status === 'cooled' && now - issue.lastTouched > this.settings.idleEvictMs)
        this.issues.delete(id);
    }
    return events;
  }

  private toEvent(
    issue: IssueState,
    type: IssueStatus,
    windowCount: number,
    baseline: number,
    now: number,
  ): IssueEvent {
    return {
      v: SCHEMA_VERSION,
      type,
      issueId: issue.id,
      title: issue.title,
      terms: this.topTerms(issue),
      at: new Date(now).toISOString(),
      windowMs: this.settings.windowBuckets * this.settings.bucketMs,
      windowCount,
      total: issue.total,
      baseline,
      // Poisson-style surprise: how many standard deviations above the usual.
      score: (windowCount - baseline) / Math.sqrt(baseline + 1),
      growth: windowCount / Math.max(baseline, 0.5),
      samplePostIds: [...issue.samplePostIds],
      hoaxShare: issue.total ? issue.hoaxCount / issue.total : 0,
      distinctAuthors: issue.authors.size,
      coordinated: this.coordinated(issue),
      watchlistIds: [...issue.watchlistIds],
      topics: issueTopicMix(issue.topicCounts ?? [], issue.total),
      firstSeen: new Date(issue.firstSeen).toISOString(),
      lastSeen: new Date(issue.lastSeen).toISOString(),
    };
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
    const nowBucket = this.bucketOf(now);
    const windowCount = this.windowCount(issue, nowBucket);
    const baseline = this.baseline(issue, nowBucket);
    return {
      id: issue.id,
      title: issue.title,
      terms: this.topTerms(issue),
      status: issue.status ?? 'new',
      count: issue.total,
      windowCount,
      baseline,
      score: (windowCount - baseline) / Math.sqrt(baseline + 1),
      growth: windowCount / Math.max(baseline, 0.5),
      hoaxShare: issue.total ? issue.hoaxCount / issue.total : 0,
      distinctAuthors: issue.authors.size,
      coordinated: this.coordinated(issue),
      watchlistIds: [...issue.watchlistIds],
      topics: issueTopicMix(issue.topicCounts ?? [], issue.total),
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
        termCounts: [...issue.termCounts].sort((a, b) => b[1] - a[1]).slice(0, SNAPSHOT_TERMS),
        authors: [...issue.authors].slice(0, SNAPSHOT_AUTHORS),
      },
    };
  }
}
