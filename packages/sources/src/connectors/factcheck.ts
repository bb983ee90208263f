import { SourceError } from '../errors';
import { decodeBody, parseFeed } from '../feed';
import { htmlToText, parseFeedDate, shortHash } from '../text';
import type { Connector, FactCheckDoc, FetchContext, FetchResult, Skipped } from '../types';
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
import { entryId } from './rss';

/**
 * `factcheck`: fact-checkers' WordPress sites (TurnBackHoax/Mafindo, cekfakta-style portals), either
 * their feed (`format: "feed"`, the default) or the `wp-json` REST API (`format: "wp-json"`, url =
 * …/wp-json/wp/v2/posts). Each article becomes a `factchecks` document — claim (the title without
 * its verdict tag), verdict parsed from the title ("[HOAKS] …", "[SALAH] …", "DISINFORMASI: …"),
 * url, date — which the scorer loads within FACTCHECK_REFRESH_MS and matches posts against.
 * config: { url, format?: "feed" | "wp-json", timezone?: "+07:00", maxPages?: 3 }
 */
const VERDICTS = [
  'HOAKS',
  'HOAX',
  'SALAH',
  'DISINFORMASI',
  'MISINFORMASI',
  'MALINFORMASI',
  'KLARIFIKASI',
  'KELIRU',
  'MENYESATKAN',
  'PENIPUAN',
  'FITNAH',
  'SATIRE',
  'TIDAK BENAR',
  'SEBAGIAN BENAR',
  'BENAR',
];
const TAG = new RegExp(`^\\s*[\\[(【]?\\s*(${VERDICTS.join('|')})\\s*[\\])】]?\\s*[:\\-–—|]?\\s*`, 'i');
const ANYWHERE = new RegExp(`[\\[(]\\s*(${VERDICTS.join('|')})\\s*[\\])]`, 'i');

/** The verdict a fact-checker put in its title, and the claim without it. */
export function parseVerdict(title: string): { verdict: string; claim: string } {
  const lead = TAG.exec(title);
  if (lead) {
    const verdict = lead[1]!.toUpperCase() === 'HOAX' ? 'HOAKS' : lead[1]!.toUpperCase();
    return { verdict, claim: title.slice(lead[0].length).trim() || title.trim() };
  }
  const inner = ANYWHERE.exec(title);
  if (inner) {
    const verdict = inner[1]!.toUpperCase() === 'HOAX' ? 'HOAKS' : inner[1]!.toUpperCase();
    return { verdict, claim: title.replace(inner[0], ' ').replace(/\s+/g, ' ').trim() };
  }
  return { verdict: '', claim: title.trim() };
}

function factCheckId(sourceId: string, itemId: string): string {
  return `fc-${sourceId}-${shortHash(itemId)}`;
}

function toDoc(
  sourceId: string,
  itemId: string,
  rawTitle: string,
  body: string,
  link: string | undefined,
  publishedAt: string | undefined,
): FactCheckDoc | { skip: string } {
  const title = htmlToText(rawTitle);
  if (!title) return { skip: 'fact-check without a title' };
  const { verdict, claim } = parseVerdict(title);
  return {
    id: factCheckId(sourceId, itemId),
    // The scorer compares posts with `title`: the claim, without the verdict tag.
    title: claim,
    claim,
    text: htmlToText(body).slice(0, 20_000),
    verdict,
    ...(link ? { url: link } : {}),
    ...(publishedAt ? { publishedAt } : {}),
    sourceId,
  };
}

interface WpPost {
  id?: unknown;
  date_gmt?: unknown;
  date?: unknown;
  link?: unknown;
  title?: { rendered?: unknown };
  excerpt?: { rendered?: unknown };
  content?: { rendered?: unknown };
}

