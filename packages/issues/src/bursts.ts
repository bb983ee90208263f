import type { IssueEvent } from '@pantau/core';
import { seededRandom } from '@pantau/core';
import type { StreamPost } from './harness';

/**
 * The burst harness: real background text at a steady rate, with bursts of one real topic's posts
 * injected at known onsets. It measures what an agency feels: how long after a story starts the
 * detector says `rising`, whether every `rising` is a real burst, and how often it cries wolf on a
 * stream with no burst at all. Everything runs in stream time.
 */
export interface BurstPlan {
  /** Background texts, used in order (shuffle them first). */
  background: { text: string; author?: string }[];
  /** One list of posts per burst topic. */
  topics: { label: string; texts: { text: string; author?: string }[] }[];
  start: number;
  hours: number;
  /** Background posts per minute. */
  perMinute: number;
  /** Burst sizes, cycled. */
  sizes: number[];
  /** A burst's posts arrive within this span (ms) from its onset, the first of them at the onset. */
  spanMs: number;
  /** Time between onsets (ms); the first onset is after one interval. */
  everyMs: number;
  seed: number;
}

export interface Burst {
  label: string;
  onset: number;
  postIds: Set<string>;
}

export function buildBurstStream(
  plan: BurstPlan,
  withBursts = true,
): { posts: StreamPost[]; bursts: Burst[] } {
  const random = seededRandom(plan.seed);
  const posts: (StreamPost & { at: number })[] = [];
  const end = plan.start + plan.hours * 3600_000;
  const step = 60_000 / plan.perMinute;
  let i = 0;
  for (let at = plan.start; at < end && i < plan.background.length; at += step, i++) {
    const b = plan.background[i]!;
    posts.push({ id: `bg-${i}`, text: b.text, author: b.author ?? `warga${i}`, publishedAt: '', at });
  }
  const bursts: Burst[] = [];
  if (withBursts) {
    let k = 0;
    for (
      let onset = plan.start + plan.everyMs;
      onset + plan.spanMs < end && k < plan.topics.length;
      onset += plan.everyMs, k++
    ) {
      const topic = plan.topics[k]!;
      const size = Math.min(plan.sizes[k % plan.sizes.length]!, topic.texts.length);
      const burst: Burst = { label: topic.label, onset, postIds: new Set() };
      // The onset is the burst's first post: a story cannot be seen before anyone has posted it. The
      // posts are drawn over the span and moved back together until the first is at the onset (drawn
      // from the window's start, a 20-post burst's first post came up to ~50 s late, and that wait was
      // charged to the detector as delay).
      const drawn = Array.from({ length: size }, () => onset + random() * plan.spanMs).sort((a, b) => a - b);
      const times = drawn.map((at) => at - (drawn[0]! - onset));
      times.forEach((at, j) => {
        const t = topic.texts[j]!;
        const id = `burst-${k}-${j}`;
        burst.postIds.add(id);
        posts.push({ id, text: t.text, author: t.author ?? `akun${k}_${j}`, publishedAt: '', at });
      });
      bursts.push(burst);
    }
  }
  posts.sort((a, b) => a.at - b.at);
  return {
    posts: posts.map(({ at, ...p }) => ({ ...p, publishedAt: new Date(at).toISOString() })),
    bursts,
  };
}

export interface BurstScore {
  bursts: number;
  detected: number;
  delaysMs: number[];
  medianDelayMs: number | null;
  p95DelayMs: number | null;
  risingIssues: number;
  trueRisingIssues: number;
  precision: number;
  /**
   * Rising issues whose rise a burst caused: one burst wrote at least half of the issue's posts in the
   * five minutes before its first `rising` (a burst that joined an older issue of a related story and
   * made it rise counts here, not in `trueRisingIssues`, which asks the burst to have written half of
   * the whole issue).
   */
  causedRisingIssues: number;
  precisionByCause: number;
  recall: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : null;

/** The detector's window: the posts that can have made an issue rise. */
const CAUSE_WINDOW_MS = 5 * 60_000;

/** Scores the `rising` events of a run against the injected bursts. */
export function scoreBursts(
  posts: StreamPost[],
  issueIds: string[],
  events: IssueEvent[],
  bursts: Burst[],
): BurstScore {
  // An issue belongs to the burst that wrote most of its posts (and at least half of them).
  const members = new Map<string, { total: number; byBurst: Map<number, number> }>();
  const burstOf = new Map<string, number>();
  bursts.forEach((b, k) => b.postIds.forEach((id) => burstOf.set(id, k)));
  posts.forEach((p, i) => {
    const m = members.get(issueIds[i]!) ?? { total: 0, byBurst: new Map() };
    m.total += 1;
    const k = burstOf.get(p.id);
    if (k !== undefined) m.byBurst.set(k, (m.byBurst.get(k) ?? 0) + 1);
    members.set(issueIds[i]!, m);
  });
  const issueBurst = new Map<string, number>();
  for (const [issueId, m] of members) {
    let best = -1;
    let bestCount = 0;
    for (const [k, c] of m.byBurst) if (c > bestCount) [best, bestCount] = [k, c];
    if (best >= 0 && bestCount * 2 >= m.total) issueBurst.set(issueId, best);
  }
  const firstRising = new Map<string, number>();
  for (const e of events)
    if (e.type === 'rising' && !firstRising.has(e.issueId)) firstRising.set(e.issueId, Date.parse(e.at));
  const delays: number[] = [];
  let trueRising = 0;
  const detectedAt = new Map<number, number>();
  for (const [issueId, at] of firstRising) {
    const k = issueBurst.get(issueId);
    if (k === undefined) continue;
    trueRising += 1;
    if (at >= bursts[k]!.onset) detectedAt.set(k, Math.min(detectedAt.get(k) ?? Infinity, at));
  }
  for (const [k, at] of detectedAt) delays.push(at - bursts[k]!.onset);
  delays.sort((a, b) => a - b);
  const postsOf = new Map<string, number[]>();
  issueIds.forEach((id, i) => {
    const list = postsOf.get(id);
    if (list) list.push(i);
    else postsOf.set(id, [i]);
  });
  let caused = 0;
  for (const [issueId, at] of firstRising) {
    const recent = (postsOf.get(issueId) ?? []).filter((i) => {
      const t = Date.parse(posts[i]!.publishedAt);
      return t <= at && t > at - CAUSE_WINDOW_MS;
    });
    const byBurst = new Map<number, number>();
    for (const i of recent) {
      const k = burstOf.get(posts[i]!.id);
      if (k !== undefined) byBurst.set(k, (byBurst.get(k) ?? 0) + 1);
    }
    if (recent.length && Math.max(0, ...byBurst.values()) * 2 >= recent.length) caused += 1;
  }
  return {
    bursts: bursts.length,
    detected: detectedAt.size,
    delaysMs: delays,
    medianDelayMs: quantile(delays, 0.5),
    p95DelayMs: quantile(delays, 0.95),
    risingIssues: firstRising.size,
    trueRisingIssues: trueRising,
    precision: firstRising.size ? trueRising / firstRising.size : 1,
    causedRisingIssues: caused,
    precisionByCause: firstRising.size ? caused / firstRising.size : 1,
    recall: bursts.length ? detectedAt.size / bursts.length : 1,
  };
}
