import type { EnrichedPost, IssueEvent } from '@pantau/core';
import type { LocalizedText } from './types';

/**
 * Watchlist rules: when a watchlist's matches are worth an alert. The same functions decide live (the
 * alert engine on issue events, the rule stage on matching posts) and in a backtest over stored
 * history, so "would have fired" and "fired" are counted one way.
 *
 * - `rising` / `growing`: the detector said an issue touching the watchlist is rising / growing
 *   steadily (its reason, in plain words, is the alert's).
 * - `volume`: at least `min` matching posts in a `windowMinutes` window. Windows are aligned to the
 *   clock (00:00, 00:15, …) so the count does not depend on the order posts arrive in: it fires once
 *   per window, when the `min`-th post arrives.
 * - `spike`: a window with at least `ratio` × the watchlist's own average of its `baselineWindows`
 *   previous windows (and at least `minCount` posts).
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

export function windowOf(atMs: number, windowMinutes: number): number {
  return Math.floor(atMs / (windowMinutes * 60_000));
}

/** How many posts a window needs for `spike`, given the counts of the windows before it. */
export function spikeThreshold(
  rule: Extract<WatchlistRule, { type: 'spike' }>,
  previousCounts: number[],
): { threshold: number; baseline: number } {
  const s = spikeSettings(rule);
  const baseline = previousCounts.reduce((a, b) => a + b, 0) / Math.max(1, s.baselineWindows);
  return { threshold: Math.max(s.minCount, Math.ceil(s.ratio * baseline)), baseline };
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
 * Counting rules over a time-ordered list of matching posts (the backtest; the live stage counts the
 * same windows in Redis): one firing per window that reaches its threshold.
 */
export function windowFirings(
  rule: Extract<WatchlistRule, { type: 'volume' | 'spike' }>,
  posts: { id: string; publishedAt: string; issueId?: string }[],
  watchlistName: string,
): (Firing & { issueId?: string })[] {
  const minutes = rule.type === 'volume' ? rule.windowMinutes : spikeSettings(rule).windowMinutes;
  const windows = new Map<number, { count: number; crossing?: { id: string; issueId?: string } }>();
  const sorted = [...posts].sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt));
  for (const p of sorted) {
    const k = windowOf(Date.parse(p.publishedAt), minutes);
    const w = windows.get(k) ?? { count: 0 };
    w.count += 1;
    windows.set(k, w);
  }
  const out: (Firing & { issueId?: string })[] = [];
  for (const [k, w] of [...windows].sort((a, b) => a[0] - b[0])) {
    const at = k * minutes * 60_000;
    if (rule.type === 'volume') {
      if (w.count >= rule.min)
        out.push({ rule: 'volume', key: String(k), at, reason: volumeReason(rule, watchlistName) });
    } else {
      const previous = Array.from(
        { length: spikeSettings(rule).baselineWindows },
        (_, i) => windows.get(k - 1 - i)?.count ?? 0,
      );
      const { threshold, baseline } = spikeThreshold(rule, previous);
      if (w.count >= threshold)
        out.push({
          rule: 'spike',
          key: String(k),
          at,
          reason: spikeReason(rule, watchlistName, threshold, baseline),
        });
    }
  }
  return out;
}
