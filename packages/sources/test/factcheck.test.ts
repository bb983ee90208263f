import { testLogger } from '@pantau/testkit';
import { createHttpClient, factcheckConnector, parseVerdict, type Cursor, type SourceDoc } from '../src';
import { fixture, startFakeServer, type FakeServer } from './support';

const logger = testLogger('factcheck-test');
const NOW = new Date('2026-11-30T08:00:00Z');

function source(config: Record<string, unknown>): SourceDoc {
  return {
    id: 'cekfakta',
    kind: 'factcheck',
    name: 'Cek Fakta',
    config,
    intervalSeconds: 600,
    paused: false,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

describe('verdicts parsed from fact-check titles', () => {
  it.each([
    ['[SALAH] Vaksin mengandung chip', 'SALAH', 'Vaksin mengandung chip'],
    ['[HOAX] Foto banjir Jakarta hari ini', 'HOAKS', 'Foto banjir Jakarta hari ini'],
    ['HOAKS: Bansos cair lewat link', 'HOAKS', 'Bansos cair lewat link'],
    ['DISINFORMASI – Telur palsu beredar', 'DISINFORMASI', 'Telur palsu beredar'],
    ['(Misinformasi) Gempa susulan besar malam ini', 'MISINFORMASI', 'Gempa susulan besar malam ini'],
    ['Jadwal libur Nataru [KLARIFIKASI]', 'KLARIFIKASI', 'Jadwal libur Nataru'],
    ['Menteri bantah isu reshuffle', '', 'Menteri bantah isu reshuffle'],
  ])('%s', (title, verdict, claim) => {
    expect(parseVerdict(title)).toEqual({ verdict, claim });
  });
});

describe('factcheck connector (local WordPress server)', () => {
  let server: FakeServer;
  const http = createHttpClient({ allowPrivate: true, timeoutMs: 2_000 });
  const run = (config: Record<string, unknown>, cursor: Cursor = {}) =>
    factcheckConnector.fetch({ source: source(config), cursor, http, logger, now: NOW });

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());

  it('feed: each article becomes a factchecks document; an untitled one is skipped; resume skips known ones', async () => {
    server.answer(() => ({ headers: { etag: 'W/"fc1"' }, body: fixture('factcheck-feed.xml') }));
    const result = await run({ url: `${server.url}/feed/` });
    expect(result.items).toEqual([]);
    expect(result.factChecks).toHaveLength(4);
    expect(result.factChecks![0]).toEqual({
      id: expect.stringMatching(/^fc-cekfakta-[0-9a-f]{24}$/),
      title: 'Pesan Berantai Vaksin Booster Mengandung Microchip Pelacak',
      claim: 'Pesan Berantai Vaksin Booster Mengandung Microchip Pelacak',
      text: expect.stringContaining('Kemenkes memastikan vaksin tidak mengandung microchip.'),
      verdict: 'SALAH',
      url: 'https://cekfakta.example.id/2026/11/30/salah-vaksin-booster-microchip/',
      publishedAt: '2026-11-30T02:00:00.000Z',
      sourceId: 'cekfakta',
    });
    expect(result.factChecks!.map((f) => f.verdict)).toEqual([
      'SALAH',
      'HOAKS',
      'DISINFORMASI',
      'KLARIFIKASI',
    ]);
    expect(result.skipped).toEqual([
      { ref: 'https://cekfakta.example.id/?p=48099', reason: 'fact-check without a title' },
    ]);
    server.answer((_p, h) => (h['if-none-match'] === 'W/"fc1"' ? { status: 304 } : { body: '' }));
    expect(await run({ url: `${server.url}/feed/` }, result.cursor)).toMatchObject({ notModified: true });
    server.answer(() => ({ body: fixture('factcheck-feed.xml') }));
    expect((await run({ url: `${server.url}/feed/` }, result.cursor)).factChecks).toEqual([]);
  });

  it('wp-json: pages through X-WP-TotalPages, keeps the newest date as `after`, skips malformed posts', async () => {
    const post = (id: number, title: string, gmt: string) => ({
      id,
      date: gmt.replace('Z', ''),
      date_gmt: gmt.replace('Z', ''),
      link: `https://turnback.example.id/${id}/`,
      title: { rendered: title },
      excerpt: { rendered: '<p>Penjelasan singkat &#8211; cek fakta.</p>' },
      content: { rendered: '' },
    });
    server.answer((p) => {
      const page = new URL(p, 'http://x').searchParams.get('page');
      if (page === '1')
        return {
          headers: { 'content-type': 'application/json', 'x-wp-totalpages': '2' },
          body: JSON.stringify([
            post(902, '[HOAKS] Gaji ke-13 PNS Dihapus Tahun Depan', '2026-11-30T03:00:00Z'),
            { id: 901, title: {} },
          ]),
        };
      return {
        headers: { 'content-type': 'application/json', 'x-wp-totalpages': '2' },
        body: JSON.stringify([post(900, '[SALAH] Tarif Listrik Naik 50 Persen', '2026-11-29T03:00:00Z')]),
      };
    });
    const result = await run({ url: `${server.url}/wp-json/wp/v2/posts`, format: 'wp-json' });
    expect(result.factChecks!.map((f) => [f.verdict, f.title, f.publishedAt])).toEqual([
      ['HOAKS', 'Gaji ke-13 PNS Dihapus Tahun Depan', '2026-11-30T03:00:00.000Z'],
      ['SALAH', 'Tarif Listrik Naik 50 Persen', '2026-11-29T03:00:00.000Z'],
    ]);
    expect(result.factChecks![0]!.text).toBe('Penjelasan singkat – cek fakta.');
    expect(result.skipped).toEqual([{ ref: '901', reason: 'wp-json post without id or title.rendered' }]);
    expect(result.cursor.after).toBe('2026-11-30T03:00:00.000Z');

    server.requests.splice(0);
    server.answer(() => ({ headers: { 'x-wp-totalpages': '0' }, body: '[]' }));
    const resumed = await run({ url: `${server.url}/wp-json/wp/v2/posts`, format: 'wp-json' }, result.cursor);
    expect(new URL(server.requests[0]!.path, 'http://x').searchParams.get('after')).toBe(
      '2026-11-30T03:00:00.000',
    );
    expect(resumed.factChecks).toEqual([]);
    expect(resumed.cursor.after).toBe('2026-11-30T03:00:00.000Z');
  });

  it('429 and 5xx from the fact-checker are retriable errors', async () => {
    server.answer(() => ({ status: 429, headers: { 'retry-after': '60' } }));
    await expect(run({ url: `${server.url}/feed/` })).rejects.toMatchObject({
      code: 'SOURCE_RATE_LIMITED',
      info: { retryAfterMs: 60_000 },
    });
    server.answer(() => ({ status: 502 }));
    await expect(run({ url: `${server.url}/wp-json/wp/v2/posts`, format: 'wp-json' })).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
    });
    server.answer(() => ({ body: '<html>maintenance</html>' }));
    await expect(run({ url: `${server.url}/wp-json/wp/v2/posts`, format: 'wp-json' })).rejects.toMatchObject({
      code: 'SOURCE_MALFORMED',
    });
  });
});
