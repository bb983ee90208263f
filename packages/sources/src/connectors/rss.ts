import { decodeBody, parseFeed, type FeedEntry } from '../feed';
import { htmlToText, joinTitleAndBody, parseFeedDate, shortHash } from '../text';
import type { Connector, ConnectorItem, FetchContext, FetchResult, Skipped } from '../types';
import {
  cleanUrl,
  conditionalHeaders,
  num,
  rememberSeen,
  requireUrl,
  seenOf,
  str,
  validatorsOf,
} from './common';

/**
 * `rss`: any RSS 2.0 / Atom / RDF feed (detik, kompas, antaranews, tempo …).
 * config: { url, timezone?: "+07:00" (for dates without a zone), maxItems?: 200 }
 * Conditional GET with the stored ETag/Last-Modified; a 304 costs nothing. Item id = guid, else
 * link, else a hash of title+description+date; ids seen in the last polls are not sent again.
 */
export interface FeedItemsOptions {
  feedUrl: string;
  timezone: string;
  now: Date;
  seen: Set<string>;
  maxItems: number;
}

export function entryId(entry: FeedEntry): string {
  return (
    entry.guid?.trim() ||
    entry.link?.trim() ||
    shortHash(`${entry.title}\n${entry.description}\n${entry.rawDate ?? ''}`)
  );
}

/** Feed entries → items; entries that cannot be a post are skipped with a reason. */
export function feedEntriesToItems(
  entries: FeedEntry[],
  options: FeedItemsOptions,
): { items: ConnectorItem[]; skipped: Skipped[]; ids: string[] } {
  const items: ConnectorItem[] = [];
  const skipped: Skipped[] = [];
  const ids: string[] = [];
  for (const entry of entries.slice(0, options.maxItems)) {
    const sourceId = entryId(entry).slice(0, 512);
    ids.push(sourceId);
    if (options.seen.has(sourceId)) continue;
    const title = htmlToText(entry.title);
    const body = htmlToText(entry.description);
    const text = joinTitleAndBody(title, body);
    if (!text) {
      skipped.push({ ref: sourceId, reason: 'item has neither title nor description' });
      continue;
    }
    let publishedAt = options.now.toISOString();
    if (entry.rawDate) {
      const parsed = parseFeedDate(entry.rawDate, options.timezone);
      if (!parsed) {
        skipped.push({ ref: sourceId, reason: `unreadable date '${entry.rawDate.slice(0, 60)}'` });
        continue;
      }
      publishedAt = parsed;
    }
    const url = cleanUrl(entry.link, options.feedUrl);
    items.push({
      sourceId,
      text,
      publishedAt,
      ...(url ? { url } : {}),
      ...(entry.author ? { author: { name: htmlToText(entry.author).slice(0, 512) } } : {}),
    });
  }
  return { items, skipped, ids };
}

export const rssConnector: Connector = {
  kind: 'rss',
  credentials: 'none',
  validate(config) {
    const problems = requireUrl(config, 'url');
    const tz = str(config, 'timezone');
    if (tz && !/^[+-]\d{2}:\d{2}$/.test(tz)) problems.push('config.timezone must look like +07:00');
    return problems;
  },
  urls: (config) => [str(config, 'url')!],
  async fetch(ctx: FetchContext): Promise<FetchResult> {
    const url = str(ctx.source.config, 'url')!;
    const response = await ctx.http.get(url, {
      headers: {
        accept: 'application/rss+xml, application/atom+xml, application/xml, text/xml;q=0.9, */*;q=0.5',
        ...conditionalHeaders(ctx.cursor),
      },
    });
    if (response.status === 304) return { items: [], skipped: [], cursor: ctx.cursor, notModified: true };
    const entries = await parseFeed(decodeBody(response), response.url);
    const previous = seenOf(ctx.cursor);
    const { items, skipped, ids } = feedEntriesToItems(entries, {
      feedUrl: response.url,
      timezone: str(ctx.source.config, 'timezone') ?? '+07:00',
      now: ctx.now,
      seen: new Set(previous),
      maxItems: num(ctx.source.config, 'maxItems') ?? 200,
    });
    return {
      items,
      skipped,
      cursor: { ...validatorsOf(response.headers), seen: rememberSeen(previous, ids) },
    };
  },
};
