import { createMemoryBus } from '@pantau/bus';
import { closeRedis, connectRedis, obliterateQueue, type RedisConnection } from '@pantau/queue';
import {
  createSearchClient,
  dropIndices,
  installIndices,
  type IndexNames,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, sleep, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import {
  CONNECTORS,
  connectSources,
  createHttpClient,
  createPoller,
  createSourceWorker,
  type SourcesRuntime,
} from '../src';
import { fixture, startFakeServer, type FakeServer } from './support';

const logger = testLogger('schedule-test');

/**
 * The scheduling path on real Redis and OpenSearch: sources created through the service become
 * BullMQ repeatable jobs; two workers (as two ingest processes would) share them, each source is
 * polled on its interval and never twice at once; pausing and deleting stop the schedule.
 */
describe('source schedules (real Redis + OpenSearch)', () => {
  const prefix = uniqueName('sched');
  let search: SearchClient;
  let names: IndexNames;
  let server: FakeServer;
  let runtime: SourcesRuntime;
  const connections: RedisConnection[] = [];
  const workers: { close(): Promise<void> }[] = [];
  let inFlight = new Map<string, number>();
  let overlaps = 0;

  beforeAll(async () => {
    await requireServers('redis', 'opensearch');
    search = createSearchClient(servers.opensearchUrl);
    names = await installIndices(search, { prefix: `${prefix}-` });
    server = await startFakeServer();
    server.answer(() => ({ body: fixture('portal-rdf.xml') }));
    runtime = connectSources({
      redisUrl: servers.redisUrl,
      prefix,
      search,
      names,
      allowPrivate: true,
      failingAfter: 3,
      logger,
    });
    const bus = createMemoryBus({ logger });
    const http = createHttpClient({ allowPrivate: true });
    // Count polls per source in flight at the same time across both workers.
    const watched = {
      get: async (url: string, req?: Parameters<typeof http.get>[1]) => {
        const key = new URL(url).searchParams.get('s') ?? url;
        const now = (inFlight.get(key) ?? 0) + 1;
        inFlight.set(key, now);
        if (now > 1) overlaps += 1;
        try {
          await sleep(150);
          return await http.get(url, req);
        } finally {
          inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
        }
      },
    };
    for (let i = 0; i < 2; i += 1) {
      const connection = connectRedis(servers.redisUrl, logger, `worker-${i}`);
      connections.push(connection);
      const poller = createPoller({
        connectors: CONNECTORS,
        state: runtime.state,
        http: watched,
        producer: bus.producer(),
        topic: 'posts.raw',
        credential: () => undefined,
        logger,
      });
      workers.push(
        createSourceWorker({
          connection,
          prefix,
          registry: runtime.registry,
          poller,
          logger,
          concurrency: 4,
        }),
      );
    }
  });

  afterAll(async () => {
    for (const w of workers) await w.close();
    for (const c of connections) await closeRedis(c);
    await runtime.close();
    await obliterateQueue(servers.redisUrl, prefix, 'sources').catch(() => undefined);
    await server.close();
    await dropIndices(search, `${prefix}-`);
    await search.close();
  });

  it('polls every source on its interval, shared by two workers, never one source twice at once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const s = await runtime.service.create({
        kind: 'rss',
        name: `Feed ${i}`,
        config: { url: `${server.url}/rss?s=${i}` },
        intervalSeconds: 10,
      });
      ids.push(s.id);
    }
    // A manual poll on top of the schedule must not overlap a scheduled one.
    for (const id of ids) await runtime.service.pollNow(id);
    for (const id of ids) await runtime.service.pollNow(id);
    await waitFor(
      async () => {
        const views = await runtime.service.list();
        return views.every((v) => v.lastSuccessAt !== null);
      },
      { timeoutMs: 30_000, what: 'every source polled' },
    );
    const views = await runtime.service.list();
    for (const v of views) expect(v).toMatchObject({ status: 'ok', itemsTotal: 1 });
    expect(overlaps).toBe(0);
    // The repeatable job fires again within its interval (10 s, shifted by the source's offset).
    const polled = server.requests.length;
    await waitFor(() => server.requests.length >= polled + 3, { timeoutMs: 25_000, what: 'scheduled polls' });
    expect(overlaps).toBe(0);

    // Paused and deleted sources leave the schedule.
    await runtime.service.update(ids[0]!, { paused: true });
    await runtime.service.remove(ids[1]!);
    expect(await runtime.service.reconcile()).toBe(1);
    inFlight = new Map();
    const before = server.requests.length;
    await sleep(11_000);
    const later = server.requests.slice(before).map((r) => new URL(r.path, 'http://x').searchParams.get('s'));
    expect(later.length).toBeGreaterThan(0);
    expect(new Set(later)).toEqual(new Set(['2']));
  });
});
