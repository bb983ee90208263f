import {
  createAlertStore,
  createDeliveryQueue,
  obliterateDeliveryQueue,
  type AlertDoc,
  type DeliveryQueue,
} from '@pantau/alerts';
import { createKafkaBus, type Bus, type Consumer } from '@pantau/bus';
import { sha256Hex, topicNames, type RawPost, type Topics } from '@pantau/core';
import { Health } from '@pantau/runtime';
import {
  bulkIndex,
  createSearchClient,
  dropIndices,
  installIndices,
  putIssue,
  type IndexNames,
  type IssueDoc,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src';

const ADMIN_KEY = 'operator-key-0123456789abcdef';
const logger = testLogger('api-test');

describe('HTTP API (real OpenSearch + Kafka + Redis)', () => {
  let client: SearchClient;
  let names: IndexNames;
  let prefix: string;
  let bus: Bus;
  let topics: Topics;
  let queuePrefix: string;
  let queue: DeliveryQueue;
  let app: FastifyInstance;
  let consumer: Consumer;
  const rawSeen: RawPost[] = [];
  let agencyA: { id: string; name: string; apiKey: string };
  let agencyB: { id: string; name: string; apiKey: string };

  const call = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    key?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method,
      url,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      ...(body === undefined
        ? {}
        : typeof body === 'string'
          ? {
              payload: body,
              headers: {
                'content-type': 'application/json',
                ...(key ? { authorization: `Bearer ${key}` } : {}),
              },
            }
          : { payload: body as object }),
    });
  const json = <T = Record<string, unknown>>(res: LightMyRequestResponse) => res.json<T>();
  const expectError = (res: LightMyRequestResponse, status: number, code: string) => {
    expect({ status: res.statusCode, code: json<{ error: { code: string } }>(res).error?.code }).toEqual({
      status,
      code,
    });
    expect(typeof json<{ error: { message: string } }>(res).error.message).toBe('string');
  };

  beforeAll(async () => {
    await requireServers('opensearch', 'kafka', 'redis');
    client = createSearchClient(servers.opensearchUrl);
    prefix = `${uniqueName('api')}-`;
    names = await installIndices(client, { prefix });
    bus = createKafkaBus({ brokers: servers.kafkaBrokers, clientId: 'pantau-api-test', logger });
    topics = topicNames(`${uniqueName('api')}.`);
    await bus.ensureTopics([
      { topic: topics.postsRaw, partitions: 2 },
      { topic: topics.dlq, partitions: 1 },
    ]);
    queuePrefix = uniqueName('apiq');
    queue = createDeliveryQueue({ redisUrl: servers.redisUrl, prefix: queuePrefix, logger });
    const health = new Health(3_000)
      .register('kafka', () => bus.ping())
      .register('opensearch', async () => {
        await client.ping();
      })
      .register('redis', () => queue.ping());
    app = buildApp({
      config: { PANTAU_ADMIN_KEY: ADMIN_KEY, ALLOW_PRIVATE_WEBHOOKS: true },
      logger,
      search: client,
      names,
      producer: bus.producer(),
      topics,
      health,
    });
    await app.ready();
    consumer = bus.consumer<RawPost>({
      groupId: uniqueName('api-test'),
      topics: [topics.postsRaw],
      decode: (v) => JSON.parse(v.toString('utf8')) as RawPost,
      handleBatch: async (batch) => {
        rawSeen.push(...batch.map((b) => b.value));
      },
      dlqTopic: topics.dlq,
      fromBeginning: true,
    });
    await consumer.start();

    const a = await call('POST', '/v1/agencies', ADMIN_KEY, { name: uniqueName('Kominfo') });
    const b = await call('POST', '/v1/agencies', ADMIN_KEY, { name: uniqueName('Kemenkes') });
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    agencyA = json(a);
    agencyB = json(b);
  });

  afterAll(async () => {
    await app?.close();
    await consumer?.close();
    await bus?.deleteTopics([topics.postsRaw, topics.dlq]).catch(() => undefined);
    await bus?.close();
    await queue?.close();
    await obliterateDeliveryQueue(servers.redisUrl, queuePrefix).catch(() => undefined);
    await dropIndices(client, prefix);
    await client?.close();
  });

  describe('health', () => {
    it('answers /healthz and /readyz when Kafka, OpenSearch and Redis answer', async () => {
      expect((await call('GET', '/healthz')).json()).toEqual({ ok: true });
      const ready = await call('GET', '/readyz');
      expect(ready.statusCode).toBe(200);
      expect(Object.keys(json<{ checks: object }>(ready).checks).sort()).toEqual([
        'kafka',
        'opensearch',
        'redis',
      ]);
    });

    it('answers 503 with the failing check when a dependency does not answer', async () => {
      const unreachable = createSearchClient('http://127.0.0.1:9', 1_000);
      const health = new Health(2_000)
        .register('kafka', () => bus.ping())
        .register('opensearch', async () => {
          await unreachable.ping();
        });
      const other = buildApp({
        config: { PANTAU_ADMIN_KEY: ADMIN_KEY },
        logger,
        search: client,
        names,
        producer: bus.producer(),
        topics,
        health,
      });
      try {
        const res = await other.inject({ method: 'GET', url: '/readyz' });
        expectError(res, 503, 'NOT_READY');
        const body = json<{
          error: { message: string; details: { checks: Record<string, { ok: boolean }> } };
        }>(res);
        expect(body.error.message).toContain('opensearch');
        expect(body.error.details.checks.kafka?.ok).toBe(true);
        expect(body.error.details.checks.opensearch?.ok).toBe(false);
      } finally {
        await other.close();
        await unreachable.close();
      }
    });
  });

  describe('auth', () => {
    it('rejects missing, malformed and unknown keys with 401', async () => {
      expectError(await call('GET', '/v1/posts'), 401, 'UNAUTHORIZED');
      expectError(
        await call('GET', '/v1/posts', undefined, undefined, { authorization: 'Basic abc' }),
        401,
        'UNAUTHORIZED',
      );
      expectError(await call('GET', '/v1/posts', 'pk_not-a-real-key'), 401, 'UNAUTHORIZED');
      expectError(await call('GET', '/v1/watchlists', 'pk_not-a-real-key'), 401, 'UNAUTHORIZED');
    });

    it('forbids agency keys from operator routes and the operator key from agency routes', async () => {
      expectError(await call('POST', '/v1/agencies', agencyA.apiKey, { name: 'Nope' }), 403, 'FORBIDDEN');
      expectError(await call('GET', '/v1/watchlists', ADMIN_KEY), 403, 'FORBIDDEN');
      expectError(
        await call('POST', '/v1/subscriptions', ADMIN_KEY, {
          channel: 'webhook',
          url: 'http://x.test/',
          secret: 'x'.repeat(16),
        }),
        403,
        'FORBIDDEN',
      );
      expectError(await call('GET', '/v1/alerts', ADMIN_KEY), 403, 'FORBIDDEN');
    });

    it('answers unknown routes with the error envelope', async () => {
      expectError(await call('GET', '/v1/nothing-here', ADMIN_KEY), 404, 'NOT_FOUND');
    });
  });

  describe('POST /v1/agencies', () => {
    it('creates an agency whose key is shown once and stored only as a hash', async () => {
      expect(agencyA).toEqual({
        id: expect.stringMatching(/^ag_/),
        name: expect.any(String),
        apiKey: expect.stringMatching(/^pk_/),
        role: 'admin',
      });
      const stored = await client.get({ index: names.of('apikeys'), id: sha256Hex(agencyA.apiKey) });
      expect(stored.body._source).toEqual({
        agencyId: agencyA.id,
        role: 'admin',
        createdAt: expect.any(String),
      });
      const everything = await client.search({
        index: `${prefix}*`,
        body: { size: 1000, query: { match_all: {} } },
      });
      expect(JSON.stringify(everything.body.hits.hits)).not.toContain(agencyA.apiKey);
      const audit = await waitFor(
        async () => {
          await client.indices.refresh({ index: names.of('audit') });
          const res = await client.search({
            index: names.of('audit'),
            body: { query: { term: { target: agencyA.id } } },
          });
          return res.body.hits.hits[0]?._source;
        },
        { what: 'audit entry' },
      );
      expect(audit).toMatchObject({ action: 'agency.create', actor: 'operator', agencyId: agencyA.id });
    });

    it('rejects a duplicate name and bad bodies', async () => {
      expectError(await call('POST', '/v1/agencies', ADMIN_KEY, { name: agencyA.name }), 409, 'CONFLICT');
      expectError(await call('POST', '/v1/agencies', ADMIN_KEY, {}), 400, 'VALIDATION');
      expectError(await call('POST', '/v1/agencies', ADMIN_KEY, { name: '' }), 400, 'VALIDATION');
      expectError(
        await call('POST', '/v1/agencies', ADMIN_KEY, { name: 'X', extra: true }),
        400,
        'VALIDATION',
      );
      expectError(await call('POST', '/v1/agencies', ADMIN_KEY, { name: 42 }), 400, 'VALIDATION');
      expectError(await call('POST', '/v1/agencies', ADMIN_KEY, '{"name": '), 400, 'MALFORMED_JSON');
    });
  });

  describe('agency API keys', () => {
    type KeyList = { keys: { id: string; revokedAt?: string }[] };
    it('lets an agency admin make, list and revoke keys; the secret is shown once; roles hold', async () => {
      const made = await call('POST', '/v1/agencies/me/keys', agencyA.apiKey, {
        role: 'analyst',
        label: 'dashboard Bu Rina (analis medsos)',
      });
      expect(made.statusCode).toBe(201);
      const analyst = json(made) as { id: string; apiKey: string };
      expect(analyst).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{16}$/),
        apiKey: expect.stringMatching(/^pk_/),
        role: 'analyst',
        label: 'dashboard Bu Rina (analis medsos)',
        createdAt: expect.any(String),
      });
      // The analyst key works for reading, not for admin work.
      expect((await call('GET', '/v1/issues', analyst.apiKey)).statusCode).toBe(200);
      expectError(await call('GET', '/v1/agencies/me/keys', analyst.apiKey), 403, 'FORBIDDEN');
      expectError(
        await call('POST', '/v1/agencies/me/keys', analyst.apiKey, { role: 'admin' }),
        403,
        'FORBIDDEN',
      );
      // Listed by id, never with the secret; another agency does not see it.
      const listed = json(await call('GET', '/v1/agencies/me/keys', agencyA.apiKey)) as KeyList;
      expect(listed.keys.map((k: { id: string }) => k.id)).toContain(analyst.id);
      expect(JSON.stringify(listed)).not.toContain(analyst.apiKey);
      const other = json(await call('GET', '/v1/agencies/me/keys', agencyB.apiKey)) as KeyList;
      expect(other.keys.map((k: { id: string }) => k.id)).not.toContain(analyst.id);
      expectError(
        await call('DELETE', `/v1/agencies/me/keys/${analyst.id}`, agencyB.apiKey),
        404,
        'NOT_FOUND',
      );
      // Revoked: refused at once by this API process.
      const revoked = await call('DELETE', `/v1/agencies/me/keys/${analyst.id}`, agencyA.apiKey);
      expect(revoked.statusCode).toBe(200);
      expect(json(revoked)).toEqual({ id: analyst.id, revokedAt: expect.any(String) });
      expectError(await call('GET', '/v1/issues', analyst.apiKey), 401, 'UNAUTHORIZED');
      const after = json(await call('GET', '/v1/agencies/me/keys', agencyA.apiKey)) as KeyList;
      expect(after.keys.find((k: { id: string }) => k.id === analyst.id)).toMatchObject({
        revokedAt: expect.any(String),
      });
      expectError(
        await call('POST', '/v1/agencies/me/keys', agencyA.apiKey, { role: 'superuser' }),
        400,
        'VALIDATION',
      );
      expectError(
        await call('DELETE', '/v1/agencies/me/keys/not-a-key-id', agencyA.apiKey),
        400,
        'VALIDATION',
      );
    });

    it('keeps one active admin key, and lets the operator make a key for an agency that lost its own', async () => {
      const mine = sha256Hex(agencyB.apiKey).slice(0, 16);
      expectError(await call('DELETE', `/v1/agencies/me/keys/${mine}`, agencyB.apiKey), 409, 'CONFLICT');
      const rescue = await call('POST', `/v1/agencies/${agencyB.id}/keys`, ADMIN_KEY, {
        role: 'admin',
        label: 'pemulihan oleh operator',
      });
      expect(rescue.statusCode).toBe(201);
      const second = json(rescue) as { apiKey: string };
      expectError(
        await call('POST', `/v1/agencies/${agencyB.id}/keys`, agencyB.apiKey, { role: 'admin' }),
        403,
        'FORBIDDEN',
      );
      expectError(
        await call('POST', '/v1/agencies/ag_tidak_ada/keys', ADMIN_KEY, { role: 'admin' }),
        404,
        'NOT_FOUND',
      );
      // With a second admin key, the first may go; the second keeps working.
      expect((await call('DELETE', `/v1/agencies/me/keys/${mine}`, second.apiKey)).statusCode).toBe(200);
      expect((await call('GET', '/v1/agencies/me/keys', second.apiKey)).statusCode).toBe(200);
      expectError(await call('GET', '/v1/agencies/me/keys', agencyB.apiKey), 401, 'UNAUTHORIZED');
      agencyB = { ...agencyB, apiKey: second.apiKey };
    });
  });

  describe('POST /v1/ingest/posts', () => {
    const post = (n: number, over: Record<string, unknown> = {}) => ({
      source: 'test',
      sourceId: uniqueName(`p${n}`),
      text: `Banjir di Jakarta ${n}`,
      publishedAt: '2026-11-20T08:00:00Z',
      ...over,
    });

    it('accepts valid posts, rejects invalid ones one by one, and publishes to posts.raw', async () => {
      const good1 = post(1);
      const good2 = post(2, { author: { handle: 'warga' }, metrics: { likes: 3 } });
      const res = await call('POST', '/v1/ingest/posts', ADMIN_KEY, [
        good1,
        { source: 'test', text: '' },
        good2,
        'not a post',
      ]);
      expect(res.statusCode).toBe(202);
      const body = json<{
        accepted: number;
        ids: string[];
        rejected: { index: number; code: string; message: string }[];
      }>(res);
      expect(body.accepted).toBe(2);
      expect(body.ids).toHaveLength(2);
      expect(body.rejected.map((r) => [r.index, r.code])).toEqual([
        [1, 'VALIDATION'],
        [3, 'VALIDATION'],
      ]);
      expect(body.rejected[0]!.message).toContain('sourceId');
      expect(body.rejected[0]).not.toHaveProperty('problems');

      // A region by name is stored as its id; one that names no region is left out, said in `warnings`.
      const single = await call('POST', '/v1/ingest/posts', agencyA.apiKey, [
        post(3, { region: 'Jawa Barat' }),
        post(4, { region: 'Atlantis' }),
      ]);
      expect(single.statusCode).toBe(202);
      expect(json(single)).toMatchObject({
        accepted: 2,
        rejected: [],
        warnings: [{ index: 1, message: expect.stringContaining("'Atlantis' is no province or city") }],
      });
      expect(json(await call('POST', '/v1/ingest/posts', ADMIN_KEY, post(5)))).not.toHaveProperty('warnings');

      const seen = (await waitFor(() => (rawSeen.length >= 5 ? rawSeen : undefined), {
        what: 'posts on posts.raw',
      })) as RawPost[];
      expect(seen.map((p) => p.sourceId)).toEqual(expect.arrayContaining([good1.sourceId, good2.sourceId]));
      expect(seen).toHaveLength(5);
      expect(seen.map((p) => p.region).filter(Boolean)).toEqual(['jabar']);
      expect(seen.find((p) => p.sourceId === good2.sourceId)).toMatchObject({
        v: 1,
        id: expect.any(String),
        author: { handle: 'warga' },
      });
    });

    it('rejects bodies that are not posts at all, or too many of them', async () => {
      expectError(await call('POST', '/v1/ingest/posts', ADMIN_KEY, '"just a string"'), 400, 'VALIDATION');
      expectError(await call('POST', '/v1/ingest/posts', ADMIN_KEY, '[{"source":'), 400, 'MALFORMED_JSON');
      // Invalid UTF-8 (a lone continuation byte inside a string) is refused, not turned into U+FFFD.
      const badUtf8 = Buffer.concat([
        Buffer.from(JSON.stringify([post(7)]).replace('}]', ',"text":"banjir di Bekasi ')),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}]'),
      ]);
      const refused = await app.inject({
        method: 'POST',
        url: '/v1/ingest/posts',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        payload: badUtf8,
      });
      expectError(refused, 400, 'MALFORMED_JSON');
      expect(refused.json().error.message).toMatch(/UTF-8/);
      // Valid multi-byte text still goes through.
      const fine = await app.inject({
        method: 'POST',
        url: '/v1/ingest/posts',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json; charset=utf-8' },
        payload: Buffer.from(
          JSON.stringify([{ ...post(8), text: 'Banjir rob di Pekalongan 🌊, warga mengungsi ke masjid' }]),
        ),
      });
      expect(fine.statusCode).toBe(202);
      expectError(
        await call(
          'POST',
          '/v1/ingest/posts',
          ADMIN_KEY,
          Array.from({ length: 1001 }, (_, i) => post(i)),
        ),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      const huge = JSON.stringify([{ ...post(0), text: 'x'.repeat(6 * 1024 * 1024) }]);
      expectError(await call('POST', '/v1/ingest/posts', ADMIN_KEY, huge), 413, 'PAYLOAD_TOO_LARGE');
      expectError(await call('POST', '/v1/ingest/posts', undefined, [post(0)]), 401, 'UNAUTHORIZED');
    });
  });

  describe('posts and issues (shared across agencies)', () => {
    const issueId = 'iss-banjir';
    beforeAll(async () => {
      const enriched = (id: string, text: string, hoaxScore: number, source = 'test') => ({
        index: names.postsFor('2026-11-20T08:00:00Z'),
        id,
        doc: {
          v: 1,
          id,
          source,
          sourceId: id,
          text,
          publishedAt: '2026-11-20T08:00:00Z',
          fetchedAt: '2026-11-20T08:00:01Z',
          url: `https://example.test/${id}`,
          author: { handle: 'secret-handle' },
          normalizedText: text.toLowerCase(),
          hashtags: ['banjir'],
          language: 'id',
          issueId,
          hoaxScore,
          signals: [{ id: 'viralkan', weight: 0.4, label: { id: 'ajakan memviralkan', en: 'share call' } }],
        },
      });
      await bulkIndex(
        client,
        [
          enriched('post-1', 'Banjir besar melanda Jakarta, viralkan!', 0.8),
          enriched('post-2', 'Pemerintah membantah kabar banjir bandang', 0.1, 'news'),
          enriched('post-3', 'Harga cabai naik di pasar', 0.0),
        ],
        { refresh: true },
      );
      const issue: IssueDoc = {
        id: issueId,
        title: 'banjir jakarta',
        terms: ['banjir', 'jakarta'],
        status: 'rising',
        count: 2,
        windowCount: 2,
        baseline: 0.5,
        score: 4,
        growth: 4,
        hoaxShare: 0.5,
        distinctAuthors: 2,
        coordinated: false,
        watchlistIds: ['wl-secret'],
        sources: [
          { source: 'news', count: 1, share: 0.5 },
          { source: 'x', count: 1, share: 0.5 },
        ],
        factChecks: [{ id: 'cek-banjir-1', title: '[SALAH] Tanggul Katulampa jebol malam ini', posts: 1 }],
        samplePostIds: ['post-1', 'post-2'],
        firstSeen: '2026-11-20T07:00:00Z',
        lastSeen: '2026-11-20T08:00:00Z',
        updatedAt: '2026-11-20T08:00:00Z',
        timeline: [{ at: '2026-11-20T08:00:00Z', type: 'rising', windowCount: 2, count: 2, baseline: 0.5 }],
      };
      await putIssue(client, names, issue, true);
      await putIssue(
        client,
        names,
        {
          ...issue,
          id: 'iss-cabai',
          title: 'harga cabai',
          terms: ['cabai', 'harga', 'pasar'],
          hoaxShare: 0.1,
          coordinated: true,
          firstSeen: '2026-11-18T07:00:00Z',
          lastSeen: '2026-11-19T08:00:00Z',
          sources: [{ source: 'x', count: 1, share: 1 }],
          factChecks: [],
          status: 'new',
          samplePostIds: ['post-3'],
          timeline: [],
        },
        true,
      );
    });

    it('searches posts with the Indonesian analyzer and filters, without leaking extra fields', async () => {
      const res = await call('GET', '/v1/posts?q=banjir', agencyB.apiKey);
      expect(res.statusCode).toBe(200);
      const body = json<{ total: number; items: Record<string, unknown>[] }>(res);
      expect(body.total).toBe(2);
      expect(body.items[0]).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          source: expect.any(String),
          hoaxScore: expect.any(Number),
          issueId,
        }),
      );
      expect(body.items[0]).not.toHaveProperty('author');
      expect(body.items[0]).not.toHaveProperty('hashtags');
      const hot = json<{ items: { id: string }[] }>(
        await call('GET', '/v1/posts?q=banjir&minHoax=0.5', ADMIN_KEY),
      );
      expect(hot.items.map((i) => i.id)).toEqual(['post-1']);
      const news = json<{ items: { id: string }[] }>(
        await call(
          'GET',
          `/v1/posts?source=news&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z&size=5`,
          ADMIN_KEY,
        ),
      );
      expect(news.items.map((i) => i.id)).toEqual(['post-2']);
      expect(
        json<{ total: number }>(await call('GET', `/v1/posts?issueId=${issueId}`, ADMIN_KEY)).total,
      ).toBe(3);
      expectError(await call('GET', '/v1/posts?size=0', ADMIN_KEY), 400, 'VALIDATION');
      expectError(await call('GET', '/v1/posts?minHoax=2', ADMIN_KEY), 400, 'VALIDATION');
      expectError(await call('GET', '/v1/posts?from=yesterday', ADMIN_KEY), 400, 'VALIDATION');
    });

    it('pages through posts and issues by cursor, each item once, in the order of one big page', async () => {
      type Page = { total?: number; items: { id: string }[]; nextCursor?: string };
      const walk = async (path: string) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 250; page++) {
          const sep = path.includes('?') ? '&' : '?';
          const res = await call('GET', `${path}${sep}size=1${cursor ? `&cursor=${cursor}` : ''}`, ADMIN_KEY);
          expect(res.statusCode).toBe(200);
          const body = json<Page>(res);
          seen.push(...body.items.map((i) => i.id));
          cursor = body.nextCursor;
          if (!cursor) break;
        }
        return seen;
      };
      for (const path of ['/v1/posts', '/v1/posts?q=banjir', '/v1/issues']) {
        const whole = json<Page>(
          await call('GET', `${path}${path.includes('?') ? '&' : '?'}size=200`, ADMIN_KEY),
        );
        expect(whole.nextCursor).toBeUndefined(); // a short page is the last
        expect(whole.items.length).toBeGreaterThanOrEqual(2);
        const paged = await walk(path);
        expect(paged).toEqual(whole.items.map((i) => i.id));
      }
      // A cursor this API did not give, or one of another listing, is refused plainly (not a 5xx).
      expectError(await call('GET', '/v1/posts?cursor=bm9wZQ', ADMIN_KEY), 400, 'VALIDATION');
      const postsCursor = json<Page>(await call('GET', '/v1/posts?size=1', ADMIN_KEY)).nextCursor!;
      expectError(
        await call('GET', `/v1/posts?q=banjir&cursor=${postsCursor}`, ADMIN_KEY),
        400,
        'VALIDATION',
      );
      const forged = Buffer.from(JSON.stringify(['kemarin', 'iss-1'])).toString('base64url');
      expectError(await call('GET', `/v1/issues?cursor=${forged}`, ADMIN_KEY), 400, 'VALIDATION');
    });

    it('lists issues by status and shows one with its timeline and sample posts', async () => {
      const rising = json<{ items: Record<string, unknown>[] }>(
        await call('GET', '/v1/issues?status=rising', agencyA.apiKey),
      );
      expect(rising.items).toEqual([
        expect.objectContaining({
          id: issueId,
          title: 'banjir jakarta',
          terms: ['banjir', 'jakarta'],
          status: 'rising',
          count: 2,
          baseline: 0.5,
          hoaxShare: 0.5,
        }),
      ]);
      expect(rising.items[0]).not.toHaveProperty('watchlistIds'); // other agencies' watchlists do not leak
      // Where its posts come from, and the fact-checks they restate; issues told through one source.
      expect(rising.items[0]).toMatchObject({
        sources: [
          { source: 'news', count: 1, share: 0.5 },
          { source: 'x', count: 1, share: 0.5 },
        ],
        factChecks: [{ id: 'cek-banjir-1', title: '[SALAH] Tanggul Katulampa jebol malam ini', posts: 1 }],
      });
      const fromNews = json<{ items: { id: string }[] }>(
        await call('GET', '/v1/issues?source=news', ADMIN_KEY),
      );
      expect(fromNews.items.map((i) => i.id)).toEqual([issueId]);
      expect(
        json<{ items: unknown[] }>(await call('GET', '/v1/issues?size=10', agencyA.apiKey)).items,
      ).toHaveLength(2);
      // The board's filters, applied by the API over every issue (not over one loaded page).
      const ids = async (q: string) =>
        json<{ items: { id: string }[] }>(await call('GET', `/v1/issues?${q}`, ADMIN_KEY)).items.map(
          (i) => i.id,
        );
      expect(await ids('q=Banjir')).toEqual([issueId]); // a title word, any case
      expect(await ids('q=banjir%20di%20jakarta')).toEqual([issueId]); // "di": a stop word, no filter
      expect(await ids('q=pasar')).toEqual(['iss-cabai']); // a keyword the title lacks
      expect(await ids('q=cabai%20pasar')).toEqual(['iss-cabai']); // every word, title or keywords
      expect(await ids('q=banjir%20pasar')).toEqual([]);
      expect(await ids('minHoax=0.3')).toEqual([issueId]);
      expect(await ids('coordinated=true')).toEqual(['iss-cabai']);
      expect(await ids('coordinated=false')).toEqual([issueId]);
      expect(await ids('from=2026-11-20T00:00:00Z')).toEqual([issueId]); // seen since
      expect(await ids('to=2026-11-19T00:00:00Z')).toEqual(['iss-cabai']); // already there by then
      expect(await ids('from=2026-11-19T00:00:00Z&to=2026-11-19T12:00:00Z')).toEqual(['iss-cabai']);
      expectError(await call('GET', '/v1/issues?minHoax=2', ADMIN_KEY), 400, 'VALIDATION');
      expectError(await call('GET', '/v1/issues?from=kemarin', ADMIN_KEY), 400, 'VALIDATION');
      const detail = await call('GET', `/v1/issues/${issueId}`, agencyB.apiKey);
      expect(detail.statusCode).toBe(200);
      const d = json<{ timeline: unknown[]; posts: { id: string; text: string }[] }>(detail);
      expect(d.timeline).toHaveLength(1);
      expect(d.posts.map((p) => p.id)).toEqual(['post-1', 'post-2']);
      expect(d).not.toHaveProperty('watchlistIds');
      expectError(await call('GET', '/v1/issues/iss-nope', agencyB.apiKey), 404, 'NOT_FOUND');
      expectError(await call('GET', '/v1/issues?status=bogus', agencyB.apiKey), 400, 'VALIDATION');
    });
  });

  describe('watchlists', () => {
    it('creates, reads, lists and deletes the caller’s own watchlists', async () => {
      const created = await call('POST', '/v1/watchlists', agencyA.apiKey, {
        name: 'Banjir',
        query: 'banjir AND (jakarta OR bekasi) NOT "hoaks lama"',
      });
      expect(created.statusCode).toBe(201);
      const wl = json<{ id: string; name: string; query: string; ast: unknown }>(created);
      expect(wl).toMatchObject({
        id: expect.stringMatching(/^wl_/),
        name: 'Banjir',
        ast: expect.objectContaining({ type: 'and' }),
      });
      expect(wl).not.toHaveProperty('agencyId');
      expect(json(await call('GET', `/v1/watchlists/${wl.id}`, agencyA.apiKey))).toMatchObject({
        id: wl.id,
        query: wl.query,
      });
      expect(
        json<{ items: { id: string }[] }>(await call('GET', '/v1/watchlists', agencyA.apiKey)).items.map(
          (i) => i.id,
        ),
      ).toEqual([wl.id]);

      // Agency B: A's watchlist does not exist.
      expectError(await call('GET', `/v1/watchlists/${wl.id}`, agencyB.apiKey), 404, 'NOT_FOUND');
      expectError(await call('DELETE', `/v1/watchlists/${wl.id}`, agencyB.apiKey), 404, 'NOT_FOUND');
      expect(json<{ items: unknown[] }>(await call('GET', '/v1/watchlists', agencyB.apiKey)).items).toEqual(
        [],
      );
      expect((await call('GET', `/v1/watchlists/${wl.id}`, agencyA.apiKey)).statusCode).toBe(200);

      expect((await call('DELETE', `/v1/watchlists/${wl.id}`, agencyA.apiKey)).statusCode).toBe(204);
      expectError(await call('GET', `/v1/watchlists/${wl.id}`, agencyA.apiKey), 404, 'NOT_FOUND');
      expectError(await call('DELETE', `/v1/watchlists/${wl.id}`, agencyA.apiKey), 404, 'NOT_FOUND');
      const trail = (await waitFor(
        async () => {
          await client.indices.refresh({ index: names.of('audit') });
          const res = await client.search({
            index: names.of('audit'),
            body: { query: { term: { target: wl.id } }, sort: [{ at: 'asc' }] },
          });
          const actions = res.body.hits.hits.map((h) => (h._source as { action: string }).action);
          return actions.length === 2 ? actions : undefined;
        },
        { what: 'audit trail' },
      )) as string[];
      expect(trail.sort()).toEqual(['watchlist.create', 'watchlist.delete']);
    });

    it('rejects an unparsable query with QUERY_SYNTAX and its position, and bad shapes with VALIDATION', async () => {
      const res = await call('POST', '/v1/watchlists', agencyA.apiKey, {
        name: 'Rusak',
        query: 'banjir AND (jakarta',
      });
      expectError(res, 400, 'QUERY_SYNTAX');
      expect(
        json<{ error: { details: { position: number; messageId: string } } }>(res).error.details,
      ).toEqual({
        position: expect.any(Number),
        messageId: expect.any(String),
      });
      expectError(await call('POST', '/v1/watchlists', agencyA.apiKey, { name: 'X' }), 400, 'VALIDATION');
      expectError(
        await call('POST', '/v1/watchlists', agencyA.apiKey, { name: 'X', query: 'a', agencyId: agencyB.id }),
        400,
        'VALIDATION',
      );
      expectError(
        await call('POST', '/v1/watchlists', agencyA.apiKey, [{ name: 'X', query: 'a' }]),
        400,
        'VALIDATION',
      );
      expectError(await call('GET', `/v1/watchlists/${'x'.repeat(300)}`, agencyA.apiKey), 400, 'VALIDATION');
    });

    it('checks a query before saving: syntax errors with position, or a 7-day backtest count', async () => {
      const now = new Date().toISOString();
      await bulkIndex(
        client,
        [
          {
            index: names.postsFor(now),
            id: 'post-gempa',
            doc: {
              v: 1,
              id: 'post-gempa',
              source: 'test',
              text: 'Gempa kecil terasa di Cianjur pagi ini',
              publishedAt: now,
            },
          },
        ],
        { refresh: true },
      );
      const bad = await call('POST', '/v1/watchlists/check', agencyA.apiKey, {
        query: 'gempa AND (cianjur OR',
      });
      expectError(bad, 400, 'QUERY_SYNTAX');
      expect(json<{ error: { details: { position: number } } }>(bad).error.details.position).toBe(19);
      const hit = await call('POST', '/v1/watchlists/check', agencyA.apiKey, { query: 'gempa AND cianjur' });
      expect(hit.statusCode).toBe(200);
      expect(json(hit)).toEqual({ valid: true, backtest: { days: 7, matched: 1 } });
      const miss = await call('POST', '/v1/watchlists/check', agencyA.apiKey, { query: 'gempa AND garut' });
      expect(json(miss)).toEqual({ valid: true, backtest: { days: 7, matched: 0 } });
      // Nothing is saved by a check.
      const list = json<{ items: { query: string }[] }>(await call('GET', '/v1/watchlists', agencyA.apiKey));
      expect(list.items.some((w) => w.query.startsWith('gempa'))).toBe(false);
      expectError(
        await call('POST', '/v1/watchlists/check', undefined, { query: 'gempa' }),
        401,
        'UNAUTHORIZED',
      );
    });
  });

  describe('subscriptions', () => {
    it('creates webhook subscriptions without ever returning the secret, scoped to the agency', async () => {
      const secret = 'super-secret-signing-key-1234';
      const res = await call('POST', '/v1/subscriptions', agencyA.apiKey, {
        channel: 'webhook',
        url: 'https://hooks.example.test/pantau',
        secret,
      });
      expect(res.statusCode).toBe(201);
      expect(res.body).not.toContain(secret);
      const sub = json<{ id: string }>(res);
      expect(sub).toEqual({
        id: expect.stringMatching(/^sub_/),
        channel: 'webhook',
        url: 'https://hooks.example.test/pantau',
        language: 'id',
        createdAt: expect.any(String),
      });
      const list = await call('GET', '/v1/subscriptions', agencyA.apiKey);
      expect(list.body).not.toContain(secret);
      expect(json<{ items: { id: string }[] }>(list).items.map((s) => s.id)).toEqual([sub.id]);
      expect(json(await call('GET', `/v1/subscriptions/${sub.id}`, agencyA.apiKey))).toEqual(sub);

      expect(
        json<{ items: unknown[] }>(await call('GET', '/v1/subscriptions', agencyB.apiKey)).items,
      ).toEqual([]);
      expectError(await call('GET', `/v1/subscriptions/${sub.id}`, agencyB.apiKey), 404, 'NOT_FOUND');
      expectError(await call('DELETE', `/v1/subscriptions/${sub.id}`, agencyB.apiKey), 404, 'NOT_FOUND');

      expect((await call('DELETE', `/v1/subscriptions/${sub.id}`, agencyA.apiKey)).statusCode).toBe(204);
      expect(
        json<{ items: unknown[] }>(await call('GET', '/v1/subscriptions', agencyA.apiKey)).items,
      ).toEqual([]);
    });

    it('refuses webhook targets on private or loopback addresses unless allowed', async () => {
      const strict = buildApp({
        config: { PANTAU_ADMIN_KEY: ADMIN_KEY },
        logger,
        search: client,
        names,
        producer: bus.producer(),
        topics,
        health: new Health(),
      });
      try {
        for (const url of [
          'http://127.0.0.1:8080/hook',
          'http://169.254.169.254/latest/meta-data',
          'http://[::1]/x',
          'http://10.0.0.8/hook',
        ]) {
          const res = await strict.inject({
            method: 'POST',
            url: '/v1/subscriptions',
            headers: { authorization: `Bearer ${agencyA.apiKey}` },
            payload: { channel: 'webhook', url, secret: 'rahasia-sekali-123' },
          });
          expectError(res, 400, 'DELIVERY_TARGET_FORBIDDEN');
        }
      } finally {
        await strict.close();
      }
    });

    it('subscribes Slack, Telegram and e-mail with their options and a language; a Slack URL never comes back', async () => {
      const slackUrl = 'https://hooks.example.test/services/T0001/B0001/XyZsecret';
      const slackRes = await call('POST', '/v1/subscriptions', agencyA.apiKey, {
        channel: 'slack',
        url: slackUrl,
        language: 'en',
      });
      expect(slackRes.statusCode).toBe(201);
      expect(slackRes.body).not.toContain('XyZsecret');
      expect(json(slackRes)).toEqual({
        id: expect.stringMatching(/^sub_/),
        channel: 'slack',
        url: 'https://hooks.example.test/…',
        language: 'en',
        createdAt: expect.any(String),
      });
      const tg = json<{ id: string }>(
        await call('POST', '/v1/subscriptions', agencyA.apiKey, {
          channel: 'telegram',
          chatId: '-1001234567890',
        }),
      );
      expect(tg).toMatchObject({ channel: 'telegram', chatId: '-1001234567890', language: 'id' });
      const mail = json<{ id: string }>(
        await call('POST', '/v1/subscriptions', agencyA.apiKey, {
          channel: 'email',
          to: ['humas@bpbd.example.id', 'piket@bpbd.example.id'],
        }),
      );
      expect(mail).toMatchObject({
        channel: 'email',
        to: ['humas@bpbd.example.id', 'piket@bpbd.example.id'],
      });
      const list = await call('GET', '/v1/subscriptions', agencyA.apiKey);
      expect(list.body).not.toContain('XyZsecret');
      expect(
        json<{ items: unknown[] }>(await call('GET', '/v1/subscriptions', agencyB.apiKey)).items,
      ).toEqual([]);
      // Slack through Pantau's Slack app: a channel id instead of a webhook URL.
      const app = json<{ id: string }>(
        await call('POST', '/v1/subscriptions', agencyA.apiKey, {
          channel: 'slack',
          slackChannel: 'C0123ABCDEF',
        }),
      );
      expect(app).toMatchObject({ channel: 'slack', slackChannel: 'C0123ABCDEF' });
      for (const id of [json<{ id: string }>(slackRes).id, tg.id, mail.id, app.id])
        expect((await call('DELETE', `/v1/subscriptions/${id}`, agencyA.apiKey)).statusCode).toBe(204);
    });

    it("checks each channel's options and refuses a channel this server has not set up", async () => {
      const bad = [
        { channel: 'telegram' },
        { channel: 'telegram', chatId: '12345', url: 'https://hooks.example.test/x' },
        { channel: 'telegram', chatId: 'not a chat' },
        { channel: 'slack', url: 'https://hooks.example.test/x', secret: 's'.repeat(20) },
        { channel: 'slack' },
        { channel: 'email', to: ['bukan-email'] },
        { channel: 'email', to: [] },
        { channel: 'webhook', url: 'https://hooks.example.test/x' },
        { channel: 'slack', url: 'https://hooks.example.test/x', language: 'jv' },
        // One way to reach Slack, not both; a Slack channel id, not a name.
        { channel: 'slack', url: 'https://hooks.example.test/x', slackChannel: 'C0123ABCDEF' },
        { channel: 'slack', slackChannel: '#humas' },
        { channel: 'telegram', chatId: '-100123', slackChannel: 'C0123ABCDEF' },
      ];
      for (const body of bad)
        expectError(await call('POST', '/v1/subscriptions', agencyA.apiKey, body), 400, 'VALIDATION');
      const missing = json<{ error: { message: string; details: unknown } }>(
        await call('POST', '/v1/subscriptions', agencyA.apiKey, { channel: 'telegram' }),
      );
      expect(missing.error.message).toBe('body.chatId required for channel telegram');
      expect(missing.error.details).toEqual([{ path: '/chatId', message: 'required for channel telegram' }]);

      const noBot = buildApp({
        config: { PANTAU_ADMIN_KEY: ADMIN_KEY, ALERT_CHANNELS: ['webhook', 'slack'] },
        logger,
        search: client,
        names,
        producer: bus.producer(),
        topics,
        health: new Health(),
      });
      try {
        const subscribe = (payload: object) =>
          noBot.inject({
            method: 'POST',
            url: '/v1/subscriptions',
            headers: { authorization: `Bearer ${agencyA.apiKey}` },
            payload,
          });
        expectError(await subscribe({ channel: 'telegram', chatId: '-100123' }), 400, 'CHANNEL_UNAVAILABLE');
        // Slack by webhook URL works without the Slack app; by channel id it needs SLACK_BOT_TOKEN.
        const noApp = await subscribe({ channel: 'slack', slackChannel: 'C0123ABCDEF' });
        expectError(noApp, 400, 'CHANNEL_UNAVAILABLE');
        expect(noApp.json().error.message).toContain('SLACK_BOT_TOKEN');
        // Slack URLs pass the same public-address rules as webhooks.
        const local = await subscribe({ channel: 'slack', url: 'http://127.0.0.1:9/services/x' });
        expectError(local, 400, 'DELIVERY_TARGET_FORBIDDEN');
      } finally {
        await noBot.close();
      }
    });

    it('rejects bad subscription bodies', async () => {
      const ok = { channel: 'webhook', url: 'https://hooks.example.test/x', secret: 's'.repeat(20) };
      expectError(
        await call('POST', '/v1/subscriptions', agencyA.apiKey, { ...ok, channel: 'pigeon' }),
        400,
        'VALIDATION',
      );
      expectError(
        await call('POST', '/v1/subscriptions', agencyA.apiKey, { ...ok, url: 'not a url' }),
        400,
        'VALIDATION',
      );
      expectError(
        await call('POST', '/v1/subscriptions', agencyA.apiKey, { ...ok, url: 'ftp://hooks.example.test/x' }),
        400,
        'VALIDATION',
      );
      expectError(
        await call('POST', '/v1/subscriptions', agencyA.apiKey, { ...ok, secret: 'short' }),
        400,
        'VALIDATION',
      );
      expectError(
        await call('POST', '/v1/subscriptions', agencyA.apiKey, { channel: 'webhook' }),
        400,
        'VALIDATION',
      );
    });
  });

  describe('alerts', () => {
    it('lists only the caller’s alerts, with each delivery’s status', async () => {
      const store = createAlertStore(client, names);
      const now = new Date().toISOString();
      const alert: AlertDoc = {
        id: 'al_test_a',
        agencyId: agencyA.id,
        issueId: 'iss-banjir',
        kind: 'issue_rising',
        version: 1,
        watchlistIds: ['wl_a'],
        watchlists: [{ id: 'wl_a', name: 'Banjir' }],
        issue: {
          id: 'iss-banjir',
          title: 'banjir jakarta',
          terms: ['banjir'],
          status: 'rising',
          windowMs: 300000,
          windowCount: 42,
          total: 60,
          baseline: 2,
          score: 8,
          growth: 21,
          hoaxShare: 0.2,
          distinctAuthors: 30,
          coordinated: false,
          firstSeen: now,
          lastSeen: now,
        },
        posts: [{ id: 'post-1', text: 'Banjir besar' }],
        summary: { id: 'Isu "banjir jakarta" sedang naik', en: 'Issue "banjir jakarta" is rising' },
        createdAt: now,
        updatedAt: now,
        versionAt: now,
        deliveries: [
          {
            subscriptionId: 'sub_1',
            channel: 'webhook',
            version: 1,
            status: 'delivered',
            attempts: 2,
            deliveredAt: now,
            updatedAt: now,
          },
          {
            subscriptionId: 'sub_2',
            channel: 'webhook',
            version: 1,
            status: 'failed',
            attempts: 1,
            lastError: 'webhook sub_2 answered 400',
            lastStatus: 400,
            updatedAt: now,
          },
        ],
      };
      expect(await store.createAlert(alert)).toBe(true);
      const res = await call('GET', '/v1/alerts', agencyA.apiKey);
      expect(res.statusCode).toBe(200);
      const items = json<{ items: Record<string, unknown>[] }>(res).items;
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        id: 'al_test_a',
        kind: 'issue_rising',
        version: 1,
        issueId: 'iss-banjir',
        summary: alert.summary,
      });
      expect(items[0]!.deliveries).toEqual([
        expect.objectContaining({ subscriptionId: 'sub_1', status: 'delivered', attempts: 2 }),
        expect.objectContaining({
          subscriptionId: 'sub_2',
          status: 'failed',
          attempts: 1,
          lastError: 'webhook sub_2 answered 400',
          lastStatus: 400,
        }),
      ]);
      expect(items[0]).not.toHaveProperty('agencyId');
      expect(json<{ items: unknown[] }>(await call('GET', '/v1/alerts', agencyB.apiKey)).items).toEqual([]);
      expectError(await call('GET', '/v1/alerts?size=9999', agencyA.apiKey), 400, 'VALIDATION');
      // Pages by cursor, latest change first, each alert once (two updated in the same millisecond).
      const later = new Date(Date.parse(now) + 60_000).toISOString();
      for (const id of ['al_test_c', 'al_test_b'])
        expect(await store.createAlert({ ...alert, id, updatedAt: later })).toBe(true);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const body = json<{ items: { id: string }[]; nextCursor?: string }>(
          await call('GET', `/v1/alerts?size=2${cursor ? `&cursor=${cursor}` : ''}`, agencyA.apiKey),
        );
        seen.push(...body.items.map((a) => a.id));
        cursor = body.nextCursor;
        if (!cursor) break;
      }
      expect(seen).toEqual(['al_test_b', 'al_test_c', 'al_test_a']);
      expectError(await call('GET', '/v1/alerts?cursor=bm9wZQ', agencyA.apiKey), 400, 'VALIDATION');

      // The agency's alerts as a CSV file for its reports: every page, its own alerts only.
      const file = await call('GET', '/v1/alerts/export?limit=2', agencyA.apiKey);
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-disposition']).toMatch(/filename="pantau-alerts-\d{4}-\d{2}-\d{2}\.csv"/);
      const rows = file.body.slice(1).trim().split('\n');
      expect(rows[0]).toBe(
        'id,createdAt,updatedAt,kind,version,critical,issueId,issueTitle,issueStatus,trigger,watchlists,topics,hoaxShare,clarified,ackedAt,ackedBy,snoozedUntil,deliveries',
      );
      expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['al_test_b', 'al_test_c']);
      expect(rows[1]).toContain(`webhook: delivered ${now}; webhook: failed`);
      expect(rows[1]).toContain('Isu ""banjir jakarta"" sedang naik');
      const other = await call('GET', '/v1/alerts/export', agencyB.apiKey);
      expect(other.body.slice(1).trim().split('\n')).toHaveLength(1);
      expectError(await call('GET', '/v1/alerts/export', ADMIN_KEY), 403, 'FORBIDDEN');
    });
  });
});
