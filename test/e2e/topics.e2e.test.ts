import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { topicNames } from '@pantau/core';
import { createKafkaBus, type Bus } from '@pantau/bus';
import { obliterateDeliveryQueue } from '@pantau/alerts';
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
 * Topics end to end, every service as its own process: posts are indexed with their topics and found
 * with `GET /v1/posts?topic=`, the rising issue carries its topic mix and is found with
 * `GET /v1/issues?topic=`, and an agency whose topics of interest include the issue's topic — with no
 * keyword watchlist at all — receives the alert, which names the topic.
 */
jest.setTimeout(240_000);

const ADMIN_KEY = 'pk_admin_e2e_topics_0123456789';

describe('topics end to end (every service as a process, real Kafka/OpenSearch/Redis)', () => {
  const prefix = uniqueName('e2etopics');
  const env = stackEnv(prefix, servers, ADMIN_KEY);
  const topics = topicNames(env.TOPIC_PREFIX);
  const procs: ServiceProcess[] = [];
  let api = '';
  let receiver: Server;
  let receiverBase = '';
  const received: { path: string; raw: string }[] = [];
  let bus: Bus;

  const call = apiCaller(() => api);

  beforeAll(async () => {
    await requireServers('kafka', 'opensearch', 'redis');
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '/', raw });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const port = randomPort();
    api = `http://127.0.0.1:${port}`;
    procs.push(startService('api', { ...env, PORT: String(port), ALLOW_PRIVATE_WEBHOOKS: 'true' }));
    procs.push(startService('scorer', { ...env, WATCHLIST_REFRESH_MS: '500' }));
    procs.push(
      startService('detector', {
        ...env,
        DETECTOR_BUCKET_MS: '2000',
        DETECTOR_WINDOW_BUCKETS: '5',
        DETECTOR_BASELINE_BUCKETS: '30',
        DETECTOR_RISING_MIN: '8',
        DETECTOR_TICK_MS: '1000',
      }),
    );
    bus = createKafkaBus({
      brokers: servers.kafkaBrokers,
      clientId: 'e2e-topics',
      logger: testLogger('e2e'),
    });
    await waitForStack(api, procs);
  });

  afterAll(async () => {
    const codes = await Promise.all(procs.map((p) => stopService(p)));
    await bus?.deleteTopics(Object.values(topics)).catch(() => undefined);
    await bus?.close();
    await obliterateDeliveryQueue(servers.redisUrl, env.QUEUE_PREFIX).catch(() => undefined);
    receiver?.close();
    const search = createSearchClient(servers.opensearchUrl);
    await dropIndices(search, env.INDEX_PREFIX);
    await search.close();
    expect(codes).toEqual(procs.map(() => 0));
  });

  it('indexes topics, lists posts and issues by topic, and alerts the agency of the topic without keywords', async () => {
    // BNPB is suggested bencana; Bank Indonesia ekonomi. Neither writes a watchlist.
    const bnpb = (await call('POST', '/v1/agencies', ADMIN_KEY, { name: 'BNPB' })).body;
    const bi = (await call('POST', '/v1/agencies', ADMIN_KEY, { name: 'Bank Indonesia' })).body;
    // Each takes the topics suggested for it (Pantau sends nothing unasked).
    for (const [agency, topic] of [
      [bnpb, 'bencana'],
      [bi, 'ekonomi'],
    ] as const) {
      const view = (await call('GET', '/v1/agencies/me/topics', agency.apiKey)).body;
      expect(view).toMatchObject({ topics: [], suggested: [topic] });
      const put = await call('PUT', '/v1/agencies/me/topics', agency.apiKey, { topics: view.suggested });
      expect(put.body.topics).toEqual([topic]);
    }
    for (const [agency, path] of [
      [bnpb, '/hooks/bnpb'],
      [bi, '/hooks/bi'],
    ] as const) {
      const sub = await call('POST', '/v1/subscriptions', agency.apiKey, {
        channel: 'webhook',
        url: `${receiverBase}${path}`,
        secret: `rahasia-webhook-${path.slice(7)}-123`,
      });
      expect(sub.status).toBe(201);
    }
    expect((await call('GET', '/v1/watchlists', bnpb.apiKey)).body.items).toEqual([]);

    const now = Date.now();
    const ordinary = [
      'Harga cabai rawit di pasar Kramat Jati tembus 80rb/kg, emak2 pada ngeluh',
      'Timnas U-23 menang 2-0 lawan Vietnam!! #TimnasDay',
      'KRL Bogor-Jakarta gangguan lagi, penumpang numpuk di Manggarai',
    ].map((text, i) => ({
      source: 'e2e',
      sourceId: `ord-${i}`,
      text,
      publishedAt: new Date(now - 60_000).toISOString(),
      author: { handle: `warga${i}` },
    }));
    expect((await call('POST', '/v1/ingest/posts', bnpb.apiKey, ordinary)).status).toBe(202);
    const variants = [
      'Banjir bandang terjang Kampung Melayu, air setinggi 2 meter, warga dievakuasi pakai perahu karet',
      'ya allah banjir di Kampung Melayu udah sepinggang, tolong bantu evakuasi lansia #banjirjakarta',
      'BPBD DKI: ratusan warga Kampung Melayu mengungsi akibat banjir, posko pengungsian dibuka',
      'banjir Kampung Melayu makin tinggi, listrik padam, warga ngungsi ke masjid',
    ];
    const burst = Array.from({ length: 24 }, (_, i) => ({
      source: 'e2e',
      sourceId: `banjir-${i}`,
      text: variants[i % variants.length]!,
      publishedAt: new Date(Date.now()).toISOString(),
      author: { handle: `akun${i}` },
    }));
    expect((await call('POST', '/v1/ingest/posts', bnpb.apiKey, burst)).body.accepted).toBe(24);

    const posts = await waitFor(
      async () => {
        const r = await call('GET', '/v1/posts?topic=bencana&size=50', bnpb.apiKey);
        return r.body?.total >= 24 ? r.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: () => `bencana posts to be searchable\n${tail(procs)}` },
    );
    expect(posts.total).toBe(24); // none of the ordinary posts is about a disaster
    expect(posts.items[0].topics[0]).toEqual(
      expect.objectContaining({ id: 'bencana', score: expect.any(Number), words: expect.any(Array) }),
    );
    const economy = await call('GET', '/v1/posts?topic=ekonomi', bnpb.apiKey);
    expect(economy.body.items.map((p: { text: string }) => p.text)).toEqual([ordinary[0]!.text]);

    const issue = await waitFor(
      async () => {
        const r = await call('GET', '/v1/issues?topic=bencana&status=rising', bnpb.apiKey);
        return r.body?.items?.find((i: { count: number }) => i.count >= 8);
      },
      { timeoutMs: 60_000, intervalMs: 500, what: () => `a rising bencana issue\n${tail(procs)}` },
    );
    expect(issue.topics[0]).toEqual(expect.objectContaining({ id: 'bencana' }));
    expect((await call('GET', '/v1/issues?topic=olahraga&status=rising', bnpb.apiKey)).body.items).toEqual(
      [],
    );

    const alert = await waitFor(() => received.find((r) => r.path === '/hooks/bnpb'), {
      timeoutMs: 60_000,
      what: () => `the BNPB alert\n${tail(procs)}`,
    });
    const payload = JSON.parse(alert!.raw).alert;
    expect(payload.topics).toEqual(['bencana']);
    expect(payload.watchlists).toEqual([]);
    expect(payload.summary.id).toContain('Topik: Bencana alam');
    expect(payload.summary.en).toContain('Topic: Disasters');
    expect(JSON.stringify(payload)).toContain(issue.id);
    await sleep(2_000);
    expect(received.filter((r) => r.path === '/hooks/bi')).toEqual([]);
  });
});
