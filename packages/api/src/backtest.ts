import {
  postFirings,
  rulesOf,
  windowFirings,
  type RuleLog,
  type RulePost,
  type WatchlistRule,
} from '@pantau/alerts';
import { compileToOpenSearch, type QueryAst } from '@pantau/query';
import { getIssues, type IndexNames, type SearchClient, storeError } from '@pantau/store';

/**
 * How often each rule of a watchlist would have fired over stored history, with examples — the same
 * rule functions as the live stage, run over the posts index (the posts the watchlist matched live,
 * plus those its query matches now) and the issues' lifecycle timelines. Beside each figure, how often
 * the rule really fired in that range (the rule log), so an agency can compare before turning a noisy
 * rule on.
 */
export interface BacktestWatchlist {
  id: string;
  name: string;
  ast: QueryAst;
  rules?: WatchlistRule[];
}

interface Example {
  at: string;
  issueId?: string;
  postId?: string;
  reason: { id: string; en: string };
}

type BacktestPost = RulePost & { issueId?: string };

const MAX_POSTS = 20_000;
const PAGE = 1_000;
const EXAMPLES = 3;

async function matchingPosts(
  search: SearchClient,
  names: IndexNames,
  w: BacktestWatchlist,
  from: string,
  to: string,
): Promise<{ posts: BacktestPost[]; truncated: boolean }> {
  const posts: BacktestPost[] = [];
  let after: unknown[] | undefined;
  try {
    for (;;) {
      const res = await search.search({
        index: names.posts,
        ignore_unavailable: true,
        allow_no_indices: true,
        body: {
          size: PAGE,
          query: {
            bool: {
              filter: [{ range: { publishedAt: { gte: from, lte: to } } }],
              should: [{ term: { watchlistIds: w.id } }, compileToOpenSearch(w.ast)],
              minimum_should_match: 1,
            },
          },
          sort: [{ publishedAt: 'asc' }, { id: 'asc' }],
          _source: ['id', 'publishedAt', 'issueId', 'hoaxScore', 'claimMatches', 'text', 'signals'],
          ...(after ? { search_after: after } : {}),
        } as never,
      });
      const hits = res.body.hits.hits as { _source: BacktestPost; sort?: unknown[] }[];
      for (const h of hits)
        posts.push({
          ...h._source,
          hoaxScore: h._source.hoaxScore ?? 0,
          claimMatches: h._source.claimMatches ?? [],
        });
      if (hits.length < PAGE) return { posts, truncated: false };
      if (posts.length >= MAX_POSTS) return { posts, truncated: true };
      after = hits[hits.length - 1]!.sort;
    }
  } catch (err) {
    throw storeError(err, 'backtesting watchlist');
  }
}

export async function backtestWatchlist(
  deps: { search: SearchClient; names: IndexNames; rules?: RuleLog },
  w: BacktestWatchlist,
  from: string,
  to: string,
) {
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const { posts, truncated } = await matchingPosts(deps.search, deps.names, w, from, to);
  const issueIds = [...new Set(posts.map((p) => p.issueId).filter((id): id is string => !!id))];
  const issues = [];
  for (let i = 0; i < issueIds.length; i += 500)
    issues.push(...(await getIssues(deps.search, deps.names, issueIds.slice(i, i + 500))));

  const results = [];
  for (const rule of rulesOf(w)) {
    const examples: Example[] = [];
    let count = 0;
    if (rule.type === 'rising' || rule.type === 'growing') {
      const entries = issues
        .flatMap((issue) => issue.timeline.map((t) => ({ issue, t })))
        .filter(({ t }) => t.type === rule.type && Date.parse(t.at) >= fromMs && Date.parse(t.at) <= toMs)
        .sort((a, b) => a.t.at.localeCompare(b.t.at));
      count = entries.length;
      for (const { issue, t } of entries.slice(0, EXAMPLES))
        examples.push({
          at: t.at,
          issueId: issue.id,
          reason: {
            id: `${issue.title}: ${t.reasonId ?? t.type}`,
            en: `${issue.title}: ${t.reason ?? t.type}`,
          },
        });
    } else if (rule.type === 'volume' || rule.type === 'spike') {
      const firings = windowFirings(rule, posts, w.name);
      count = firings.length;
      for (const f of firings.slice(0, EXAMPLES))
        examples.push({ at: new Date(f.at).toISOString(), reason: f.reason });
    } else {
      for (const p of posts)
        for (const f of postFirings([rule], p, w.name)) {
          count += 1;
          if (examples.length < EXAMPLES)
            examples.push({
              at: p.publishedAt,
              postId: p.id,
              ...(p.issueId ? { issueId: p.issueId } : {}),
              reason: f.reason,
            });
        }
    }
    const fired = deps.rules ? await deps.rules.count(w.id, rule.type, fromMs, toMs) : 0;
    results.push({
      rule,
      type: rule.type,
      wouldHaveFired: count,
      fired,
      summary: {
        id: `Aturan ${rule.type} akan berbunyi ${count} kali antara ${from} dan ${to}.`,
        en: `Rule ${rule.type} would have fired ${count} times between ${from} and ${to}.`,
      },
      examples,
    });
  }
  return { watchlistId: w.id, from, to, posts: posts.length, truncated, rules: results };
}
