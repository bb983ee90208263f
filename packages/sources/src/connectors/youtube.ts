import { SourceError } from '../errors';
import type { Connector, ConnectorItem, FetchContext, FetchResult, Skipped } from '../types';
import { cleanUrl, num, str } from './common';

/**
 * `youtube`: YouTube Data API v3 with an API key (credentialsEnv required).
 * config: { query?: "hoaks vaksin", videoIds?: ["dQw4w9WgXcQ"], baseUrl?: "https://www.googleapis.com",
 *           maxPages?: 2 }
 * A query reads `search.list` (videos, newest first, `publishedAfter` = newest seen); each video id
 * reads `commentThreads.list` (top-level comments, newest first, stopping at the newest seen one).
 * The key travels as `key=`; error messages never include query strings.
 */
interface SearchItem {
  id?: { videoId?: unknown };
  snippet?: {
    publishedAt?: unknown;
    title?: unknown;
    description?: unknown;
    channelId?: unknown;
    channelTitle?: unknown;
  };
}
interface CommentThread {
  id?: unknown;
  snippet?: {
    videoId?: unknown;
    totalReplyCount?: unknown;
    topLevelComment?: {
      id?: unknown;
      snippet?: {
        textOriginal?: unknown;
        textDisplay?: unknown;
        authorDisplayName?: unknown;
        authorChannelId?: { value?: unknown };
        likeCount?: unknown;
        publishedAt?: unknown;
      };
    };
  };
}

/** YouTube answers a spent quota with 403 and one of these reasons; it is a wait, not a refusal. */
const QUOTA_REASONS = new Set([
  'quotaExceeded',
  'dailyLimitExceeded',
  'rateLimitExceeded',
  'userRateLimitExceeded',
]);

/** Milliseconds until the next midnight in California, when the daily YouTube Data API quota resets. */
export function msUntilQuotaReset(now = Date.now()): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Los_Angeles',
      hourCycle: 'h23',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(new Date(now))
      .map((p) => [p.type, p.value]),
  );
  const elapsed = (Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second)) * 1000;
  return Math.max(60_000, 86_400_000 - elapsed);
}

function quotaReason(body: string | undefined): string | undefined {
  try {
    const errors = (JSON.parse(body ?? '') as { error?: { errors?: { reason?: unknown }[] } }).error?.errors;
    const reason = errors?.find((e) => typeof e.reason === 'string' && QUOTA_REASONS.has(e.reason))?.reason;
    return typeof reason === 'string' ? reason : undefined;
  } catch {
    return undefined;
  }
}

async function getJson(ctx: FetchContext, u: URL): Promise<{ items?: unknown; nextPageToken?: unknown }> {
  u.searchParams.set('key', ctx.credential!);
  const response = await ctx.http.get(u.href, { headers: { accept: 'application/json' } }).catch((err) => {
    const reason =
      err instanceof SourceError && err.info.status === 403 ? quotaReason(err.info.body) : undefined;
    if (!reason) throw err;
    // Per-minute limits pass quickly; the daily quota comes back at midnight Pacific time.
    const retryAfterMs =
      reason === 'quotaExceeded' || reason === 'dailyLimitExceeded' ? msUntilQuotaReset() : 60_000;
    throw new SourceError('SOURCE_RATE_LIMITED', `${u.host}${u.pathname}: YouTube ${reason}`, {
      status: 403,
      retryAfterMs,
    });
  });
  try {
    const body = JSON.parse(response.body.toString('utf8'));
    if (!body || !Array.isArray(body.items)) throw new Error('no items');
    return body;
  } catch {
    throw new SourceError('SOURCE_MALFORMED', `${u.host}${u.pathname} did not answer a list of items`);
  }
}

function videoItem(v: SearchItem): ConnectorItem | string {
  const id = v.id?.videoId;
  const s = v.snippet;
  if (typeof id !== 'string' || !id) return 'search result without videoId';
  if (typeof s?.publishedAt !== 'string' || Number.isNaN(Date.parse(s.publishedAt)))
    return 'video without publishedAt';
  const title = typeof s.title === 'string' ? s.title.trim() : '';
  const description = typeof s.description === 'string' ? s.description.trim() : '';
  const text = [title, description].filter(Boolean).join('\n\n');
  if (!text) return 'video without title or description';
  return {
    sourceId: `video:${id}`,
    text: text.slice(0, 20_000),
    publishedAt: new Date(s.publishedAt).toISOString(),
    url: `https://www.youtube.com/watch?v=${encodeURIComponent(id)}`,
    author: {
      ...(typeof s.channelId === 'string' ? { id: s.channelId } : {}),
      ...(typeof s.channelTitle === 'string' ? { name: s.channelTitle } : {}),
    },
  };
}

