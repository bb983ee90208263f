import { ManualClock, type EnrichedPost, type IssueEvent } from '@pantau/core';
import { DEFAULT_DETECTOR_SETTINGS, IssueTracker, type DetectorSettings } from '@pantau/detector';
import { createEnricher, type Enricher, type Enrichment } from '@pantau/nlp-id';
import { IssueClusterer, type ClusterInput, type ClustererSettings } from './clusterer';

/** What the clusterer takes of an enriched post (as the scorer gives it). */
export function clusterInputOf(post: { id: string; text: string }, at: number, e: Enrichment): ClusterInput {
  return {
    id: post.id,
    at,
    terms: e.terms,
    hashtags: e.hashtags,
    mentions: e.mentions,
    urls: e.urls,
    bands: e.signature.bands,
    text: post.text,
  };
}

/**
 * The issue engine offline: the same enrichment, clustering and detector code the services run,
 * driven by the posts' own timestamps (stream time: no wall clock, no servers). `pantau issues run`
 * and `npm run eval:issues` go through here, so what they measure is what production does.
 */
export interface StreamPost {
  id: string;
  text: string;
  publishedAt: string;
  author?: string | { id?: string; handle?: string; name?: string };
  source?: string;
  url?: string;
  /** The true cluster, when the stream is labelled. */
  label?: string;
}

export interface RunOptions {
  clusterer?: Partial<ClustererSettings>;
  detector?: Partial<DetectorSettings>;
  enricher?: Enricher;
  /** How often (stream time) every tracked issue is re-judged, as the detector's timer does. */
  tickMs?: number;
  /** Run the detector too (default); off when only the clustering is wanted (`pantau issues eval`). */
  detect?: boolean;
  onAssignment?: (a: { id: string; issueId: string }) => void;
  onEvent?: (e: IssueEvent) => void;
}

export interface RunSummary {
  posts: number;
  issues: number;
  largestIssueShare: number;
  events: Record<string, number>;
}

export interface RunResult {
  summary: RunSummary;
  /** Issue of each post, in input order. */
  issueIds: string[];
  events: IssueEvent[];
}

const authorOf = (a: StreamPost['author']) =>
  typeof a === 'string' ? { handle: a } : a ? { ...a } : undefined;

export function runStream(posts: Iterable<StreamPost>, options: RunOptions = {}): RunResult {
  const enricher = options.enricher ?? createEnricher({});
  const clusterer = new IssueClusterer(options.clusterer);
  let clock: ManualClock | undefined;
  let tracker: IssueTracker | undefined;
  const detectorSettings = { ...DEFAULT_DETECTOR_SETTINGS, ...options.detector };
  const tickMs = options.tickMs ?? 10_000;
  let lastTick = -Infinity;
  const issueIds: string[] = [];
  const events: IssueEvent[] = [];
  const emit = (list: IssueEvent[]) => {
    for (const e of list) {
      events.push(e);
      options.onEvent?.(e);
    }
  };
  let offset = 0;
  const detect = options.detect ?? true;
  for (const p of posts) {
    const at = Date.parse(p.publishedAt);
    if (Number.isNaN(at)) throw new Error(`post ${p.id}: publishedAt is not a date: ${p.publishedAt}`);
    if (!clock) {
      clock = new ManualClock(at);
      tracker = new IssueTracker(detectorSettings, clock);
    }
    // The detector's timer, in stream time: every issue is re-judged each tick, so quiet ones peak and
    // cool on time. In a long silence the first ticks are enough (nothing changes after the window).
    if (!detect) lastTick = at;
    if (lastTick === -Infinity) lastTick = at;
    const maxTicks = Math.ceil(((detectorSettings.windowBuckets + 1) * detectorSettings.bucketMs) / tickMs);
    for (let ticks = 0; lastTick + tickMs <= at && ticks < maxTicks; ticks++) {
      lastTick += tickMs;
      clock.set(Math.max(clock.now(), lastTick));
      emit(tracker!.tick());
    }
    if (lastTick + tickMs <= at) lastTick = at;
    if (at > clock.now()) clock.set(at);

    const e = enricher.enrich(p.text, { authorHandle: authorOf(p.author)?.handle });
    const a = clusterer.assign(clusterInputOf(p, at, e));
    issueIds.push(a.issueId);
    options.onAssignment?.({ id: p.id, issueId: a.issueId });
    const author = authorOf(p.author);
    const enriched = {
      v: 1,
      id: p.id,
      source: p.source ?? 'stream',
      sourceId: p.id,
      text: p.text,
      publishedAt: p.publishedAt,
      fetchedAt: p.publishedAt,
      ...(author ? { author } : {}),
      ...(p.url ? { url: p.url } : {}),
      normalizedText: e.normalizedText,
      language: e.lang,
      terms: e.terms,
      hashtags: e.hashtags,
      mentions: e.mentions,
      domains: e.domains,
      entities: e.entities,
      signature: e.signature.bands,
      ...(a.nearDuplicateOf ? { nearDuplicateOf: a.nearDuplicateOf } : {}),
      issueId: a.issueId,
      issueTerms: clusterer.keywords(a.issueId),
      issueTitle: a.title,
      hoaxScore: e.hoax.score,
      signals: [],
      modelVersion: e.hoax.modelVersion,
      watchlistIds: [],
      claimMatches: [],
      enrichedAt: p.publishedAt,
    } as EnrichedPost;
    if (detect && tracker!.observe(enriched, { partition: 0, offset: String(offset++) }))
      emit(tracker!.evaluate([a.issueId]));
  }
  if (clock && tracker && detect) {
    // Let the stream's last window play out, so the last bursts peak and cool.
    const end = clock.now() + detectorSettings.bucketMs * (detectorSettings.windowBuckets + 1);
    while (clock.now() < end) {
      clock.advance(tickMs);
      emit(tracker.tick());
    }
  }
  const sizes = new Map<string, number>();
  for (const id of issueIds) sizes.set(id, (sizes.get(id) ?? 0) + 1);
  const counts: Record<string, number> = { new: 0, rising: 0, growing: 0, peaked: 0, cooled: 0 };
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return {
    summary: {
      posts: issueIds.length,
      issues: sizes.size,
      largestIssueShare: issueIds.length ? Math.max(...sizes.values()) / issueIds.length : 0,
      events: counts,
    },
    issueIds,
    events,
  };
}
