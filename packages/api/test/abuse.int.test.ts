import { createKafkaBus, type Bus } from '@pantau/bus';
import { ERROR_CODES, topicNames, type ErrorCode, type Topics } from '@pantau/core';
import { Health } from '@pantau/runtime';
import { createSearchClient, dropIndices, installIndices, type SearchClient } from '@pantau/store';
import { requireServers, servers, uniqueName } from '@pantau/testkit';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { buildApp } from '../src';

/**
 * Abuse (issue 12): whatever a client sends — bodies over the limit, deeply nested JSON, invalid
 * UTF-8, huge strings, unknown fields, wrong types — every route answers with the error envelope and
 * never a server error (5xx other than the retriable 503s). Property-based with fast-check, on the
 * real app with real servers behind it. The API's own log of the whole run must not hold a secret.
 */
jest.setTimeout(180_000);

const ADMIN_KEY = 'operator-abuse-key-0123456789abcdef';
const WEBHOOK_SECRET = 'rahasia-webhook-abuse-9876543210';

const ROUTES: { method: 'GET' | 'POST' | 'DELETE'; url: string }[] = [
  { method: 'GET', url: '/healthz' },
  { method: 'GET', url: '/readyz' },
  { method: 'POST', url: '/v1/agencies' },
  { method: 'GET', url: '/v1/alerts' },
  { method: 'POST', url: '/v1/ingest/posts' },
  { method: 'GET', url: '/v1/issues' },
  { method: 'GET', url: '/v1/issues/:id' },
  { method: 'GET', url: '/v1/posts' },
  { method: 'GET', url: '/v1/subscriptions' },
  { method: 'POST', url: '/v1/subscriptions' },
  { method: 'DELETE', url: '/v1/subscriptions/:id' },
  { method: 'GET', url: '/v1/watchlists' },
  { method: 'POST', url: '/v1/watchlists' },
  { method: 'GET', url: '/v1/watchlists/:id' },
  { method: 'DELETE', url: '/v1/watchlists/:id' },
];

