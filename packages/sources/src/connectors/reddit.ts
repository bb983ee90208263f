import { SourceError } from '../errors';
import type { Connector, ConnectorItem, FetchContext, FetchResult, Skipped } from '../types';
import { cleanUrl, num, str } from './common';

/**
 * `reddit`: a subreddit's newest posts (`/r/<subreddit>/new.json`, a Listing of t3 things).
 * config: { subreddit: "indonesia", baseUrl?: "https://www.reddit.com", maxPages?: 3 }
 * The cursor keeps the fullname of the newest post seen; the next poll asks `before=<it>` and pages
 * with `before` while pages are full. The first run reads the newest page only.
 */
interface Thing {
  kind?: unknown;
  data?: {
    name?: unknown;
    id?: unknown;
    title?: unknown;
    selftext?: unknown;
    created_utc?: unknown;
    permalink?: unknown;
    url?: unknown;
    author?: unknown;
    author_fullname?: unknown;
    score?: unknown;
    num_comments?: unknown;
  };
}

function toItem(t: Thing, base: string): ConnectorItem | string {
  const d = t.data;
  if (t.kind !== 't3' || !d) return 'not a post (t3)';
  if (typeof d.name !== 'string' || !d.name) return 'post without name';
  if (typeof d.created_utc !== 'number') return 'post without created_utc';
  const title = typeof d.title === 'string' ? d.title.trim() : '';
  const body = typeof d.selftext === 'string' ? d.selftext.trim() : '';
  const text = [title, body].filter(Boolean).join('\n\n');
  if (!text) return 'post without title or text';
  const url = cleanUrl(typeof d.permalink === 'string' ? d.permalink : undefined, base);
  return {
    sourceId: d.name,
    text: text.slice(0, 20_000),
    publishedAt: new Date(d.created_utc * 1000).toISOString(),
    ...(url ? { url } : {}),
    author: {
      ...(typeof d.author_fullname === 'string' ? { id: d.author_fullname } : {}),
      ...(typeof d.author === 'string' ? { handle: d.author } : {}),
    },
    metrics: {
      ...(typeof d.score === 'number' && d.score >= 0 ? { likes: Math.round(d.score) } : {}),
      ...(typeof d.num_comments === 'number' ? { replies: d.num_comments } : {}),
    },
  };
}

export const redditConnector: Connector = {
  kind: 'reddit',
  credentials: 'none',
  validate(config) {
    const problems: string[] = [];
    const sub = str(config, 'subreddit');
    if (!sub || !/^[A-Za-z0-9_]{2,21}$/.test(sub))
      problems.push('config.subreddit must be a subreddit name (e.g. indonesia)');
    const base = str(config, 'baseUrl');
    if (base && !cleanUrl(base)) problems.push('config.baseUrl is not an http(s) URL');
    return problems;
  },
  urls: (config) => [str(config, 'baseUrl') ?? 'https://www.reddit.com'],
  async fetch(ctx: FetchContext): Promise<FetchResult> {
    const base = (str(ctx.source.config, 'baseUrl') ?? 'https://www.reddit.com').replace(/\/+$/, '');
    const sub = str(ctx.source.config, 'subreddit')!;
    const before = typeof ctx.cursor.before === 'string' ? ctx.cursor.before : undefined;
    const items: ConnectorItem[] = [];
    const skipped: Skipped[] = [];
    let newest: string | undefined;
    let pageBefore = before;
    const maxPages = num(ctx.source.config, 'maxPages') ?? 3;
    for (let page = 0; page < maxPages; page += 1) {
      const u = new URL(`${base}/r/${sub}/new.json`);
      u.searchParams.set('limit', '100');
      u.searchParams.set('raw_json', '1');
      if (pageBefore) u.searchParams.set('before', pageBefore);
      const response = await ctx.http.get(u.href, { headers: { accept: 'application/json' } });
      let body: { kind?: unknown; data?: { children?: unknown; before?: unknown } };
      try {
        body = JSON.parse(response.body.toString('utf8'));
      } catch {
        throw new SourceError('SOURCE_MALFORMED', `${u.host} answered something that is not JSON`);
      }
      const children = body?.data?.children;
      if (body?.kind !== 'Listing' || !Array.isArray(children))
        throw new SourceError('SOURCE_MALFORMED', `${u.host} did not answer a Listing`);
      if (children.length === 0) break;
      for (const child of children as Thing[]) {
        const item = toItem(child ?? {}, base);
        if (typeof item === 'string') skipped.push({ ref: String(child?.data?.name ?? '?'), reason: item });
        else items.push(item);
      }
      // Listings are newest first: the first child is the newest of this page.
      const top = (children[0] as Thing)?.data?.name;
      if (typeof top === 'string') {
        newest ??= top;
        if (pageBefore) newest = top;
      }
      if (!before || children.length < 100) break;
      pageBefore = typeof top === 'string' ? top : undefined;
      if (!pageBefore) break;
    }
    return { items, skipped, cursor: { before: newest ?? before } };
  },
};
