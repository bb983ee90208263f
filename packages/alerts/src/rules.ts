import type { EnrichedPost, IssueEvent } from '@pantau/core';
import type { LocalizedText } from './types';

/**
 * Watchlist rules: when a watchlist's matches are worth an alert. The same functions decide live (the
 * alert engine on issue events, the rule stage on matching posts) and in a backtest over stored
 * history, so "would have fired" and "fired" are counted one way.
 *
 * - `rising` / `growing`: the detector said an issue touching the watchlist is rising / growing
 *   steadily (its reason, in plain words, is the alert's).
 * - `volume`: at least `min` matching posts published within `windowMinutes` of each other. The window
 *   slides: it ends at each matching post and reaches back `windowMinutes` (until 2026-12-02 windows
 *   were aligned to the clock, 00:00, 00:15, …, and 30 posts between 00:10 and 00:20 — 15 in each
 *   window — never reached a `min` of 30). It fires when a post brings the count to `min`, then rests
 *   for one window: a flood that goes on fires once per `windowMinutes`, as the aligned windows did.
 * - `spike`: a window (as above) with at least `ratio` × the watchlist's own average over the
 *   `baselineWindows` windows before it (and at least `minCount` posts); it rests the same way.
 * - `hoax`: a matching post with a hoax score ≥ `minScore`.
 * - `claim`: a matching post restating a fact-checked hoax (the scorer's claim matches).
 * - `match`: every matching post (for quiet, low-volume lists).
 */
export type WatchlistRule =
  | { type: 'rising' }
  | { type: 'growing' }
  | { type: 'volume'; min: number; windowMinutes: number }
  | { type: 'spike'; ratio?: number; minCount?: number; windowMinutes?: number; baselineWindows?: number }
  | { type: 'hoax'; minScore: number }
  | { type: 'claim'; minSimilarity?: number }
  | { type: 'match' };

export type RuleType = WatchlistRule['type'];
export const RULE_TYPES: readonly RuleType[] = [
  'rising',
  'growing',
  'volume',
  'spike',
  'hoax',
  'claim',
  'match',
];
export const DEFAULT_RULES: WatchlistRule[] = [{ type: 'rising' }];

export const SPIKE_DEFAULTS = { ratio: 3, minCount: 10, windowMinutes: 15, baselineWindows: 8 } as const;

export function spikeSettings(rule: Extract<WatchlistRule, { type: 'spike' }>) {
  return {
    ratio: rule.ratio ?? SPIKE_DEFAULTS.ratio,
    minCount: rule.minCount ?? SPIKE_DEFAULTS.minCount,
    windowMinutes: rule.windowMinutes ?? SPIKE_DEFAULTS.windowMinutes,
    baselineWindows: rule.baselineWindows ?? SPIKE_DEFAULTS.baselineWindows,
  };
}

/** One firing: which rule, a key that makes it count once (a post id, a window, an event), when, why. */
export interface Firing {
  rule: RuleType;
  key: string;
  at: number;
  reason: LocalizedText;
}

/** The watchlist as rules see it. */
export interface RuleWatchlist {
  id: string;
  name: string;
  agencyId: string;
  rules?: WatchlistRule[];
}

