import { SourceError } from '../errors';
import type { Connector, ConnectorItem, FetchContext, FetchResult, Skipped } from '../types';
import { cleanUrl, num, str } from './common';

/**
 * `x`: X (Twitter) API v2 recent search with an app bearer token (credentialsEnv required).
 * config: { query: "(hoaks OR hoax) lang:id -is:retweet", baseUrl?: "https://api.x.com", maxPages?: 3 }
 * The first run reads the newest page; later runs ask `since_id=<newest seen>` and follow
 * `meta.next_token` while pages come. `x-rate-limit-reset` is honoured on 429 (by the HTTP client),
 * and paging stops early when `x-rate-limit-remaining` reaches 0.
 */
interface Tweet {
  id?: unknown;
  text?: unknown;
  created_at?: unknown;
  author_id?: unknown;
  lang?: unknown;
  public_metrics?: {
    like_count?: unknown;
    retweet_count?: unknown;
    reply_count?: unknown;
    impression_count?: unknown;
  };
  referenced_tweets?: { type?: unknown; id?: unknown }[];
}
interface User {
  id?: unknown;
  username?: unknown;
  name?: unknown;
}

const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
const newer = (a: string, b: string | undefined) =>
  !b || a.length > b.length || (a.length === b.length && a > b);

function toItem(t: Tweet, users: Map<string, User>): ConnectorItem | string {
  if (typeof t.id !== 'string' || !/^\d+$/.test(t.id)) return 'tweet without id';
  if (typeof t.text !== 'string' || !t.text.trim()) return 'tweet without text';
  if (typeof t.created_at !== 'string' || Number.isNaN(Date.parse(t.created_at)))
    return 'tweet without created_at';
  const user = typeof t.author_id === 'string' ? users.get(t.author_id) : undefined;
  const handle = typeof user?.username === 'string' ? user.username : undefined;
  const m = t.public_metrics ?? {};
  const metrics = Object.fromEntries(
    Object.entries({
      likes: count(m.like_count),
      shares: count(m.retweet_count),
      replies: count(m.reply_count),
      views: count(m.impression_count),
    }).filter(([, v]) => v !== undefined),
  );
  const replyTo = t.referenced_tweets?.find((r) => r.type === 'replied_to' && typeof r.id === 'string')
    ?.id as string | undefined;
  const url = cleanUrl(`https://x.com/${handle ?? 'i'}/status/${t.id}`);
  return {
    sourceId: t.id,
    text: t.text.slice(0, 20_000),
    publishedAt: new Date(t.created_at).toISOString(),
    ...(url ? { url } : {}),
    author: {
      ...(typeof t.author_id === 'string' ? { id: t.author_id } : {}),
      ...(handle ? { handle } : {}),
      ...(typeof user?.name === 'string' ? { name: user.name } : {}),
    },
    metrics,
    ...(replyTo ? { replyTo } : {}),
    ...(typeof t.lang === 'string' ? { lang: t.lang } : {}),
  };
}

export const xConnector: Connector = {
  kind: 'x',
  credentials: 'required',
  validate(config) {
    const problems: string[] = [];
    const query = str(config, 'query');
    if (!query || query.length > 512)
      problems.push('config.query is required (X search syntax, at most 512 characters)');
    const base = str(config, 'baseUrl');
    if (base && !cleanUrl(base)) problems.push('config.baseUrl is not an http(s) URL');
    return problems;
  },
  urls: (config) => [str(config, 'baseUrl') ?? 'https://api.x.com'],
  async fetch(ctx: FetchContext): Promise<FetchResult> {
    const base = (str(ctx.source.config, 'baseUrl') ?? 'https://api.x.com').replace(/\/+$/, '');
    const sinceId = typeof ctx.cursor.sinceId === 'string' ? ctx.cursor.sinceId : undefined;
    const items: ConnectorItem[] = [];
    const skipped: Skipped[] = [];
    let newest = sinceId;
    let nextToken: string | undefined;
    const maxPages = sinceId ? (num(ctx.source.config, 'maxPages') ?? 3) : 1;
    for (let page = 0; page < maxPages; page += 1) {
      const u = new URL(`${base}/2/tweets/search/recent`);
      u.searchParams.set('query', str(ctx.source.config, 'query')!);
      u.searchParams.set('max_results', '100');
      u.searchParams.set('tweet.fields', 'created_at,public_metrics,lang,author_id,referenced_tweets');
      u.searchParams.set('expansions', 'author_id');
      u.searchParams.set('user.fields', 'username,name');
      if (sinceId) u.searchParams.set('since_id', sinceId);
      if (nextToken) u.searchParams.set('next_token', nextToken);
      const response = await ctx.http.get(u.href, {
        headers: { authorization: `Bearer ${ctx.credential}`, accept: 'application/json' },
      });
      let body: {
        data?: unknown;
        includes?: { users?: unknown };
        meta?: { next_token?: unknown; result_count?: unknown };
      };
      try {
        body = JSON.parse(response.body.toString('utf8'));
      } catch {
        throw new SourceError('SOURCE_MALFORMED', `${u.host} answered something that is not JSON`);
      }
      if (!body || typeof body !== 'object' || (body.data !== undefined && !Array.isArray(body.data)))
        throw new SourceError('SOURCE_MALFORMED', `${u.host} did not answer a search result`);
      const users = new Map(
        (Array.isArray(body.includes?.users) ? (body.includes.users as User[]) : []).flatMap((usr) =>
          typeof usr?.id === 'string' ? [[usr.id, usr] as const] : [],
        ),
      );
      for (const raw of (body.data as Tweet[] | undefined) ?? []) {
        const item = typeof raw === 'object' && raw ? toItem(raw, users) : 'not an object';
        if (typeof item === 'string')
          skipped.push({ ref: typeof raw?.id === 'string' ? raw.id : '?', reason: item });
        else {
          items.push(item);
          if (newer(item.sourceId, newest)) newest = item.sourceId;
        }
      }
      nextToken = typeof body.meta?.next_token === 'string' ? body.meta.next_token : undefined;
      if (!nextToken || response.headers.get('x-rate-limit-remaining') === '0') break;
    }
    return { items, skipped, cursor: newest ? { sinceId: newest } : {} };
  },
};
