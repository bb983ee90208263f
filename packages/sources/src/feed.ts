import { Readable } from 'node:stream';
import FeedParser from 'feedparser';
import iconv from 'iconv-lite';
import { SourceError } from './errors';
import type { HttpResponse } from './http';

/**
 * RSS 2.0 / Atom / RDF through feedparser (sax-based, lenient, resolves relative links against
 * xml:base and the feed URL). Bytes are decoded first by the encoding the document declares (XML
 * prolog, then Content-Type charset), so windows-1252 and ISO-8859-1 portals read right.
 */
export interface FeedEntry {
  title: string;
  description: string;
  link?: string;
  guid?: string;
  /** The date text as the feed wrote it (pubDate, published/updated, dc:date). */
  rawDate?: string;
  author?: string;
  categories: string[];
}

export function declaredEncoding(body: Buffer, contentType: string | null): string {
  const head = body.subarray(0, 200).toString('latin1');
  const prolog = /<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']/i.exec(head)?.[1];
  const header = contentType ? /charset=["']?([A-Za-z0-9._-]+)/i.exec(contentType)?.[1] : undefined;
  const name = prolog ?? header ?? 'utf-8';
  return iconv.encodingExists(name) ? name : 'utf-8';
}

export function decodeBody(response: HttpResponse): string {
  const encoding = declaredEncoding(response.body, response.headers.get('content-type'));
  return iconv.decode(response.body, encoding).replace(/^\uFEFF/, '');
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const inner = (value as { '#'?: unknown } | null)?.['#'];
  return typeof inner === 'string' ? inner : undefined;
}

export function parseFeed(xml: string, feedUrl: string): Promise<FeedEntry[]> {
  return new Promise((resolve, reject) => {
    const parser = new FeedParser({ feedurl: feedUrl, addmeta: false });
    const entries: FeedEntry[] = [];
    let failed = false;
    parser.on('error', (err: Error) => {
      if (failed) return;
      failed = true;
      reject(new SourceError('SOURCE_MALFORMED', `${feedUrl} is not a readable feed: ${err.message}`));
    });
    parser.on('readable', () => {
      let item: FeedParser.Item | null;
      while ((item = parser.read() as FeedParser.Item | null)) {
        const raw = item as unknown as Record<string, unknown>;
        const rawDate =
          text(raw['rss:pubdate']) ??
          text(raw['atom:published']) ??
          text(raw['dc:date']) ??
          text(raw['atom:updated']) ??
          text(raw['rdf:date']);
        entries.push({
          title: item.title ?? '',
          description: item.description ?? item.summary ?? '',
          ...(item.link ? { link: item.link } : {}),
          ...(item.guid ? { guid: item.guid } : {}),
          ...(rawDate ? { rawDate } : {}),
          ...(item.author ? { author: item.author } : {}),
          categories: item.categories ?? [],
        });
      }
    });
    parser.on('end', () => {
      if (!failed) resolve(entries);
    });
    Readable.from([xml]).pipe(parser);
  });
}
