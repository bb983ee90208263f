import { SourceError } from '../errors';
import { htmlToText } from '../text';
import type { Connector, ConnectorItem, FetchContext, FetchResult, Skipped } from '../types';
import { cleanUrl, num, str } from './common';

/**
 * `mastodon`: a hashtag or the public timeline of one instance (Mastodon REST API v1).
 * config: { baseUrl: "https://mastodon.social", hashtag?: "pemilu" (else public timeline),
 *           local?: true, maxPages?: 3 }
 * Paging: the first poll reads the newest page only; later polls ask `min_id=<newest seen>` and
 * follow the `Link: rel="prev"` pages until empty, so nothing between polls is missed. A token
 * (credentialsEnv) is optional; instances that require one for timelines answer 401 otherwise.
 */
interface Status {
  id?: unknown;
  created_at?: unknown;
  content?: unknown;
  spoiler_text?: unknown;
  url?: unknown;
  uri?: unknown;
  language?: unknown;
  in_reply_to_id?: unknown;
  account?: { id?: unknown; acct?: unknown; display_name?: unknown };
  replies_count?: unknown;
  reblogs_count?: unknown;
  favourites_count?: unknown;
  reblog?: unknown;
}

const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

function toItem(s: Status): ConnectorItem | string {
  if (typeof s.id !== 'string' || !s.id) return 'status without id';
  if (typeof s.created_at !== 'string' || Number.isNaN(Date.parse(s.created_at)))
    return 'status without a valid created_at';
  if (s.reblog) return 'boost (the original is read on its own)';
  const text = [
    typeof s.spoiler_text === 'string' ? s.spoiler_text : '',
    htmlToText(typeof s.content === 'string' ? s.content : ''),
  ]
    .filter(Boolean)
    .join('\n\n');
  if (!text) return 'status without text';
  const url = cleanUrl(typeof s.url === 'string' ? s.url : typeof s.uri === 'string' ? s.uri : undefined);
  const metrics = {
    likes: count(s.favourites_count),
    shares: count(s.reblogs_count),
    replies: count(s.replies_count),
  };
  return {
    sourceId: s.id,
    text: text.slice(0, 20_000),
    publishedAt: new Date(s.created_at).toISOString(),
    ...(url ? { url } : {}),
    author: {
      ...(typeof s.account?.id === 'string' ? { id: s.account.id } : {}),
      ...(typeof s.account?.acct === 'string' ? { handle: s.account.acct } : {}),
      ...(typeof s.account?.display_name === 'string' && s.account.display_name
        ? { name: s.account.display_name }
        : {}),
    },
    metrics: Object.fromEntries(Object.entries(metrics).filter(([, v]) => v !== undefined)),
    ...(typeof s.in_reply_to_id === 'string' ? { replyTo: s.in_reply_to_id } : {}),
    ...(typeof s.language === 'string' ? { lang: s.language } : {}),
  };
}

/** `Link: <url>; rel="prev", <url>; rel="next"` → the URL of one relation. */
export function linkRel(header: string | null, rel: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m && m[2] === rel) return m[1];
  }
  return undefined;
}

export const mastodonConnector: Connector = {
  kind: 'mastodon',
  credentials: 'none',
  validate(config) {
    const problems: string[] = [];
    const base = str(config, 'baseUrl');
    if (!base) problems.push('config.baseUrl is required (the instance, e.g. https://mastodon.social)');
    else if (!cleanUrl(base)) problems.push('config.baseUrl is not an http(s) URL');
    const tag = str(config, 'hashtag');
    if (tag && !/^[\p{L}\p{N}_]+$/u.test(tag.replace(/^#/, '')))
      problems.push('config.hashtag must be one hashtag without spaces');
    return problems;
  },
  urls: (config) => [str(config, 'baseUrl')!],
  async fetch(ctx: FetchContext): Promise<FetchResult> {
    const base = str(ctx.source.config, 'baseUrl')!.replace(/\/+$/, '');
    const tag = str(ctx.source.config, 'hashtag')?.replace(/^#/, '');
    const path = tag ? `/api/v1/timelines/tag/${encodeURIComponent(tag)}` : '/api/v1/timelines/public';
    const first = new URL(base + path);
    first.searchParams.set('limit', '40');
    if (ctx.source.config.local === true) first.searchParams.set('local', 'true');
    const minId = typeof ctx.cursor.minId === 'string' ? ctx.cursor.minId : undefined;
    if (minId) first.searchParams.set('min_id', minId);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (ctx.credential) headers.authorization = `Bearer ${ctx.credential}`;
    const items: ConnectorItem[] = [];
    const skipped: Skipped[] = [];
    let newest = minId;
    const maxPages = num(ctx.source.config, 'maxPages') ?? 3;
    let next: string | undefined = first.href;
    for (let page = 0; next && page < maxPages; page += 1) {
      const response = await ctx.http.get(next, { headers });
      let body: unknown;
      try {
        body = JSON.parse(response.body.toString('utf8'));
      } catch {
        throw new SourceError('SOURCE_MALFORMED', `${first.host} answered something that is not JSON`);
      }
      if (!Array.isArray(body))
        throw new SourceError('SOURCE_MALFORMED', `${first.host} did not answer a list of statuses`);
      if (body.length === 0) break;
      for (const raw of body as Status[]) {
        const item = toItem(raw ?? {});
        if (typeof item === 'string') {
          skipped.push({ ref: typeof raw?.id === 'string' ? raw.id : '?', reason: item });
          continue;
        }
        items.push(item);
      }
      for (const raw of body as Status[]) {
        const id = typeof raw?.id === 'string' ? raw.id : undefined;
        // Mastodon ids are snowflakes: compare by length, then lexically.
        if (id && (!newest || id.length > newest.length || (id.length === newest.length && id > newest)))
          newest = id;
      }
      // With min_id, newer statuses are on the "prev" side; the first run reads only the newest page.
      next = minId ? linkRel(response.headers.get('link'), 'prev') : undefined;
    }
    return { items, skipped, cursor: newest ? { minId: newest } : {} };
  },
};
