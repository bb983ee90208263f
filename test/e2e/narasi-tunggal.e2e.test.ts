import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { topicNames } from '@pantau/core';
import { createKafkaBus, type Bus } from '@pantau/bus';
import { obliterateDeliveryQueue, obliterateDigestQueue } from '@pantau/alerts';
import { createSearchClient, dropIndices } from '@pantau/store';
import { requireServers, servers, sleep, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import {
  apiCaller,
  randomPort,
  stackEnv,
  startService,
  stopService,
  tail,
  type ServiceProcess,
  waitForStack,
} from '../support/processes';

/**
 * Narasi tunggal end to end (every service a process, real Kafka/OpenSearch/Redis): a burst matching
 * three watchlists of agency A and one of agency B gives A exactly ONE alert and B one; A publishes a
 * clarification; B's webhook receives it within seconds and the issue shows it with A's name.
 */
jest.setTimeout(240_000);

const ADMIN_KEY = 'pk_admin_e2e_narasi_0123456789';

describe('narasi tunggal (every service as a process)', () => {
  const prefix = uniqueName('e2enar');
  const env = stackEnv(prefix, servers, ADMIN_KEY);
  const topics = topicNames(env.TOPIC_PREFIX);
  const procs: ServiceProcess[] = [];
  let api = '';
  let receiver: Server;
  let hook = '';
  const received: {
    path: string;
    body: {
      type?: string;
      alert: { id: string; issue: { id: string } };
      clarification?: { agencyName: string };
    };
    at: number;
  }[] = [];
  let bus: Bus;
  const call = apiCaller(() => api);

  beforeAll(async () => {
    await requireServers('kafka', 'opensearch', 'redis');
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '/', body: JSON.parse(raw), at: Date.now() });
        res.writeHead(200).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
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
      clientId: 'e2e-narasi',
      logger: testLogger('e2e'),
    });
    await waitForStack(api, procs);
  });

  afterAll(async () => {
    const codes = await Promise.all(procs.map((p) => stopService(p)));
    await bus?.deleteTopics(Object.values(topics)).catch(() => undefined);
    await bus?.close();
    await obliterateDeliveryQueue(servers.redisUrl, env.QUEUE_PREFIX).catch(() => undefined);
    await obliterateDigestQueue(servers.redisUrl, env.QUEUE_PREFIX).catch(() => undefined);
    receiver?.close();
    const search = createSearchClient(servers.opensearchUrl);
    await dropIndices(search, env.INDEX_PREFIX);
    await search.close();
    expect(codes).toEqual(procs.map(() => 0));
  });

  it('one alert per agency for a burst on three of its lists; A clarifies; B gets it within seconds', async () => {
    const a = (await call('POST', '/v1/agencies', ADMIN_KEY, { name: 'Kemenkes' })).body;
    const b = (await call('POST', '/v1/agencies', ADMIN_KEY, { name: 'Komdigi' })).body;
    for (const [name, query] of [
      ['Vaksin', 'vaksin'],
      ['Chip', 'chip'],
      ['Booster', 'booster'],
    ])
      expect((await call('POST', '/v1/watchlists', a.apiKey, { name, query })).status).toBe(201);
    expect(
      (await call('POST', '/v1/watchlists', b.apiKey, { name: 'Hoaks vaksin', query: 'vaksin AND chip' }))
        .status,
    ).toBe(201);
    for (const [agency, path] of [
      [a, '/a'],
      [b, '/b'],
    ] as const)
      expect(
        (
          await call('POST', '/v1/subscriptions', agency.apiKey, {
            channel: 'webhook',
            url: `${hook}${path}`,
            secret: `rahasia-${path.slice(1)}-0123456789`,
          })
        ).status,
      ).toBe(201);
    await sleep(1_500); // the scorer reloads watchlists every 500 ms

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
      publishedAt: new Date().toISOString(),
      author: { handle: `akun${i}` },
    }));
    expect((await call('POST', '/v1/ingest/posts', a.apiKey, burst)).status).toBe(202);

    await waitFor(() => received.some((r) => r.path === '/a') && received.some((r) => r.path === '/b'), {
      timeoutMs: 90_000,
      what: () => `alerts at both webhooks\n${tail(procs)}`,
    });
    await sleep(4_000); // more rising events may come: they must not make more alerts
    const alertsOf = (path: string) =>
      received.filter((r) => r.path === path && r.body.type !== 'clarification');
    expect(alertsOf('/a')).toHaveLength(1);
    expect(alertsOf('/b')).toHaveLength(1);
    const issueId = alertsOf('/a')[0]!.body.alert.issue.id;
    const listed = (await call('GET', '/v1/alerts', a.apiKey)).body.items;
    expect(listed).toHaveLength(1);
    expect(listed[0].watchlistIds).toHaveLength(3);

    const started = Date.now();
    const clar = await call('POST', `/v1/issues/${issueId}/clarifications`, a.apiKey, {
      text: 'Vaksin booster tidak mengandung chip. Vaksin sudah diuji BPOM dan aman digunakan.',
      url: 'https://sehatnegeriku.kemkes.go.id/baca/klarifikasi-vaksin-chip',
    });
    expect(clar.status).toBe(201);
    expect(clar.body.pushedTo).toEqual({ alerts: 2, deliveries: 2, reports: 0 });
    const atB = await waitFor(
      () => received.find((r) => r.path === '/b' && r.body.type === 'clarification'),
      {
        timeoutMs: 15_000,
        what: () => `the clarification at B\n${tail(procs)}`,
      },
    );
    const seconds = (atB!.at - started) / 1000;
    // The figure the issue asks for ("within seconds"): printed for the report, bounded loosely.
    console.log(`clarification A → B webhook: ${seconds.toFixed(2)} s`);
    expect(seconds).toBeLessThan(10);
    expect(atB!.body.clarification?.agencyName).toBe('Kemenkes');
    const issue = (await call('GET', `/v1/issues/${issueId}`, b.apiKey)).body;
    expect(issue.clarified).toBe(true);
    expect(issue.clarifications[0]).toMatchObject({ agencyName: 'Kemenkes', agencyId: a.id });
  });

  it('backtest over a replayed day returns the counts the live rules produced (scorer → rule stage)', async () => {
    const a = (await call('POST', '/v1/agencies', ADMIN_KEY, { name: 'Kementerian ESDM' })).body;
    const wl = await call('POST', '/v1/watchlists', a.apiKey, {
      name: 'Pertalite',
      query: 'pertalite',
      rules: [
        { type: 'volume', min: 5, windowMinutes: 15 },
        { type: 'hoax', minScore: 0.6 },
        { type: 'match' },
      ],
    });
    expect(wl.status).toBe(201);
    await sleep(1_500); // the scorer reloads watchlists every 500 ms
    // Yesterday, replayed: a few bursts about Pertalite, quiet hours between, some hoax-like wording.
    const day = Date.parse(new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10));
    const texts = [
      'Pertalite sekarang dicampur air, motor jadi mogok semua! SEBARKAN sebelum dihapus!!',
      'Antrean pertalite di SPBU Cibubur panjang banget pagi ini',
      'Harga pertalite naik lagi? Katanya mulai bulan depan, ada yang tau?',
    ];
    const posts = [];
    let n = 0;
    for (const [minute, count] of [
      [45, 6],
      [300, 3],
      [610, 8],
      [1200, 2],
    ] as const)
      for (let i = 0; i < count; i += 1) {
        n += 1;
        posts.push({
          source: 'replay',
          sourceId: `pertalite-${n}`,
          text: `${texts[n % texts.length]} #${n}`,
          publishedAt: new Date(day + minute * 60_000 + i * 30_000).toISOString(),
          author: { handle: `pengendara${n}` },
        });
      }
    expect((await call('POST', '/v1/ingest/posts', a.apiKey, posts)).status).toBe(202);
    const from = new Date(day).toISOString();
    const to = new Date(day + 86_400_000).toISOString();
    const wlId = wl.body.id as string;
    // Live: wait until every post went through the rule stage (the match rule fires once per post).
    const result = await waitFor(
      async () => {
        const r = await call('POST', `/v1/watchlists/${wlId}/backtest`, a.apiKey, { from, to });
        const match = r.body?.rules?.find((x: { type: string }) => x.type === 'match');
        return match?.fired === posts.length && match.wouldHaveFired === posts.length ? r.body : undefined;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 1_000,
        what: () => `every post through the live rules\n${tail(procs)}`,
      },
    );
    const byType = Object.fromEntries(
      result.rules.map((r: { type: string; fired: number; wouldHaveFired: number }) => [r.type, r]),
    );
    console.log(
      `backtest vs live over a replayed day: ${result.rules
        .map(
          (r: { type: string; fired: number; wouldHaveFired: number }) =>
            `${r.type} ${r.wouldHaveFired}/${r.fired}`,
        )
        .join(', ')}`,
    );
    // Two windows reach 5 posts (00:45 with 6, 10:10 with 8).
    expect(byType.volume).toMatchObject({ wouldHaveFired: 2, fired: 2 });
    expect(byType.hoax.fired).toBe(byType.hoax.wouldHaveFired);
    expect(byType.hoax.wouldHaveFired).toBeGreaterThan(0);
  });
});
