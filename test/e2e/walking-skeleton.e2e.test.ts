import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDecoder, DeadLetter, topicNames } from '@pantau/core';
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
 * The walking skeleton, end to end on real servers: every service as its own process, a post goes
 * in over HTTP and a signed alert comes out at a webhook.
 */
jest.setTimeout(240_000);

const ADMIN_KEY = 'pk_admin_e2e_0123456789abcdef';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  status: number;
}

function verify(raw: string, header: string, secret: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  if (!parts.t || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${raw}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('walking skeleton (every service as a process, real Kafka/OpenSearch/Redis)', () => {
  const prefix = uniqueName('e2e');
  const env = stackEnv(prefix, servers, ADMIN_KEY);
  const topics = topicNames(env.TOPIC_PREFIX);
  const procs: ServiceProcess[] = [];
  let api = '';
  let receiver: Server;
  let receiverUrl = '';
  const received: Received[] = [];
  let failFirst = 1;
  let bus: Bus;

  const call = apiCaller(() => api);

  beforeAll(async () => {
    await requireServers('kafka', 'opensearch', 'redis');
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const status = failFirst-- > 0 ? 500 : 200;
        received.push({ headers: req.headers, raw, status });
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(status === 200 ? '{"ok":true}' : '{"error":"sibuk"}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/pantau`;

    const port = randomPort();
    api = `http://127.0.0.1:${port}`;
    procs.push(
      startService('api', {
        ...env,
        PORT: String(port),
        DELIVERY_BACKOFF_MS: '300',
        ALLOW_PRIVATE_WEBHOOKS: 'true',
      }),
    );
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
    bus = createKafkaBus({ brokers: servers.kafkaBrokers, clientId: 'e2e', logger: testLogger('e2e') });
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
    // Every service shuts down cleanly on SIGTERM.
    expect(codes).toEqual(procs.map(() => 0));
  });

  let agencyA: { id: string; apiKey: string };
  let agencyB: { id: string; apiKey: string };
  let watchlistId = '';
  let subscriptionId = '';
  let issueId = '';

  it('creates agencies, a watchlist and a webhook subscription', async () => {
    const a = await call('POST', '/v1/agencies', ADMIN_KEY, { name: 'Kemenkes' });
    const b = await call('POST', '/v1/agencies', ADMIN_KEY, { name: 'Komdigi' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    agencyA = a.body;
    agencyB = b.body;
    const wl = await call('POST', '/v1/watchlists', agencyA.apiKey, {
      name: 'Hoaks vaksin',
      query: 'vaksin AND (chip OR magnet)',
    });
    expect(wl.status).toBe(201);
    watchlistId = wl.body.id;
    const sub = await call('POST', '/v1/subscriptions', agencyA.apiKey, {
      channel: 'webhook',
      url: receiverUrl,
      secret: 'rahasia-kemenkes-123',
    });
    expect(sub.status).toBe(201);
    expect(JSON.stringify(sub.body)).not.toContain('rahasia-kemenkes-123');
    subscriptionId = sub.body.id;
    await sleep(1_500); // the scorer reloads watchlists every 500 ms
  });

  it('indexes ordinary posts, then detects a burst as rising and alerts the agency once, signed', async () => {
    const now = Date.now();
    const ordinary = [
      'Macet parah di tol Cikampek arah Jakarta, udah 2 jam gak gerak',
      'Harga cabai rawit di pasar Kramat Jati tembus 80rb/kg, emak2 pada ngeluh',
      'Timnas U-23 menang 2-0 lawan Vietnam!! #TimnasDay',
      'Hujan deres bgt di Depok sore ini, hati2 yg mau pulang kerja ya',
      'KRL Bogor-Jakarta gangguan lagi, penumpang numpuk di Manggarai',
    ].map((text, i) => ({
      source: 'e2e',
      sourceId: `ord-${i}`,
      text,
      publishedAt: new Date(now - 60_000).toISOString(),
      author: { handle: `warga${i}` },
    }));
    const pushed = await call('POST', '/v1/ingest/posts', agencyA.apiKey, ordinary);
    expect(pushed.status).toBe(202);
    expect(pushed.body).toMatchObject({ accepted: 5, rejected: [] });
    expect(pushed.body.ids).toHaveLength(5);

    const variants = [
      'SEBARKAN!!! Vaksin booster mengandung chip 5G buat melacak warga, sebelum dihapus!!',
      'Viralkan! Vaksin booster ada chip pelacaknya, jangan mau disuntik!!!',
      'Info dari grup sebelah: chip 5G di vaksin booster aktif bulan depan. Sebarkan!!',
      'Awas!! Vaksin booster bikin tangan nempel magnet karena ada chip. Share sebelum dihapus',
    ];
    const burst = Array.from({ length: 24 }, (_, i) => ({
      source: 'e2e',
      sourceId: `burst-${i}`,
      text: variants[i % variants.length]!,
      publishedAt: new Date(Date.now()).toISOString(),
      author: { handle: `akun${i}` },
    }));
    // One bad item among them is rejected alone.
    const res = await call('POST', '/v1/ingest/posts', agencyA.apiKey, [
      ...burst,
      { source: 'e2e', text: 'tanpa sourceId' },
    ]);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(24);
    expect(res.body.rejected).toEqual([expect.objectContaining({ index: 24, code: 'VALIDATION' })]);

    const search = await waitFor(
      async () => {
        const r = await call('GET', '/v1/posts?q=vaksin%20chip&size=50', agencyA.apiKey);
        return r.body?.total >= 24 ? r : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: () => `burst posts to be searchable\n${tail(procs)}` },
    );
    const hit = search!.body.items[0];
    expect(hit.hoaxScore).toBeGreaterThan(0);
    expect(hit.signals.length).toBeGreaterThan(0);
    expect(hit.signals[0]).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        label: expect.objectContaining({ id: expect.any(String), en: expect.any(String) }),
      }),
    );
    const ordinaryHits = await call('GET', '/v1/posts?q=cabai', agencyA.apiKey);
    expect(ordinaryHits.body.total).toBe(1);

    const rising = await waitFor(
      async () => {
        const r = await call('GET', '/v1/issues?status=rising', agencyA.apiKey);
        return r.body?.items?.find((i: { count: number }) => i.count >= 8);
      },
      { timeoutMs: 60_000, intervalMs: 500, what: () => `a rising issue\n${tail(procs)}` },
    );
    issueId = rising.id;
    expect(rising.terms).toEqual(expect.arrayContaining(['vaksin']));
    const detail = await call('GET', `/v1/issues/${issueId}`, agencyB.apiKey);
    expect(detail.status).toBe(200);
    expect(detail.body.timeline.map((t: { type: string }) => t.type)).toContain('rising');
    expect(detail.body).not.toHaveProperty('state'); // the detector's working state stays internal

    // The receiver answered 500 first: the delivery is retried and then succeeds.
    await waitFor(() => received.some((r) => r.status === 200), {
      timeoutMs: 60_000,
      what: () => `a delivered alert\n${tail(procs)}`,
    });
    await sleep(4_000); // more rising events may come: they must not produce more alerts
    const delivered = received.filter((r) => r.status === 200);
    expect(delivered).toHaveLength(1);
    expect(received[0]!.status).toBe(500);
    const alertIds = new Set(received.map((r) => JSON.parse(r.raw).alert.id));
    expect(alertIds.size).toBe(1);
    const ok = delivered[0]!;
    expect(verify(ok.raw, String(ok.headers['x-pantau-signature']), 'rahasia-kemenkes-123')).toBe(true);
    expect(verify(ok.raw, String(ok.headers['x-pantau-signature']), 'secret-lain')).toBe(false);
    const payload = JSON.parse(ok.raw).alert;
    expect(payload.issue.id ?? payload.issue).toEqual(expect.anything());
    expect(JSON.stringify(payload)).toContain(issueId);

    const alerts = await call('GET', '/v1/alerts', agencyA.apiKey);
    expect(alerts.body.items).toHaveLength(1);
    await waitFor(
      async () => {
        const r = await call('GET', '/v1/alerts', agencyA.apiKey);
        return JSON.stringify(r.body).includes('delivered');
      },
      { what: 'the delivery outcome on the alert' },
    );
  });

  it("keeps one agency's watchlists, subscriptions and alerts invisible to another", async () => {
    const b = agencyB.apiKey;
    expect((await call('GET', `/v1/watchlists/${watchlistId}`, b)).status).toBe(404);
    expect((await call('GET', '/v1/watchlists', b)).body.items).toEqual([]);
    expect((await call('DELETE', `/v1/watchlists/${watchlistId}`, b)).status).toBe(404);
    expect((await call('DELETE', `/v1/subscriptions/${subscriptionId}`, b)).status).toBe(404);
    expect((await call('GET', '/v1/subscriptions', b)).body.items).toEqual([]);
    expect((await call('GET', '/v1/alerts', b)).body.items).toEqual([]);
    // …and they still exist for their owner.
    expect((await call('GET', `/v1/watchlists/${watchlistId}`, agencyA.apiKey)).status).toBe(200);
    const unauth = await call('GET', '/v1/watchlists', 'pk_tidak_dikenal');
    expect(unauth.status).toBe(401);
    expect(unauth.body.error.code).toBe('UNAUTHORIZED');
  });

  it('writes no secret (operator key, agency keys, webhook secret) to any service log', () => {
    const logs = procs.map((p) => p.output.join('\n')).join('\n');
    expect(logs).toContain('api listening'); // the scan really reads the services' logs
    for (const secret of [ADMIN_KEY, agencyA.apiKey, agencyB.apiKey, 'rahasia-kemenkes-123'])
      expect(logs).not.toContain(secret);
  });

  it('sends a malformed message on posts.raw to the dead-letter topic and keeps the stream going', async () => {
    const letters: DeadLetter[] = [];
    const reader = bus.consumer<DeadLetter>({
      groupId: uniqueName('dlq-reader'),
      topics: [topics.dlq],
      decode: createDecoder(DeadLetter, 'dead letter'),
      dlqTopic: `${topics.dlq}.dlq`,
      fromBeginning: true,
      handleBatch: async (batch) => void letters.push(...batch.map((b) => b.value)),
    });
    await reader.start();
    try {
      await bus.producer().send(topics.postsRaw, [
        { key: 'rusak:1', value: '{"source":"rusak", "text": ' },
        {
          key: 'rusak:2',
          value: JSON.stringify({ v: 1, id: 'x', source: 'rusak', sourceId: '2', text: 'tanpa tanggal' }),
        },
      ]);
      const after = await call('POST', '/v1/ingest/posts', agencyA.apiKey, {
        source: 'e2e',
        sourceId: 'after-poison',
        text: 'Pemkot Surabaya buka pendaftaran beasiswa mahasiswa berprestasi',
        publishedAt: new Date().toISOString(),
      });
      expect(after.status).toBe(202);
      await waitFor(() => letters.length >= 2, { timeoutMs: 30_000, what: 'two dead letters' });
      expect(letters.map((l) => l.errorCode).sort()).toEqual(['MALFORMED_JSON', 'VALIDATION']);
      expect(letters.every((l) => l.topic === topics.postsRaw && l.consumerGroup.endsWith('scorer'))).toBe(
        true,
      );
      expect(letters.find((l) => l.errorCode === 'VALIDATION')!.errorMessage).toContain('publishedAt');
      await waitFor(
        async () => (await call('GET', '/v1/posts?q=beasiswa%20surabaya', agencyA.apiKey)).body.total === 1,
        { timeoutMs: 30_000, what: 'the post after the poison messages' },
      );
    } finally {
      await reader.close();
    }
  });
});