export function rulesOf(w: { rules?: WatchlistRule[] }): WatchlistRule[] {
  return w.rules && w.rules.length > 0 ? w.rules : DEFAULT_RULES;
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const fmtId = (n: number, digits = 2) => n.toFixed(digits).replace('.', ',');
const snippet = (text: string | undefined) => {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  return t.length > 80 ? `${t.slice(0, 79)}…` : t;
};

/** Issue-level rules on a detector event (`rising`, `growing`). */
export function issueEventFirings(rules: WatchlistRule[], event: IssueEvent): Firing[] {
  const out: Firing[] = [];
  for (const rule of rules) {
    if (rule.type !== event.type || (rule.type !== 'rising' && rule.type !== 'growing')) continue;
    const en = event.reason ?? `${event.windowCount} posts in ${Math.round(event.windowMs / 60_000)} min`;
    const id =
      event.reasonId ?? `${event.windowCount} unggahan dalam ${Math.round(event.windowMs / 60_000)} menit`;
    out.push({
      rule: rule.type,
      key: event.id ?? `${event.issueId}|${event.type}|${event.at}`,
      at: Date.parse(event.at),
      reason:
        rule.type === 'rising'
          ? { id: `Isu naik: ${id}`, en: `Rising issue: ${en}` }
          : { id: `Isu tumbuh: ${id}`, en: `Growing issue: ${en}` },
    });
  }
  return out;
}

/** The fields of a post the post-level rules read. */
export type RulePost = Pick<EnrichedPost, 'id' | 'publishedAt' | 'hoaxScore' | 'claimMatches' | 'text'> & {
  signals?: EnrichedPost['signals'];
};

/** Post-level rules that need no counting (`match`, `hoax`, `claim`). */
export function postFirings(rules: WatchlistRule[], post: RulePost, watchlistName: string): Firing[] {
  const out: Firing[] = [];
  const at = Date.parse(post.publishedAt);
  for (const rule of rules) {
    if (rule.type === 'match') {
      out.push({
        rule: 'match',
        key: post.id,
        at,
        reason: {
          id: `Unggahan cocok dengan "${watchlistName}": "${snippet(post.text)}"`,
          en: `A post matching "${watchlistName}": "${snippet(post.text)}"`,
        },
      });
    } else if (rule.type === 'hoax' && post.hoaxScore >= rule.minScore) {
      const top = [...(post.signals ?? [])].sort((a, b) => b.weight - a.weight).slice(0, 2);
      out.push({
        rule: 'hoax',
        key: post.id,
        at,
        reason: {
          id:
            `Unggahan cocok dengan "${watchlistName}" berskor hoaks ${fmtId(post.hoaxScore)} (≥ ${fmtId(rule.minScore)})` +
            (top.length ? `: ${top.map((s) => s.label.id).join(', ')}` : ''),
          en:
            `A post matching "${watchlistName}" has hoax score ${fmt(post.hoaxScore)} (≥ ${fmt(rule.minScore)})` +
            (top.length ? `: ${top.map((s) => s.label.en).join(', ')}` : ''),
        },
      });
    } else if (rule.type === 'claim') {
      const min = rule.minSimilarity ?? 0;
      const best = [...(post.claimMatches ?? [])]
        .filter((c) => c.similarity >= min)
        .sort((a, b) => b.similarity - a.similarity)[0];
      if (!best) continue;
      out.push({
        rule: 'claim',
        key: post.id,
        at,
        reason: {
          id: `Unggahan cocok dengan "${watchlistName}" mengulang hoaks yang sudah dicek fakta: "${best.title}" (kemiripan ${fmtId(best.similarity)})`,
          en: `A post matching "${watchlistName}" restates a fact-checked hoax: "${best.title}" (similarity ${fmt(best.similarity)})`,
        },
      });
    }
  }
  return out;
}

/** A counting rule's window and, for `spike`, the span of its baseline before the window (ms). */
export function countingSpans(rule: Extract<WatchlistRule, { type: 'volume' | 'spike' }>): {
  windowMs: number;
  baselineMs: number;
} {
  if (rule.type === 'volume') return { windowMs: rule.windowMinutes * 60_000, baselineMs: 0 };
  const s = spikeSettings(rule);
  return { windowMs: s.windowMinutes * 60_000, baselineMs: s.baselineWindows * s.windowMinutes * 60_000 };
}

/**
 * One key per counting rule as configured: the rest after a firing is per rule, and two volume rules
 * of one watchlist (50 in 15 min, 500 in a day) rest independently.
 */
export function countingRuleKey(rule: Extract<WatchlistRule, { type: 'volume' | 'spike' }>): string {
  if (rule.type === 'volume') return `volume:${rule.min}:${rule.windowMinutes}`;
  const s = spikeSettings(rule);
  return `spike:${s.ratio}:${s.minCount}:${s.windowMinutes}:${s.baselineWindows}`;
}

/**
 * How many posts a window needs for `spike`, given how many matching posts the baseline span before
 * it held (`baselineWindows` windows long): `ratio` × their average per window, at least `minCount`.
 */
export function spikeThreshold(
  rule: Extract<WatchlistRule, { type: 'spike' }>,
  baselinePosts: number,
): { threshold: number; baseline: number } {
  const s = spikeSettings(rule);
  const baseline = baselinePosts / Math.max(1, s.baselineWindows);
  return { threshold: Math.max(s.minCount, Math.ceil(s.ratio * baseline)), baseline };
}

/** How many posts a counting rule's window needs, given the baseline span's posts (`spike`). */
export function countingNeed(
  rule: Extract<WatchlistRule, { type: 'volume' | 'spike' }>,
  baselinePosts: number,
): number {
  return rule.type === 'volume' ? rule.min : spikeThreshold(rule, baselinePosts).threshold;
}

/** Whether a counting rule fires on a post, given the counts the live stage or the backtest read. */
export function countingFiring(
  rule: Extract<WatchlistRule, { type: 'volume' | 'spike' }>,
  post: { id: string; at: number },
  counts: { window: number; baseline: number },
  watchlistName: string,
): Firing | undefined {
  if (counts.window < countingNeed(rule, counts.baseline)) return undefined;
  const key = `${countingRuleKey(rule)}:${post.id}`;
  if (rule.type === 'volume')
    return { rule: 'volume', key, at: post.at, reason: volumeReason(rule, watchlistName) };
  const { threshold, baseline } = spikeThreshold(rule, counts.baseline);
  return { rule: 'spike', key, at: post.at, reason: spikeReason(rule, watchlistName, threshold, baseline) };
}

export function volumeReason(
  rule: Extract<WatchlistRule, { type: 'volume' }>,
  watchlistName: string,
  authors?: number,
): LocalizedText {
  return {
    id:
      `${rule.min} unggahan cocok dengan "${watchlistName}" dalam ${rule.windowMinutes} menit` +
      (authors ? `, ${authors} akun` : ''),
    en:
      `${rule.min} posts matching "${watchlistName}" in ${rule.windowMinutes} min` +
      (authors ? `, ${authors} accounts` : ''),
  };
}

export function spikeReason(
  rule: Extract<WatchlistRule, { type: 'spike' }>,
  watchlistName: string,
  count: number,
  baseline: number,
): LocalizedText {
  const s = spikeSettings(rule);
  const level = baseline > 0 ? count / baseline : 0;
  const levelText = (digits: number) => (level >= 10 ? level.toFixed(0) : level.toFixed(digits));
  return {
    id:
      `${count} unggahan cocok dengan "${watchlistName}" dalam ${s.windowMinutes} menit, ` +
      (baseline > 0
        ? `${levelText(1).replace('.', ',')}× dari biasanya (${fmtId(baseline, 1)})`
        : 'sebelumnya tidak ada'),
    en:
      `${count} posts matching "${watchlistName}" in ${s.windowMinutes} min, ` +
      (baseline > 0 ? `${levelText(1)}× its usual level (${fmt(baseline, 1)})` : 'none before'),
  };
}

/**
 * Counting rules over a list of matching posts (the backtest; the live stage counts the same windows in
 * Redis as posts arrive): the posts in publication order, each closing a window that reaches back
 * `windowMinutes`; a firing, then a rest of one window. Posts that arrive in publication order (the
 * assigner publishes each batch in that order) fire live exactly where this says.
 */
export function windowFirings(
  rule: Extract<WatchlistRule, { type: 'volume' | 'spike' }>,
  posts: { id: string; publishedAt: string; issueId?: string }[],
  watchlistName: string,
): (Firing & { issueId?: string })[] {
  const { windowMs, baselineMs } = countingSpans(rule);
  const seen = new Set<string>();
  const sorted = posts
    .filter((p) => !seen.has(p.id) && seen.add(p.id))
    .map((p) => ({ post: p, at: Date.parse(p.publishedAt) }))
    .sort((a, b) => a.at - b.at);
  const times = sorted.map((x) => x.at);
  /** Index of the first post published after `t`. */
  const after = (t: number) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const out: (Firing & { issueId?: string })[] = [];
  let lastFired = -Infinity;
  sorted.forEach(({ post, at }, i) => {
    if (at - lastFired < windowMs) return;
    const windowStart = after(at - windowMs);
    const counts = { window: i + 1 - windowStart, baseline: windowStart - after(at - windowMs - baselineMs) };
    const firing = countingFiring(rule, { id: post.id, at }, counts, watchlistName);
    if (!firing) return;
    lastFired = at;
    out.push({ ...firing, ...(post.issueId ? { issueId: post.issueId } : {}) });
  });
  return out;
}
