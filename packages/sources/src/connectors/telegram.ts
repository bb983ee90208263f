import { parse, type HTMLElement } from 'node-html-parser';
import { SourceError } from '../errors';
import type { Connector, ConnectorItem, FetchContext, FetchResult, Skipped } from '../types';
import { cleanUrl, num, str } from './common';

/**
 * `telegram`: a public channel through its web preview, `https://t.me/s/<channel>` (no token
 * needed), parsed with a real HTML parser. Each message is a `.tgme_widget_message[data-post]`
 * with its text, a `<time datetime>` and a view count. The first run reads the newest page; later
 * runs read the newest page and, when it does not reach the last message seen, page back with
 * `?before=<oldest id on the page>` (at most maxPages) so a busy channel loses nothing between polls.
 * config: { channel: "kemkominfo", baseUrl?: "https://t.me", maxPages?: 5 }
 */
function parseViews(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^([\d.,]+)\s*([KM])?$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]!.replace(',', '.'));
  const scale = m[2]?.toUpperCase() === 'M' ? 1e6 : m[2]?.toUpperCase() === 'K' ? 1e3 : 1;
  return Number.isFinite(n) ? Math.round(n * scale) : undefined;
}

/** Text of a message body: <br> become line breaks, links keep their text, emoji images their alt. */
function messageText(el: HTMLElement | null): string {
  if (!el) return '';
  for (const br of el.querySelectorAll('br')) br.replaceWith('\n');
  for (const img of el.querySelectorAll('i.emoji, img.emoji'))
    img.replaceWith(img.getAttribute('alt') ?? img.text);
  return el.text
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

interface Parsed {
  id: number;
  item?: ConnectorItem;
  skip?: string;
}

export function parseChannelPage(html: string, channel: string, base: string): Parsed[] {
  const root = parse(html);
  return root.querySelectorAll('.tgme_widget_message[data-post]').map((el): Parsed => {
    const post = el.getAttribute('data-post') ?? '';
    const id = Number(post.split('/').pop());
    if (!Number.isInteger(id) || id <= 0) return { id: 0, skip: `message without a numeric id (${post})` };
    const datetime = el.querySelector('.tgme_widget_message_date time')?.getAttribute('datetime');
    if (!datetime || Number.isNaN(Date.parse(datetime)))
      return { id, skip: 'message without a readable date' };
    const text = messageText(el.querySelector('.tgme_widget_message_text'));
    if (!text) return { id, skip: 'message without text (media only or service message)' };
    const views = parseViews(el.querySelector('.tgme_widget_message_views')?.text);
    const forwardedFrom = el.querySelector('.tgme_widget_message_forwarded_from_name')?.text.trim();
    const author = el.querySelector('.tgme_widget_message_owner_name')?.text.trim();
    const url =
      cleanUrl(el.querySelector('.tgme_widget_message_date')?.getAttribute('href')) ??
      cleanUrl(`${base}/${channel}/${id}`);
    return {
      id,
      item: {
        sourceId: `${channel}/${id}`,
        text: (forwardedFrom ? `[diteruskan dari ${forwardedFrom}]\n${text}` : text).slice(0, 20_000),
        publishedAt: new Date(datetime).toISOString(),
        ...(url ? { url } : {}),
        author: { handle: channel, ...(author ? { name: author } : {}) },
        ...(views === undefined ? {} : { metrics: { views } }),
      },
    };
  });
}

export const telegramConnector: Connector = {
  kind: 'telegram',
  credentials: 'none',
  validate(config) {
    const problems: string[] = [];
    const channel = str(config, 'channel');
    if (!channel || !/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(channel))
      problems.push('config.channel must be a public channel username (letters, digits, _)');
    const base = str(config, 'baseUrl');
    if (base && !cleanUrl(base)) problems.push('config.baseUrl is not an http(s) URL');
    return problems;
  },
  urls: (config) => [str(config, 'baseUrl') ?? 'https://t.me'],
  async fetch(ctx: FetchContext): Promise<FetchResult> {
    const base = (str(ctx.source.config, 'baseUrl') ?? 'https://t.me').replace(/\/+$/, '');
    const channel = str(ctx.source.config, 'channel')!;
    const lastId = typeof ctx.cursor.lastId === 'number' ? ctx.cursor.lastId : undefined;
    const maxPages = num(ctx.source.config, 'maxPages') ?? 5;
    const items: ConnectorItem[] = [];
    const skipped: Skipped[] = [];
    let newest = lastId ?? 0;
    let before: number | undefined;
    for (let page = 0; page < maxPages; page += 1) {
      const url = new URL(`${base}/s/${channel}`);
      if (before) url.searchParams.set('before', String(before));
      const response = await ctx.http.get(url.href, { headers: { accept: 'text/html' } });
      const html = response.body.toString('utf8');
      if (!/tgme_channel_info|tgme_widget_message/.test(html))
        throw new SourceError(
          'SOURCE_MALFORMED',
          `${url.href} is not a public channel preview (private, renamed or blocked?)`,
        );
      const parsed = parseChannelPage(html, channel, base);
      if (parsed.length === 0) break;
      for (const p of parsed) {
        if (lastId !== undefined && p.id <= lastId) continue;
        if (p.item) items.push(p.item);
        else skipped.push({ ref: `${channel}/${p.id}`, reason: p.skip! });
        if (p.id > newest) newest = p.id;
      }
      const oldest = Math.min(...parsed.map((p) => p.id).filter((id) => id > 0));
      // First run: the newest page is enough. Later: page back until the last message seen.
      if (lastId === undefined || !Number.isFinite(oldest) || oldest <= lastId + 1) break;
      before = oldest;
    }
    return { items, skipped, cursor: newest ? { lastId: newest } : {} };
  },
};
