import { createMemoryBus, type MemoryBus, type Producer } from '@pantau/bus';
import { PantauError, type RawPost } from '@pantau/core';
import { closeRedis, connectRedis, createKeyValue, type RedisConnection } from '@pantau/queue';
import { requireServers, servers, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import {
  CONNECTORS,
  SourceMetrics,
  SourceState,
  createHttpClient,
  createPoller,
  type PollerDeps,
  type SourceDoc,
} from '../src';
import { fixture, startFakeServer, type FakeServer } from './support';

const logger = testLogger('poller-test');
const TOPIC = 'posts.raw';

function rss(id: string, url: string, extra: Partial<SourceDoc> = {}): SourceDoc {
  return {
    id,
    kind: 'rss',
    name: id,
    config: { url },
    intervalSeconds: 60,
    paused: false,
    createdAt: '2026-11-30T00:00:00Z',
    updatedAt: '2026-11-30T00:00:00Z',
    ...extra,
  };
}

describe('poller (real Redis; posts onto a bus)', () => {
  let server: FakeServer;
  let redis: RedisConnection;
  let state: SourceState;
  let bus: MemoryBus;
  let clock: number;
  const metrics = new SourceMetrics();

  const poller = (overrides: Partial<PollerDeps> = {}) =>
    createPoller({
      connectors: CONNECTORS,
      state,
      http: createHttpClient({ allowPrivate: true, timeoutMs: 2_000 }),
      producer: bus.producer(),
      topic: TOPIC,
      credential: (name) => (name === 'MASTODON_TOKEN_SET' ? 'tok-123' : undefined),
      logger,
      metrics,
      now: () => clock,
      policy: { failingAfter: 3, backoffBaseMs: 1_000, backoffMaxMs: 8_000, failingRetryMs: 60_000 },
      ...overrides,
    });
  const published = () => bus.read(TOPIC).map((m) => JSON.parse(m.value.toString('utf8')) as RawPost);

  beforeAll(async () => {
    await requireServers('redis');
    server = await startFakeServer();
    redis = connectRedis(servers.redisUrl, logger, 'test');
    state = new SourceState(createKeyValue(redis), uniqueName('srcstate'));
  });
  afterAll(async () => {
    await server.close();
    await closeRedis(redis);
  });
  beforeEach(() => {
    bus = createMemoryBus({ logger });
    clock = Date.parse('2026-11-30T08:00:00Z');
  });

  it('publishes items with source, sourceKind, url, date; counts them; a second poll sends the validators', async () => {
    const src = rss(uniqueName('warta'), `${server.url}/rss`);
    server.answer((_p, h) =>
      h['if-none-match'] === '"v1"'
        ? { status: 304 }
        : { headers: { etag: '"v1"' }, body: fixture('portal-rss.xml') },
    );
    const p = poller();
    expect(await p.poll(src)).toEqual({
      status: 'polled',
      items: 4,
      factChecks: 0,
      skipped: 2,
      notModified: false,
    });
    const posts = published();
    expect(posts).toHaveLength(4);
    for (const post of posts) expect(post).toMatchObject({ source: src.id, sourceKind: 'rss', v: 1 });
    expect(posts.find((p) => p.sourceId === 'warta-771201')).toMatchObject({
      publishedAt: '2026-11-30T07:05:00.000Z',
      url: 'https://warta.example.id/ekonomi/2026/11/30/harga-beras-naik',
    });
    expect(bus.read(TOPIC).map((m) => m.key)).toContain(`${src.id}:warta-771201`);

    clock += 60_000;
    expect(await p.poll(src)).toMatchObject({ status: 'polled', items: 0, notModified: true });
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');
    expect(published()).toHaveLength(4);

    const health = await state.health(src, clock, 3);
    expect(health).toMatchObject({ status: 'ok', itemsTotal: 4, itemsLastHour: 4, lastError: null });
    // Newest item: the undated one, stamped with the fetch time (08:00Z); now 08:01Z.
    expect(health.lagSeconds).toBe(60);
    expect(metrics.snapshot()[src.id]).toMatchObject({ polls: 2, items: 4, notModified: 1, skipped: 2 });
  });

  it('moves the cursor only after the bus acknowledged: a failed send re-reads the same items', async () => {
    const src = rss(uniqueName('ack'), `${server.url}/rss`);
    server.answer(() => ({ headers: { etag: '"a1"' }, body: fixture('portal-rdf.xml') }));
    const broken: Producer = {
      send: async () => {
        throw new PantauError('BUS_UNAVAILABLE', 'kafka did not acknowledge within 4000 ms');
      },
    };
    expect(await poller({ producer: broken }).poll(src)).toMatchObject({
      status: 'failed',
      code: 'BUS_UNAVAILABLE',
    });
    expect(await state.cursor(src.id)).toEqual({});
    clock += 10_000; // past the 1 s backoff
    expect(await poller().poll(src)).toMatchObject({ status: 'polled', items: 1 });
    expect(server.requests.at(-1)!.headers['if-none-match']).toBeUndefined();
    expect(await state.cursor(src.id)).toMatchObject({ etag: '"a1"' });
  });

  it('5xx: backoff with growing waits, failing after N in a row, back to ok on success', async () => {
    const src = rss(uniqueName('down'), `${server.url}/rss`);
    server.answer(() => ({ status: 500, body: 'Internal Server Error' }));
    const p = poller();
    expect(await p.poll(src)).toMatchObject({ status: 'failed', code: 'SOURCE_UNAVAILABLE' });
    let record = await state.record(src.id);
    expect(Date.parse(record.nextAttemptAt!) - clock).toBe(1_000);
    expect(await state.health(src, clock, 3)).toMatchObject({
      status: 'backoff',
      lastError: { code: 'SOURCE_UNAVAILABLE', message: expect.stringContaining('answered 500') },
    });
    // A scheduled poll during the backoff does not touch the server.
    const before = server.requests.length;
    expect(await p.poll(src)).toEqual({ status: 'waiting' });
    expect(server.requests.length).toBe(before);

    clock += 1_000;
    await p.poll(src);
    record = await state.record(src.id);
    expect(Date.parse(record.nextAttemptAt!) - clock).toBe(2_000);
    clock += 2_000;
    await p.poll(src);
    expect(await state.health(src, clock, 3)).toMatchObject({ status: 'failing' });
    record = await state.record(src.id);
    expect(Date.parse(record.nextAttemptAt!) - clock).toBe(60_000); // failing: retried slowly

    server.answer(() => ({ body: fixture('portal-rdf.xml') }));
    clock += 60_000;
    expect(await p.poll(src)).toMatchObject({ status: 'polled', items: 1 });
    expect(await state.health(src, clock, 3)).toMatchObject({ status: 'ok', lastError: null });
  });

  it('honours Retry-After on 429, even for a manual poll', async () => {
    const src = rss(uniqueName('limited'), `${server.url}/rss`);
    server.answer(() => ({ status: 429, headers: { 'retry-after': '30' } }));
    const p = poller();
    expect(await p.poll(src)).toMatchObject({ status: 'failed', code: 'SOURCE_RATE_LIMITED' });
    const record = await state.record(src.id);
    expect(Date.parse(record.nextAttemptAt!) - clock).toBe(30_000);
    clock += 10_000;
    expect(await p.poll(src, { force: true })).toEqual({ status: 'waiting' });
    server.answer(() => ({ body: fixture('portal-rdf.xml') }));
    clock += 20_000;
    expect(await p.poll(src)).toMatchObject({ status: 'polled', items: 1 });
  });

  it('a manual poll skips exponential backoff (not Retry-After)', async () => {
    const src = rss(uniqueName('manual'), `${server.url}/rss`);
    server.answer(() => ({ status: 502 }));
    const p = poller();
    await p.poll(src);
    server.answer(() => ({ body: fixture('portal-rdf.xml') }));
    expect(await p.poll(src)).toEqual({ status: 'waiting' });
    expect(await p.poll(src, { force: true })).toMatchObject({ status: 'polled', items: 1 });
  });

  it('missing credentials fail that source only, with a clear error; the others run', async () => {
    const mastodon: SourceDoc = {
      ...rss(uniqueName('masto'), ''),
      kind: 'mastodon',
      config: { baseUrl: server.url, hashtag: 'hoaks' },
      credentialsEnv: 'MASTODON_TOKEN_UNSET',
    };
    const news = rss(uniqueName('news'), `${server.url}/rss`);
    server.answer(() => ({ body: fixture('portal-rdf.xml') }));
    const p = poller();
    const [a, b] = await Promise.all([p.poll(mastodon), p.poll(news)]);
    expect(a).toMatchObject({
      status: 'failed',
      code: 'SOURCE_NO_CREDENTIALS',
      message: expect.stringContaining('MASTODON_TOKEN_UNSET'),
    });
    expect(b).toMatchObject({ status: 'polled', items: 1 });
    // It cannot fix itself: failing at once, retried slowly.
    expect(await state.health(mastodon, clock, 3)).toMatchObject({ status: 'failing' });
    expect(server.requests.some((r) => r.path.includes('/api/v1/'))).toBe(false);
  });

  it('never polls one source twice at once', async () => {
    const src = rss(uniqueName('once'), `${server.url}/slow`);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const slowHttp = {
      get: async (url: string) => {
        calls += 1;
        await gate;
        return createHttpClient({ allowPrivate: true }).get(url.replace('/slow', '/rss'));
      },
    };
    server.answer(() => ({ body: fixture('portal-rdf.xml') }));
    const a = poller({ http: slowHttp }).poll(src);
    // The first poll holds the source once it is fetching (not after a fixed 50 ms: slow under load).
    await waitFor(() => calls === 1, { timeoutMs: 5_000, intervalMs: 10, what: 'the first poll fetching' });
    const b = await poller({ http: slowHttp }).poll(src);
    expect(b).toEqual({ status: 'busy' });
    release();
    expect(await a).toMatchObject({ status: 'polled', items: 1 });
    expect(calls).toBe(1);
  });

  it('the tipline thanks senders only after Kafka has their reports', async () => {
    const tipline: SourceDoc = {
      ...rss(uniqueName('tipline'), ''),
      kind: 'tipline',
      config: { baseUrl: server.url },
      credentialsEnv: 'MASTODON_TOKEN_SET',
    };
    server.answer((p) =>
      p.includes('/getUpdates')
        ? {
            body: JSON.stringify({
              ok: true,
              result: [
                {
                  update_id: 1,
                  message: {
                    message_id: 5,
                    date: 1796025600,
                    chat: { id: 42, type: 'private' },
                    text: 'Ini hoaks bukan?',
                  },
                },
              ],
            }),
          }
        : { body: '{"ok":true,"result":{}}' },
    );
    const broken: Producer = {
      send: async () => {
        throw new PantauError('BUS_UNAVAILABLE', 'no ack');
      },
    };
    await poller({ producer: broken }).poll(tipline);
    expect(server.requests.filter((r) => r.path.includes('/sendMessage'))).toHaveLength(0);
    clock += 10_000;
    expect(await poller().poll(tipline)).toMatchObject({ status: 'polled', items: 1 });
    expect(server.requests.filter((r) => r.path.includes('/sendMessage'))).toHaveLength(1);
    expect(published()[0]).toMatchObject({
      source: tipline.id,
      sourceKind: 'tipline',
      text: 'Ini hoaks bukan?',
    });
  });

  it('a paused source is not polled', async () => {
    expect(await poller().poll(rss(uniqueName('paused'), `${server.url}/rss`, { paused: true }))).toEqual({
      status: 'paused',
    });
  });
});