describe('API under abusive input (fast-check, real servers)', () => {
  let app: FastifyInstance;
  let search: SearchClient;
  let bus: Bus;
  let topics: Topics;
  let prefix: string;
  let agencyKey = '';
  const logLines: string[] = [];

  beforeAll(async () => {
    await requireServers('opensearch', 'kafka');
    search = createSearchClient(servers.opensearchUrl);
    prefix = `${uniqueName('abuse')}-`;
    const names = await installIndices(search, { prefix });
    // The app's log is kept in memory at the most verbose level so the secret scan sees everything.
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = pino({ level: 'trace' }, sink);
    bus = createKafkaBus({ brokers: servers.kafkaBrokers, clientId: 'pantau-abuse', logger });
    topics = topicNames(`${uniqueName('abuse')}.`);
    await bus.ensureTopics([{ topic: topics.postsRaw, partitions: 1 }]);
    app = buildApp({
      config: { PANTAU_ADMIN_KEY: ADMIN_KEY, ALLOW_PRIVATE_WEBHOOKS: true, INGEST_BODY_LIMIT: 256 * 1024 },
      logger,
      search,
      names,
      producer: bus.producer(),
      topics,
      health: new Health(2_000).register('kafka', () => bus.ping()),
    });
    await app.ready();
    const agency = await app.inject({
      method: 'POST',
      url: '/v1/agencies',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      payload: { name: 'Dinas Uji Penyalahgunaan' },
    });
    expect(agency.statusCode).toBe(201);
    agencyKey = agency.json<{ apiKey: string }>().apiKey;
    const sub = await app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      headers: { authorization: `Bearer ${agencyKey}` },
      payload: { channel: 'webhook', url: 'http://127.0.0.1:9/hook', secret: WEBHOOK_SECRET },
    });
    expect(sub.statusCode).toBe(201);
  });

  afterAll(async () => {
    await app?.close();
    await bus?.deleteTopics([topics.postsRaw]).catch(() => undefined);
    await bus?.close();
    await dropIndices(search, prefix);
    await search?.close();
  });

  /** A server error is a failure unless it is a catalogue code the client is told to retry. */
  const expectNoServerError = (res: LightMyRequestResponse, what: string) => {
    let body: { error?: { code?: string; message?: unknown } } | undefined;
    try {
      body = res.json();
    } catch {
      body = undefined;
    }
    const code = body?.error?.code as ErrorCode | undefined;
    const retriable503 = res.statusCode === 503 && code !== undefined && ERROR_CODES[code]?.retriable;
    if (res.statusCode >= 500 && !retriable503)
      throw new Error(`${what} → ${res.statusCode} ${res.body.slice(0, 300)}`);
    if (res.statusCode >= 400) {
      // Every error has the stable envelope with a catalogue code.
      if (!code || !(code in ERROR_CODES) || typeof body?.error?.message !== 'string')
        throw new Error(`${what} → ${res.statusCode} without the error envelope: ${res.body.slice(0, 300)}`);
    }
  };

  const keyArb = fc.constantFrom<'admin' | 'agency' | 'none' | 'junk'>('admin', 'agency', 'none', 'junk');
  const authOf = (k: 'admin' | 'agency' | 'none' | 'junk'): Record<string, string> =>
    k === 'none'
      ? {}
      : { authorization: `Bearer ${k === 'admin' ? ADMIN_KEY : k === 'agency' ? agencyKey : 'pk_x'}` };
  const idArb = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ minLength: 500, maxLength: 700 }),
    fc.constant('%00'),
  );
  const urlOf = (url: string, id: string) => url.replace(':id', encodeURIComponent(id) || 'x');

  it('answers arbitrary JSON bodies and query strings on every route without a server error', async () => {
    // Unknown fields and wrong types: any JSON value, plus records shaped like the real ones.
    const postLike = fc.record(
      {
        source: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        sourceId: fc.oneof(fc.string(), fc.double(), fc.array(fc.string())),
        text: fc.oneof(fc.string(), fc.string({ minLength: 5_000, maxLength: 20_000 }), fc.boolean()),
        publishedAt: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
          fc.integer(),
        ),
        author: fc.oneof(fc.record({ handle: fc.string() }), fc.string(), fc.constant(null)),
        name: fc.oneof(fc.string(), fc.integer()),
        query: fc.oneof(fc.string(), fc.constant('(((((('), fc.constant('a AND OR NOT')),
        channel: fc.oneof(fc.constant('webhook'), fc.string()),
        url: fc.oneof(fc.webUrl(), fc.string(), fc.constant('http://169.254.169.254/')),
        secret: fc.string(),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    const bodyArb = fc.oneof(fc.jsonValue({ maxDepth: 4 }), postLike, fc.array(postLike, { maxLength: 5 }));
    const queryArb = fc.dictionary(
      fc.constantFrom('q', 'size', 'from', 'status', 'since', 'until', 'sort', 'x'),
      fc.oneof(fc.string(), fc.integer().map(String), fc.constant('-1'), fc.constant('1e309')),
      { maxKeys: 3 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        keyArb,
        idArb,
        bodyArb,
        queryArb,
        async (route, key, id, body, query) => {
          const opts: InjectOptions = {
            method: route.method,
            url: urlOf(route.url, id),
            query,
            headers: authOf(key),
            ...(route.method === 'POST'
              ? {
                  payload: JSON.stringify(body),
                  headers: { ...authOf(key), 'content-type': 'application/json' },
                }
              : {}),
          };
          const res = await app.inject(opts);
          expectNoServerError(res, `${route.method} ${opts.url as string}`);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('answers raw bytes — invalid UTF-8, truncated JSON, wrong content types — without a server error', async () => {
    const bytesArb = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      fc.constant(
        Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      ),
      fc.string().map((s) => Buffer.from(`{"text": "${s}`)),
    );
    const typeArb = fc.constantFrom(
      'application/json',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES.filter((r) => r.method === 'POST')),
        keyArb,
        bytesArb,
        typeArb,
        async (route, key, payload, type) => {
          const res = await app.inject({
            method: 'POST',
            url: route.url,
            payload,
            headers: { ...authOf(key), 'content-type': type },
          });
          expectNoServerError(res, `POST ${route.url} (${type}, ${payload.length} bytes)`);
          // None of these is a valid post: refused, or 202 with every item rejected.
          if (res.statusCode === 202) expect(res.json().accepted).toBe(0);
          else expect(res.statusCode).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses bodies over the limit, deep nesting and huge strings with 4xx', async () => {
    const headers = { authorization: `Bearer ${agencyKey}`, 'content-type': 'application/json' };
    const over = await app.inject({
      method: 'POST',
      url: '/v1/ingest/posts',
      headers,
      payload: JSON.stringify([{ source: 's', sourceId: '1', text: 'x'.repeat(300 * 1024) }]),
    });
    expect(over.statusCode).toBe(413);
    expect(over.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const overOther = await app.inject({
      method: 'POST',
      url: '/v1/watchlists',
      headers,
      payload: JSON.stringify({ name: 'x', query: 'a', pad: 'y'.repeat(1_100_000) }),
    });
    expect(overOther.statusCode).toBe(413);

    for (const depth of [1_000, 50_000]) {
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const nestedObj = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      for (const [url, payload] of [
        ['/v1/ingest/posts', nested],
        ['/v1/ingest/posts', nestedObj],
        ['/v1/watchlists', nestedObj],
        ['/v1/agencies', nested],
      ] as const) {
        const res = await app.inject({ method: 'POST', url, headers, payload });
        expectNoServerError(res, `POST ${url} nested ${depth}`);
        if (res.statusCode === 202) expect(res.json().accepted).toBe(0);
        else expect(res.statusCode).toBeGreaterThanOrEqual(400);
      }
    }

    const hugeQuery = await app.inject({
      method: 'GET',
      url: `/v1/posts?q=${encodeURIComponent('vaksin OR '.repeat(5_000))}`,
      headers: { authorization: `Bearer ${agencyKey}` },
    });
    expectNoServerError(hugeQuery, 'GET /v1/posts with a 50 kB query');
    const hugeWatchlist = await app.inject({
      method: 'POST',
      url: '/v1/watchlists',
      headers,
      payload: JSON.stringify({
        name: 'n'.repeat(100_000),
        query: `${'('.repeat(20_000)}a${')'.repeat(20_000)}`,
      }),
    });
    expectNoServerError(hugeWatchlist, 'POST /v1/watchlists with huge strings');
    expect(hugeWatchlist.statusCode).toBeGreaterThanOrEqual(400);
    // Still up and answering.
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('never writes a secret (operator key, agency key, webhook secret) to its log', () => {
    const log = logLines.join('');
    expect(log.length).toBeGreaterThan(10_000); // the scan really read the run's log
    for (const secret of [ADMIN_KEY, agencyKey, WEBHOOK_SECRET]) expect(log).not.toContain(secret);
  });
});