async function fetchWpJson(ctx: FetchContext, url: string): Promise<FetchResult> {
  const docs: FactCheckDoc[] = [];
  const skipped: Skipped[] = [];
  const previous = seenOf(ctx.cursor);
  const seen = new Set(previous);
  const ids: string[] = [];
  const after = typeof ctx.cursor.after === 'string' ? ctx.cursor.after : undefined;
  const maxPages = num(ctx.source.config, 'maxPages') ?? 3;
  let newest = after;
  for (let page = 1; page <= maxPages; page += 1) {
    const u = new URL(url);
    u.searchParams.set('per_page', '50');
    u.searchParams.set('orderby', 'date');
    u.searchParams.set('order', 'desc');
    u.searchParams.set('page', String(page));
    if (after) u.searchParams.set('after', after.replace(/Z$/, ''));
    const response = await ctx.http.get(u.href, { headers: { accept: 'application/json' } });
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new SourceError('SOURCE_MALFORMED', `${u.origin} wp-json answer is not JSON`);
    }
    if (!Array.isArray(body))
      throw new SourceError('SOURCE_MALFORMED', `${u.origin} wp-json answer is not a list`);
    for (const raw of body as WpPost[]) {
      const itemId = typeof raw?.id === 'number' || typeof raw?.id === 'string' ? String(raw.id) : undefined;
      const title = typeof raw?.title?.rendered === 'string' ? raw.title.rendered : undefined;
      if (!itemId || !title) {
        skipped.push({ ref: itemId ?? '?', reason: 'wp-json post without id or title.rendered' });
        continue;
      }
      ids.push(itemId);
      if (seen.has(itemId)) continue;
      const gmt = typeof raw.date_gmt === 'string' ? parseFeedDate(raw.date_gmt, '+00:00') : undefined;
      const local =
        typeof raw.date === 'string'
          ? parseFeedDate(raw.date, str(ctx.source.config, 'timezone') ?? '+07:00')
          : undefined;
      const publishedAt = gmt ?? local;
      if (publishedAt && (!newest || publishedAt > newest)) newest = publishedAt;
      const excerpt = typeof raw.excerpt?.rendered === 'string' ? raw.excerpt.rendered : '';
      const content = typeof raw.content?.rendered === 'string' ? raw.content.rendered : '';
      const doc = toDoc(
        ctx.source.id,
        itemId,
        title,
        content || excerpt,
        cleanUrl(typeof raw.link === 'string' ? raw.link : undefined),
        publishedAt,
      );
      if ('skip' in doc) skipped.push({ ref: itemId, reason: doc.skip });
      else docs.push(doc);
    }
    const totalPages = Number(response.headers.get('x-wp-totalpages') ?? '1');
    if (body.length === 0 || !(page < totalPages)) break;
  }
  return {
    items: [],
    factChecks: docs,
    skipped,
    cursor: { ...(newest ? { after: newest } : {}), seen: rememberSeen(previous, ids) },
  };
}

export const factcheckConnector: Connector = {
  kind: 'factcheck',
  credentials: 'none',
  validate(config) {
    const problems = requireUrl(config, 'url');
    const format = str(config, 'format');
    if (format && format !== 'feed' && format !== 'wp-json')
      problems.push("config.format must be 'feed' or 'wp-json'");
    return problems;
  },
  urls: (config) => [str(config, 'url')!],
  async fetch(ctx) {
    const url = str(ctx.source.config, 'url')!;
    if (str(ctx.source.config, 'format') === 'wp-json') return fetchWpJson(ctx, url);
    const response = await ctx.http.get(url, { headers: conditionalHeaders(ctx.cursor) });
    if (response.status === 304)
      return { items: [], factChecks: [], skipped: [], cursor: ctx.cursor, notModified: true };
    const entries = await parseFeed(decodeBody(response), response.url);
    const previous = seenOf(ctx.cursor);
    const seen = new Set(previous);
    const timezone = str(ctx.source.config, 'timezone') ?? '+07:00';
    const docs: FactCheckDoc[] = [];
    const skipped: Skipped[] = [];
    const ids: string[] = [];
    for (const entry of entries) {
      const itemId = entryId(entry);
      ids.push(itemId);
      if (seen.has(itemId)) continue;
      const publishedAt = entry.rawDate ? parseFeedDate(entry.rawDate, timezone) : undefined;
      const doc = toDoc(
        ctx.source.id,
        itemId,
        entry.title,
        entry.description,
        cleanUrl(entry.link, response.url),
        publishedAt,
      );
      if ('skip' in doc) skipped.push({ ref: itemId, reason: doc.skip });
      else docs.push(doc);
    }
    return {
      items: [],
      factChecks: docs,
      skipped,
      cursor: { ...validatorsOf(response.headers), seen: rememberSeen(previous, ids) },
    };
  },
};