function commentItem(t: CommentThread, videoId: string): ConnectorItem | string {
  const c = t.snippet?.topLevelComment;
  const s = c?.snippet;
  const id = typeof c?.id === 'string' ? c.id : typeof t.id === 'string' ? t.id : undefined;
  if (!id) return 'comment thread without id';
  if (typeof s?.publishedAt !== 'string' || Number.isNaN(Date.parse(s.publishedAt)))
    return 'comment without publishedAt';
  const text =
    typeof s.textOriginal === 'string'
      ? s.textOriginal.trim()
      : typeof s.textDisplay === 'string'
        ? s.textDisplay.trim()
        : '';
  if (!text) return 'comment without text';
  const likes = typeof s.likeCount === 'number' && s.likeCount >= 0 ? s.likeCount : undefined;
  const replies = typeof t.snippet?.totalReplyCount === 'number' ? t.snippet.totalReplyCount : undefined;
  return {
    sourceId: `comment:${id}`,
    text: text.slice(0, 20_000),
    publishedAt: new Date(s.publishedAt).toISOString(),
    url: `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}&lc=${encodeURIComponent(id)}`,
    author: {
      ...(typeof s.authorChannelId?.value === 'string' ? { id: s.authorChannelId.value } : {}),
      ...(typeof s.authorDisplayName === 'string' ? { name: s.authorDisplayName } : {}),
    },
    metrics: { ...(likes === undefined ? {} : { likes }), ...(replies === undefined ? {} : { replies }) },
    replyTo: `video:${videoId}`,
  };
}

export const youtubeConnector: Connector = {
  kind: 'youtube',
  credentials: 'required',
  validate(config) {
    const problems: string[] = [];
    const query = str(config, 'query');
    const ids = config.videoIds;
    if (
      ids !== undefined &&
      (!Array.isArray(ids) || !ids.every((v) => typeof v === 'string' && /^[A-Za-z0-9_-]{6,20}$/.test(v)))
    )
      problems.push('config.videoIds must be a list of YouTube video ids');
    if (!query && !(Array.isArray(ids) && ids.length))
      problems.push('config.query or config.videoIds is required');
    const base = str(config, 'baseUrl');
    if (base && !cleanUrl(base)) problems.push('config.baseUrl is not an http(s) URL');
    return problems;
  },
  urls: (config) => [str(config, 'baseUrl') ?? 'https://www.googleapis.com'],
  async fetch(ctx: FetchContext): Promise<FetchResult> {
    const base = (str(ctx.source.config, 'baseUrl') ?? 'https://www.googleapis.com').replace(/\/+$/, '');
    const maxPages = num(ctx.source.config, 'maxPages') ?? 2;
    const items: ConnectorItem[] = [];
    const skipped: Skipped[] = [];
    const cursor = { ...ctx.cursor } as { publishedAfter?: string; comments?: Record<string, string> };
    const query = str(ctx.source.config, 'query');
    if (query) {
      let pageToken: string | undefined;
      let newest = cursor.publishedAfter;
      for (let page = 0; page < maxPages; page += 1) {
        const u = new URL(`${base}/youtube/v3/search`);
        for (const [k, v] of Object.entries({
          part: 'snippet',
          q: query,
          type: 'video',
          order: 'date',
          maxResults: '50',
          relevanceLanguage: 'id',
        }))
          u.searchParams.set(k, v);
        if (cursor.publishedAfter) u.searchParams.set('publishedAfter', cursor.publishedAfter);
        if (pageToken) u.searchParams.set('pageToken', pageToken);
        const body = await getJson(ctx, u);
        for (const raw of body.items as SearchItem[]) {
          const item = videoItem(raw ?? {});
          if (typeof item === 'string') skipped.push({ ref: String(raw?.id?.videoId ?? '?'), reason: item });
          else {
            items.push(item);
            if (!newest || item.publishedAt > newest) newest = item.publishedAt;
          }
        }
        pageToken = typeof body.nextPageToken === 'string' ? body.nextPageToken : undefined;
        if (!pageToken || !cursor.publishedAfter) break;
      }
      if (newest) cursor.publishedAfter = newest;
    }
    const comments = { ...(cursor.comments ?? {}) };
    for (const videoId of (ctx.source.config.videoIds as string[] | undefined) ?? []) {
      const seenUntil = comments[videoId];
      let pageToken: string | undefined;
      let newest = seenUntil;
      pages: for (let page = 0; page < maxPages; page += 1) {
        const u = new URL(`${base}/youtube/v3/commentThreads`);
        for (const [k, v] of Object.entries({
          part: 'snippet',
          videoId,
          order: 'time',
          maxResults: '100',
          textFormat: 'plainText',
        }))
          u.searchParams.set(k, v);
        if (pageToken) u.searchParams.set('pageToken', pageToken);
        const body = await getJson(ctx, u);
        for (const raw of body.items as CommentThread[]) {
          const item = commentItem(raw ?? {}, videoId);
          if (typeof item === 'string') {
            skipped.push({ ref: String(raw?.id ?? '?'), reason: item });
            continue;
          }
          // Newest first: once at or before the newest comment seen, the rest are known.
          if (seenUntil && item.publishedAt <= seenUntil) break pages;
          items.push(item);
          if (!newest || item.publishedAt > newest) newest = item.publishedAt;
        }
        pageToken = typeof body.nextPageToken === 'string' ? body.nextPageToken : undefined;
        if (!pageToken || !seenUntil) break;
      }
      if (newest) comments[videoId] = newest;
    }
    return {
      items,
      skipped,
      cursor: {
        ...(cursor.publishedAfter ? { publishedAfter: cursor.publishedAfter } : {}),
        ...(Object.keys(comments).length ? { comments } : {}),
      },
    };
  },
};
