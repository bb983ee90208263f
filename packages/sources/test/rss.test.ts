import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { testLogger } from '@pantau/testkit';
import { createHttpClient, rssConnector, SourceError, type Cursor, type SourceDoc } from '../src';
import { fixture, startFakeServer, type FakeServer } from './support';

const logger = testLogger('rss-test');
const NOW = new Date('2026-11-30T08:00:00Z');

function source(url: string, config: Record<string, unknown> = {}): SourceDoc {
  return {
    id: 'warta',
    kind: 'rss',
    name: 'Warta',
    config: { url, ...config },
    intervalSeconds: 300,
    paused: false,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

describe('rss connector (local feed server)', () => {
  let server: FakeServer;
  const http = createHttpClient({ allowPrivate: true, timeoutMs: 2_000, maxBytes: 64 * 1024 });
  const fetchOnce = (cursor: Cursor = {}, config: Record<string, unknown> = {}) =>
    rssConnector.fetch({ source: source(`${server.url}/rss`, config), cursor, http, logger, now: NOW });

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.requests.splice(0));

  it('first run: reads every item with plain text, absolute links and dates with their offsets', async () => {
    server.answer(() => ({
      headers: {
        'content-type': 'application/rss+xml',
        etag: '"v1"',
        'last-modified': 'Mon, 30 Nov 2026 07:10:00 GMT',
      },
      body: fixture('portal-rss.xml'),
    }));
    const result = await fetchOnce();
    const byId = new Map(result.items.map((i) => [i.sourceId, i]));
    const beras = byId.get('warta-771201')!;
    expect(beras.text).toBe(
      'Harga Beras Naik Jelang Nataru, Pemerintah Gelar Operasi Pasar\n\nHarga beras medium di Pasar Induk Cipinang naik Rp1.000 per kg. Bapanas & Bulog siapkan operasi pasar.',
    );
    expect(beras.publishedAt).toBe('2026-11-30T07:05:00.000Z'); // 14:05 +0700
    expect(beras.url).toBe('https://warta.example.id/ekonomi/2026/11/30/harga-beras-naik');
    expect(beras.author).toEqual({ name: 'Rina Hapsari' });

    // No guid: the link, resolved against the feed's own URL, is the id; entities in the title and
    // escaped HTML decoded; WIB read as +07:00.
    const resolved = `${server.url}/kesehatan/2026/11/30/pesan-berantai-vaksin-chip`;
    const hoaks = byId.get(resolved)!;
    expect(hoaks.text).toContain('Viral Pesan Berantai "Vaksin Mengandung Chip", Kemenkes: Itu Hoaks');
    expect(hoaks.text).toContain('mengandung microchip. Kemenkes menegaskan kabar itu tidak benar & meminta');
    expect(hoaks.text).not.toMatch(/<|&amp;/);
    expect(hoaks.publishedAt).toBe('2026-11-30T06:30:00.000Z');
    expect(hoaks.url).toBe(resolved);

    // Neither guid nor link: a stable hash; WITA is +08:00.
    const banjir = result.items.find((i) => i.text.startsWith('Banjir Rob'))!;
    expect(banjir.sourceId).toMatch(/^[0-9a-f]{24}$/);
    expect(banjir.url).toBeUndefined();
    expect(banjir.publishedAt).toBe('2026-11-30T03:15:00.000Z');

    // No date at all: the fetch time.
    expect(byId.get('https://warta.example.id/metro/jadwal-krl-desember')!.publishedAt).toBe(
      NOW.toISOString(),
    );

    // Malformed items are skipped with their reason; the rest are kept.
    expect(result.skipped).toEqual([
      { ref: 'warta-galeri-kosong', reason: 'item has neither title nor description' },
      { ref: 'warta-771190', reason: "unreadable date 'kemarin sore'" },
    ]);
    expect(result.items).toHaveLength(4);
    expect(result.cursor).toMatchObject({ etag: '"v1"', lastModified: 'Mon, 30 Nov 2026 07:10:00 GMT' });
  });

  it('resumes from the stored cursor: conditional GET, 304 costs nothing, only new items after a change', async () => {
    server.answer(() => ({ headers: { etag: '"v1"' }, body: fixture('portal-rss.xml') }));
    const first = await fetchOnce();

    server.answer((_p, headers) =>
      headers['if-none-match'] === '"v1"' ? { status: 304 } : { body: fixture('portal-rss.xml') },
    );
    const second = await fetchOnce(first.cursor);
    expect(server.requests[1]!.headers['if-none-match']).toBe('"v1"');
    expect(second).toMatchObject({ notModified: true, items: [] });
    expect(second.cursor).toEqual(first.cursor);

    const changed = fixture('portal-rss.xml')
      .toString('utf8')
      .replace(
        '<item>',
        '<item><title>Tol Cipali Macet 12 Km, Polisi Berlakukan Contraflow</title><guid>warta-771300</guid><pubDate>Mon, 30 Nov 2026 15:00:00 +0700</pubDate></item><item>',
      );
    server.answer(() => ({ headers: { etag: '"v2"' }, body: changed }));
    const third = await fetchOnce(first.cursor);
    expect(third.items.map((i) => i.sourceId)).toEqual(['warta-771300']);
    expect(third.cursor.etag).toBe('"v2"');
  });

  it('reads Atom (xml:base, relative links, HTML titles) and RDF with Dublin Core dates', async () => {
    server.answer((p) => ({ body: fixture(p === '/rss' ? 'portal-atom.xml' : 'portal-rdf.xml') }));
    const atom = await fetchOnce();
    expect(atom.items).toEqual([
      expect.objectContaining({
        sourceId: 'tag:kabar.example.id,2026:5501',
        text: 'Pemkot Bandung Larang Study Tour ke Luar Kota\n\nSurat edaran Disdik berlaku mulai semester genap.',
        url: 'https://kabar.example.id/berita/2026/11/larangan-study-tour',
        publishedAt: '2026-11-30T01:45:00.000Z',
      }),
      expect.objectContaining({
        sourceId: 'tag:kabar.example.id,2026:5502',
        publishedAt: '2026-11-29T22:10:00.000Z',
      }),
    ]);
    const rdf = await rssConnector.fetch({
      source: source(`${server.url}/rdf`),
      cursor: {},
      http,
      logger,
      now: NOW,
    });
    expect(rdf.items).toEqual([
      expect.objectContaining({
        sourceId: 'https://arsip.example.id/a/9001',
        publishedAt: '2026-11-30T00:00:00.000Z',
      }),
    ]);
  });

  it('decodes a feed in its declared non-UTF-8 encoding', async () => {
    server.answer(() => ({ headers: { 'content-type': 'text/xml' }, body: fixture('portal-latin1.xml') }));
    const result = await fetchOnce();
    expect(result.items[0]!.text).toBe('Café di Menteng Tutup, Pemilik: «Kami Bangkrut»');
  });

  it('an empty feed gives nothing and keeps going', async () => {
    server.answer(() => ({
      body: '<?xml version="1.0"?><rss version="2.0"><channel><title>Kosong</title></channel></rss>',
    }));
    const result = await fetchOnce();
    expect(result).toMatchObject({ items: [], skipped: [] });
  });

  it('429 with Retry-After and 5xx become retriable errors carrying the wait', async () => {
    server.answer(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    const limited = await fetchOnce().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(SourceError);
    expect(limited).toMatchObject({
      code: 'SOURCE_RATE_LIMITED',
      retriable: true,
      info: { status: 429, retryAfterMs: 120_000 },
    });

    server.answer(() => ({ status: 503, body: 'maintenance' }));
    await expect(fetchOnce()).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      retriable: true,
      info: { status: 503 },
    });
    server.answer(() => ({ status: 404 }));
    await expect(fetchOnce()).rejects.toMatchObject({ code: 'SOURCE_REJECTED', retriable: false });
  });

  it('refuses what is not a feed, oversized answers and private addresses', async () => {
    server.answer(() => ({
      headers: { 'content-type': 'text/html' },
      body: '<html><body>Halaman tidak ditemukan</body></html>',
    }));
    await expect(fetchOnce()).rejects.toMatchObject({ code: 'SOURCE_MALFORMED' });

    server.answer(() => ({ body: Buffer.alloc(100 * 1024, 'a') }));
    await expect(fetchOnce()).rejects.toMatchObject({ code: 'SOURCE_TOO_LARGE' });

    const strict = createHttpClient({ timeoutMs: 2_000 });
    await expect(
      rssConnector.fetch({ source: source(`${server.url}/rss`), cursor: {}, http: strict, logger, now: NOW }),
    ).rejects.toMatchObject({ code: 'SOURCE_TARGET_FORBIDDEN' });
    // A public name that resolves to a private address is refused too.
    const rebinding = createHttpClient({ resolve: async () => ['169.254.169.254'] });
    await expect(rebinding.get('http://metadata.example.id/latest')).rejects.toMatchObject({
      code: 'SOURCE_TARGET_FORBIDDEN',
    });
  });

  it('re-checks the address at connect time: a name that turns private after the check is refused', async () => {
    server.answer(() => ({ body: fixture('portal-rdf.xml') }));
    // The check sees a public address; the connection would go to 127.0.0.1 (DNS rebinding).
    const rebound = createHttpClient({ resolve: async () => ['93.184.216.34'], timeoutMs: 2_000 });
    const port = new URL(server.url).port;
    const before = server.requests.length;
    await expect(rebound.get(`http://localhost:${port}/rss`)).rejects.toMatchObject({
      code: 'SOURCE_TARGET_FORBIDDEN',
      message: expect.stringContaining('resolves to a private or reserved address'),
    });
    expect(server.requests.length).toBe(before);
  });

  it('gives up on a server that does not answer within the time limit', async () => {
    const silent = createNetServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const impatient = createHttpClient({ allowPrivate: true, timeoutMs: 300 });
    try {
      await expect(impatient.get(`http://127.0.0.1:${port}/rss`)).rejects.toMatchObject({
        code: 'SOURCE_UNAVAILABLE',
        message: expect.stringContaining('no answer within 300 ms'),
      });
    } finally {
      silent.close();
    }
  });

  it('checks every redirect hop: a feed cannot send Pantau to another scheme', async () => {
    server.answer((p) =>
      p === '/rss' ? { status: 301, headers: { location: 'file:///etc/passwd' } } : { status: 404 },
    );
    await expect(fetchOnce()).rejects.toMatchObject({ code: 'SOURCE_TARGET_FORBIDDEN' });
    server.answer((p) =>
      p === '/rss' ? { status: 302, headers: { location: '/moved' } } : { body: fixture('portal-rdf.xml') },
    );
    expect((await fetchOnce()).items).toHaveLength(1);
  });
});
