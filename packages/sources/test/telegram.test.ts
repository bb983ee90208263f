import { testLogger } from '@pantau/testkit';
import { createHttpClient, telegramConnector, type Cursor, type SourceDoc } from '../src';
import { startFakeServer, type FakeServer } from './support';

const logger = testLogger('telegram-test');
const NOW = new Date('2026-11-30T08:00:00Z');

interface Msg {
  id: number;
  text?: string;
  date?: string;
  views?: string;
  forwardedFrom?: string;
}

/** A page in the shape of https://t.me/s/<channel> (the public web preview), oldest message first. */
function page(channel: string, messages: Msg[]): string {
  const body = messages
    .map(
      (m) => `
<div class="tgme_widget_message_wrap js-widget_message_wrap">
  <div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="${channel}/${m.id}" data-view="eyJjIjoxfQ">
    <div class="tgme_widget_message_bubble">
      <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/${channel}"><span dir="auto">Info Warga Jakarta</span></a></div>
      ${m.forwardedFrom ? `<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from <a class="tgme_widget_message_forwarded_from_name" href="https://t.me/x"><span dir="auto">${m.forwardedFrom}</span></a></div>` : ''}
      ${m.text === undefined ? '<a class="tgme_widget_message_photo_wrap" href="#"></a>' : `<div class="tgme_widget_message_text js-message_text" dir="auto">${m.text}</div>`}
      <div class="tgme_widget_message_footer compact js-message_footer">
        <div class="tgme_widget_message_info short js-message_info">
          <span class="tgme_widget_message_views">${m.views ?? '1.2K'}</span><span class="copyonly"> views</span>
          <span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/${channel}/${m.id}"><time datetime="${m.date ?? '2026-11-30T07:00:00+00:00'}" class="time">14:00</time></a></span>
        </div>
      </div>
    </div>
  </div>
</div>`,
    )
    .join('\n');
  return `<!DOCTYPE html><html><head><title>Info Warga Jakarta – Telegram</title></head><body>
<div class="tgme_channel_info"><div class="tgme_channel_info_header_title"><span dir="auto">Info Warga Jakarta</span></div></div>
<section class="tgme_channel_history js-message_history">${body}</section></body></html>`;
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i, text: `Pesan nomor ${from + i}` }));

describe('telegram connector (local t.me web preview)', () => {
  let server: FakeServer;
  const http = createHttpClient({ allowPrivate: true, timeoutMs: 2_000 });
  const run = (cursor: Cursor = {}) =>
    telegramConnector.fetch({
      source: {
        id: 'tg-infowarga',
        kind: 'telegram',
        name: 'Info Warga',
        config: { channel: 'infowargajkt', baseUrl: server.url },
        intervalSeconds: 120,
        paused: false,
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
      } satisfies SourceDoc,
      cursor,
      http,
      logger,
      now: NOW,
    });

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.requests.splice(0));

  it('first run: the newest page, parsed as HTML (line breaks, entities, links, emoji, views, forwards)', async () => {
    server.answer(() => ({
      body: page('infowargajkt', [
        {
          id: 501,
          text: 'INFO!! Besok ada <b>pemadaman listrik</b> di Jaksel 08.00&#8211;15.00<br/>Sumber: <a href="https://pln.example.id">PLN</a> <i class="emoji" style="background-image:url(x)"><b>⚡</b></i>',
          views: '12.3K',
        },
        {
          id: 502,
          text: 'Katanya bansos cair lewat link ini &amp; cuma hari ini??',
          forwardedFrom: 'Grup RT 05',
          date: '2026-11-30T07:30:00+07:00',
        },
        { id: 503 },
        { id: 504, text: 'Tanpa tanggal', date: 'besok' },
      ]),
    }));
    const result = await run();
    expect(server.requests[0]!.path).toBe('/s/infowargajkt');
    expect(result.items).toEqual([
      {
        sourceId: 'infowargajkt/501',
        text: 'INFO!! Besok ada pemadaman listrik di Jaksel 08.00–15.00\nSumber: PLN ⚡',
        publishedAt: '2026-11-30T07:00:00.000Z',
        url: 'https://t.me/infowargajkt/501',
        author: { handle: 'infowargajkt', name: 'Info Warga Jakarta' },
        metrics: { views: 12_300 },
      },
      expect.objectContaining({
        sourceId: 'infowargajkt/502',
        text: '[diteruskan dari Grup RT 05]\nKatanya bansos cair lewat link ini & cuma hari ini??',
        publishedAt: '2026-11-30T00:30:00.000Z',
      }),
    ]);
    expect(result.skipped).toEqual([
      { ref: 'infowargajkt/503', reason: 'message without text (media only or service message)' },
      { ref: 'infowargajkt/504', reason: 'message without a readable date' },
    ]);
    expect(result.cursor).toEqual({ lastId: 504 });
  });

  it('resumes after the last message seen, paging back with before= until it is reached', async () => {
    server.answer((p) => {
      const before = new URL(p, 'http://x').searchParams.get('before');
      if (!before) return { body: page('infowargajkt', range(111, 130)) };
      if (before === '111') return { body: page('infowargajkt', range(91, 110)) };
      return { status: 500 };
    });
    const result = await run({ lastId: 100 });
    expect(server.requests.map((r) => r.path)).toEqual(['/s/infowargajkt', '/s/infowargajkt?before=111']);
    expect(result.items.map((i) => i.sourceId)).toEqual(
      [...range(111, 130), ...range(101, 110)].map((m) => `infowargajkt/${m.id}`),
    );
    expect(result.cursor).toEqual({ lastId: 130 });

    server.requests.splice(0);
    server.answer(() => ({ body: page('infowargajkt', range(111, 130)) }));
    const again = await run(result.cursor);
    expect(again.items).toEqual([]);
    expect(again.cursor).toEqual({ lastId: 130 });
    expect(server.requests).toHaveLength(1);
  });

  it('an empty channel gives nothing; a page that is not a channel preview is malformed', async () => {
    server.answer(() => ({ body: page('infowargajkt', []) }));
    expect(await run()).toEqual({ items: [], skipped: [], cursor: {} });
    server.answer(() => ({
      body: '<html><body><div class="tgme_page">If you have Telegram, you can contact…</div></body></html>',
    }));
    await expect(run()).rejects.toMatchObject({ code: 'SOURCE_MALFORMED' });
  });

  it('429 with Retry-After and 5xx are retriable errors', async () => {
    server.answer(() => ({ status: 429, headers: { 'retry-after': '45' } }));
    await expect(run()).rejects.toMatchObject({
      code: 'SOURCE_RATE_LIMITED',
      info: { retryAfterMs: 45_000 },
    });
    server.answer(() => ({ status: 502 }));
    await expect(run()).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE', retriable: true });
  });
});
