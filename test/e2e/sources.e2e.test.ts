import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { topicNames } from '@pantau/core';
import { createKafkaBus } from '@pantau/bus';
import { obliterateQueue } from '@pantau/queue';
import { createSearchClient, dropIndices } from '@pantau/store';
import { requireServers, servers, sleep, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import {
  randomPort,
  apiCaller,
  stackEnv,
  startService,
  stopService,
  tail,
  type ServiceProcess,
  waitForStack,
} from '../support/processes';

/**
 * Sources as an operator uses them, on real Kafka/OpenSearch/Redis with every service a process:
 * create an rss source pointing at a local server serving a portal's feed, poll it through the API,
 * read its posts back; an unchanged feed is asked conditionally and brings nothing new; a broken
 * server shows in the source's health; a fact-check feed is matched to a later post restating it;
 * ingest SIGKILLed mid-poll and restarted loses and duplicates nothing.
 */
jest.setTimeout(300_000);

const ADMIN_KEY = 'pk_admin_e2e_sources_0123456789';
const fixtures = path.join(__dirname, '..', '..', 'packages', 'sources', 'test', 'fixtures');

/** A big feed: 150 items, newest first, for the crash test. */
function bigFeed(): string {
  const items = Array.from({ length: 150 }, (_, i) => {
    const n = 150 - i;
    const minute = String(n % 60).padStart(2, '0');
    return `<item><title>Laporan warga #${n}: jalan rusak di Kecamatan ${n}</title><guid>lapor-${n}</guid><pubDate>Mon, 30 Nov 2026 0${Math.floor(n / 60)}:${minute}:00 +0700</pubDate><description>Warga melaporkan jalan berlubang nomor ${n}.</description></item>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Lapor</title><link>https://lapor.example.id/</link>${items}</channel></rss>`;
}

describe('sources through the API (every service as a process, real servers)', () => {
  const prefix = uniqueName('e2esrc');
  const env = {
    ...stackEnv(prefix, servers, ADMIN_KEY),
    ALLOW_PRIVATE_SOURCES: 'true',
  };
  const ingestEnv = {
    ...env,
    SOURCE_FAILING_AFTER: '2',
    SOURCE_BACKOFF_BASE_MS: '60000',
    SOURCE_TIMEOUT_MS: '3000',
  };
  const procs: ServiceProcess[] = [];
  let ingest: ServiceProcess;
  let api = '';
  let feeds: Server;
  let feedUrl = '';
  const requests: { path: string; headers: IncomingHttpHeaders }[] = [];
  let bigFeedDelayMs = 0;

  const call = apiCaller(() => api);

  beforeAll(async () => {
    await requireServers('kafka', 'opensearch', 'redis');
    const rss = readFileSync(path.join(fixtures, 'portal-rss.xml'));
    const factchecks = readFileSync(path.join(fixtures, 'factcheck-feed.xml'));
    const big = bigFeed();
    feeds = createServer((req, res) => {
      requests.push({ path: req.url ?? '/', headers: req.headers });
      if (req.url === '/warta/rss') {
        if (req.headers['if-none-match'] === '"warta-1"') return res.writeHead(304).end();
        return res
          .writeHead(200, {
            'content-type': 'application/rss+xml; charset=utf-8',
            etag: '"warta-1"',
            'last-modified': 'Mon, 30 Nov 2026 07:10:00 GMT',
          })
          .end(rss);
      }
      if (req.url === '/cekfakta/feed/')
        return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(factchecks);
      if (req.url === '/lapor/rss') {
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(big);
        }, bigFeedDelayMs);
        return;
      }
      res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>500 Internal Server Error</h1>');
    });
    await new Promise<void>((r) => feeds.listen(0, '127.0.0.1', r));
    feedUrl = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;

    const port = randomPort();
    api = `http://127.0.0.1:${port}`;
    procs.push(startService('api', { ...env, PORT: String(port), SOURCE_FAILING_AFTER: '2' }));
    procs.push(startService('scorer', { ...env, FACTCHECK_REFRESH_MS: '1000' }));
    ingest = startService('ingest', ingestEnv);
    procs.push(ingest);
    await waitForStack(api, procs);
  });

  afterAll(async () => {
    const codes = await Promise.all(procs.map((p) => stopService(p)));
    const bus = createKafkaBus({
      brokers: servers.kafkaBrokers,
      clientId: 'e2e-src',
      logger: testLogger('e2e'),
    });
    await bus.deleteTopics(Object.values(topicNames(env.TOPIC_PREFIX))).catch(() => undefined);
    await bus.close();
    await obliterateQueue(servers.redisUrl, prefix, 'sources').catch(() => undefined);
    feeds?.close();
    const search = createSearchClient(servers.opensearchUrl);
    await dropIndices(search, env.INDEX_PREFIX);
    await search.close();
    expect(codes.filter((c) => c !== 0 && c !== null)).toEqual([]);
  });

  let agencyKey = '';
  let wartaId = '';

  it('only the operator manages sources; agency admins read them; credentials are only named', async () => {
    const agency = await call('POST', '/v1/agencies', ADMIN_KEY, { name: 'Kominfo Jabar' });
    agencyKey = agency.body.apiKey;
    const bad = await call('POST', '/v1/sources', ADMIN_KEY, {
      kind: 'rss',
      name: 'Warta',
      config: { url: `${feedUrl}/warta/rss`, apiToken: 'rahasia' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION');
    const unknownKind = await call('POST', '/v1/sources', ADMIN_KEY, {
      kind: 'friendster',
      name: 'x',
      config: {},
    });
    expect(unknownKind.status).toBe(400);
    // A misspelt region would route the outlet's posts nowhere: refused with the reason.
    const badRegion = await call('POST', '/v1/sources', ADMIN_KEY, {
      kind: 'rss',
      name: 'Warta',
      config: { url: `${feedUrl}/warta/rss` },
      region: 'jawa-barat',
    });
    expect(badRegion.status).toBe(400);
    expect(JSON.stringify(badRegion.body.error)).toContain(
      "region 'jawa-barat' is not a province or city id",
    );
    expect(
      (await call('POST', '/v1/sources', agencyKey, { kind: 'rss', name: 'x', config: {} })).status,
    ).toBe(403);

    const created = await call('POST', '/v1/sources', ADMIN_KEY, {
      kind: 'rss',
      name: 'Warta Nusantara',
      config: { url: `${feedUrl}/warta/rss` },
      intervalSeconds: 3600,
      // A West Java outlet: its posts count for Jawa Barat whether or not they name it.
      region: 'jabar',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^[a-z0-9][a-z0-9._-]*$/),
      kind: 'rss',
      region: 'jabar',
      status: 'ok',
      itemsTotal: 0,
      lastPollAt: null,
      lastError: null,
    });
    wartaId = created.body.id;
    const read = await call('GET', `/v1/sources/${wartaId}`, agencyKey);
    expect(read.status).toBe(200);
    expect(
      (await call('GET', '/v1/sources', agencyKey)).body.items.map((s: { id: string }) => s.id),
    ).toContain(wartaId);
    expect((await call('PATCH', `/v1/sources/${wartaId}`, agencyKey, { paused: true })).status).toBe(403);
  });

  it('polls on request: items appear under GET /v1/posts?source=<id> with text, link and time', async () => {
    const polled = await call('POST', `/v1/sources/${wartaId}/poll`, ADMIN_KEY);
    expect(polled.status).toBe(202);
    let posts: { total: number; items: Record<string, unknown>[] } = { total: 0, items: [] };
    await waitFor(
      async () => {
        posts = (await call('GET', `/v1/posts?source=${wartaId}&size=50`, agencyKey)).body;
        return posts.total >= 4;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: () => `4 posts of the feed\n${tail(procs)}` },
    );
    expect(posts.total).toBe(4);
    const beras = posts.items.find((p) => String(p.text).startsWith('Harga Beras Naik'))!;
    expect(beras).toMatchObject({
      source: wartaId,
      sourceKind: 'rss',
      url: 'https://warta.example.id/ekonomi/2026/11/30/harga-beras-naik',
      publishedAt: '2026-11-30T07:05:00.000Z',
    });
    expect(beras.text).toContain('Pasar Induk Cipinang naik Rp1.000 per kg. Bapanas & Bulog');
    // Every item carries its source's region, and the scorer counted it among the post's regions.
    for (const p of posts.items) {
      expect(p.region).toBe('jabar');
      expect(p.regions).toEqual(expect.arrayContaining([{ id: 'jabar', name: 'Jawa Barat' }]));
    }
    const inJabar = (await call('GET', `/v1/posts?region=jabar&source=${wartaId}`, agencyKey)).body;
    expect(inJabar.total).toBe(4);
    expect((await call('GET', `/v1/posts?region=jatim&source=${wartaId}`, agencyKey)).body.total).toBe(0);
    const hoaks = posts.items.find((p) => String(p.text).startsWith('Viral Pesan Berantai'))!;
    expect(hoaks.publishedAt).toBe('2026-11-30T06:30:00.000Z'); // 13:30 WIB

    const health = (await call('GET', `/v1/sources/${wartaId}`, agencyKey)).body;
    expect(health).toMatchObject({ status: 'ok', itemsTotal: 4, itemsLastHour: 4, lastError: null });
    expect(Date.parse(health.lastSuccessAt)).toBeGreaterThan(Date.now() - 120_000);
    expect(typeof health.lagSeconds).toBe('number');
  });

  it('a second poll of the unchanged feed is conditional and indexes nothing new', async () => {
    const before = requests.filter((r) => r.path === '/warta/rss').length;
    expect((await call('POST', `/v1/sources/${wartaId}/poll`, ADMIN_KEY)).status).toBe(202);
    await waitFor(() => requests.filter((r) => r.path === '/warta/rss').length > before, {
      timeoutMs: 30_000,
      what: () => `the second poll\n${tail(procs)}`,
    });
    const second = requests.filter((r) => r.path === '/warta/rss').at(-1)!;
    expect(second.headers['if-none-match']).toBe('"warta-1"');
    expect(second.headers['if-modified-since']).toBe('Mon, 30 Nov 2026 07:10:00 GMT');
    await sleep(3_000);
    expect((await call('GET', `/v1/posts?source=${wartaId}`, agencyKey)).body.total).toBe(4);
    expect((await call('GET', `/v1/sources/${wartaId}`, ADMIN_KEY)).body).toMatchObject({
      status: 'ok',
      itemsTotal: 4,
    });
  });

  it('a source whose server answers 500 shows backoff, then failing, with the error', async () => {
    const broken = await call('POST', '/v1/sources', ADMIN_KEY, {
      kind: 'rss',
      name: 'Portal Rusak',
      config: { url: `${feedUrl}/rusak/rss` },
      intervalSeconds: 3600,
    });
    const id = broken.body.id;
    await call('POST', `/v1/sources/${id}/poll`, ADMIN_KEY);
    let health: Record<string, unknown> = {};
    await waitFor(
      async () => {
        health = (await call('GET', `/v1/sources/${id}`, ADMIN_KEY)).body;
        return health.status !== 'ok';
      },
      { timeoutMs: 30_000, what: () => `the broken source's health\n${tail(procs)}` },
    );
    expect(health).toMatchObject({
      status: 'backoff',
      lastError: { code: 'SOURCE_UNAVAILABLE', message: expect.stringContaining('500') },
    });
    await call('POST', `/v1/sources/${id}/poll`, ADMIN_KEY);
    await waitFor(async () => (await call('GET', `/v1/sources/${id}`, ADMIN_KEY)).body.status === 'failing', {
      timeoutMs: 30_000,
      what: () => `the broken source to be failing\n${tail(procs)}`,
    });
    // Pausing and deleting work; the other source is unaffected.
    expect((await call('PATCH', `/v1/sources/${id}`, ADMIN_KEY, { paused: true })).body.status).toBe(
      'paused',
    );
    expect((await call('DELETE', `/v1/sources/${id}`, ADMIN_KEY)).status).toBe(204);
    expect((await call('GET', `/v1/sources/${id}`, ADMIN_KEY)).status).toBe(404);
    expect((await call('GET', `/v1/sources/${wartaId}`, ADMIN_KEY)).body.status).toBe('ok');
  });

  it('a fact-check from a factcheck source is matched to a later post restating it', async () => {
    const fc = await call('POST', '/v1/sources', ADMIN_KEY, {
      kind: 'factcheck',
      name: 'Cek Fakta Nusantara',
      config: { url: `${feedUrl}/cekfakta/feed/` },
      intervalSeconds: 3600,
    });
    expect(fc.status).toBe(201);
    await call('POST', `/v1/sources/${fc.body.id}/poll`, ADMIN_KEY);
    await waitFor(
      async () => (await call('GET', `/v1/sources/${fc.body.id}`, ADMIN_KEY)).body.itemsTotal === 4,
      {
        timeoutMs: 30_000,
        what: () => `fact-checks indexed\n${tail(procs)}`,
      },
    );
    // The scorer loads new fact-checks every second here (FACTCHECK_REFRESH_MS).
    await sleep(3_000);
    const pushed = await call('POST', '/v1/ingest/posts', agencyKey, {
      source: 'wa-forward',
      sourceId: 'fwd-7781',
      text: 'Hati2 guys!! vaksin booster mengandung microchip pelacak warga, sebarkan pesan berantai ini!!',
      publishedAt: new Date().toISOString(),
    });
    expect(pushed.status).toBe(202);
    const search = createSearchClient(servers.opensearchUrl);
    try {
      let matches: { factCheckId: string; title: string }[] = [];
      await waitFor(
        async () => {
          const res = await search.search({
            index: `${env.INDEX_PREFIX}posts`,
            body: { query: { term: { sourceId: 'fwd-7781' } } } as never,
          });
          const hit = res.body.hits.hits[0]?._source as { claimMatches?: typeof matches } | undefined;
          matches = hit?.claimMatches ?? [];
          return hit !== undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, what: () => `the restating post\n${tail(procs)}` },
      );
      expect(matches).toEqual([
        expect.objectContaining({
          factCheckId: expect.stringMatching(new RegExp(`^fc-${fc.body.id}-`)),
          title: 'Pesan Berantai Vaksin Booster Mengandung Microchip Pelacak',
        }),
      ]);
    } finally {
      await search.close();
    }
  });

  it('ingest SIGKILLed mid-poll and restarted: every item indexed exactly once', async () => {
    bigFeedDelayMs = 1_500;
    const lapor = await call('POST', '/v1/sources', ADMIN_KEY, {
      kind: 'rss',
      name: 'Lapor Warga',
      config: { url: `${feedUrl}/lapor/rss` },
      intervalSeconds: 3600,
    });
    const id = lapor.body.id;
    await call('POST', `/v1/sources/${id}/poll`, ADMIN_KEY);
    await waitFor(() => requests.some((r) => r.path === '/lapor/rss'), {
      timeoutMs: 30_000,
      what: 'the first poll',
    });
    ingest.child.kill('SIGKILL');
    expect(await ingest.exited).toBeNull();
    bigFeedDelayMs = 0;
    ingest = startService('ingest', ingestEnv);
    procs.splice(2, 1, ingest);
    await waitFor(() => ingest.output.some((l) => l.includes('source workers running')), {
      timeoutMs: 60_000,
      what: () => `ingest to restart\n${tail([ingest])}`,
    });
    // The killed poll's lock expires (6 × SOURCE_TIMEOUT_MS); polls asked meanwhile answer "busy".
    await waitFor(
      async () => {
        await call('POST', `/v1/sources/${id}/poll`, ADMIN_KEY);
        await sleep(2_000);
        return (await call('GET', `/v1/posts?source=${id}&size=1`, ADMIN_KEY)).body.total >= 150;
      },
      { timeoutMs: 90_000, intervalMs: 1_000, what: () => `150 posts after the restart\n${tail([ingest])}` },
    );
    await call('POST', `/v1/sources/${id}/poll`, ADMIN_KEY);
    await sleep(3_000);
    const search = createSearchClient(servers.opensearchUrl);
    try {
      const res = await search.search({
        index: `${env.INDEX_PREFIX}posts`,
        body: {
          size: 0,
          query: { term: { source: id } },
          aggs: { ids: { cardinality: { field: 'sourceId' } } },
        } as never,
      });
      const total = res.body.hits.total as { value: number };
      expect(total.value).toBe(150);
      expect((res.body.aggregations as { ids: { value: number } }).ids.value).toBe(150);
    } finally {
      await search.close();
    }
    const health = (await call('GET', `/v1/sources/${id}`, ADMIN_KEY)).body;
    expect(health).toMatchObject({ status: 'ok', itemsTotal: 150 });
  });
});
