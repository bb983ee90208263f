import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createKafkaBus, type Bus } from '@pantau/bus';
import { topicNames } from '@pantau/core';
import { Health } from '@pantau/runtime';
import { createSearchClient, dropIndices, installIndices, type SearchClient } from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName } from '@pantau/testkit';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src';

/**
 * Fail fast, never hang (issue 12): with Kafka or OpenSearch dead — or worse, stuck (the port
 * accepts connections and never answers) — a request answers a retriable 503 with Retry-After
 * within 5 s. The servers that are "down" here are a closed port and a local black hole; the shared
 * servers are never touched. The fault suite (`npm run test:faults`) kills real ones.
 */
jest.setTimeout(60_000);

const ADMIN_KEY = 'operator-outage-key-0123456789abcdef';
const logger = testLogger('api-outage');
const post = {
  source: 'outage-test',
  sourceId: '1',
  text: 'Banjir rob di Muara Baru, warga diminta waspada',
  publishedAt: new Date().toISOString(),
};

/** A TCP server that accepts connections and never says a word: a frozen server. */
async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('API with a server down or stuck', () => {
  let search: SearchClient;
  let prefix: string;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    await requireServers('opensearch');
    search = createSearchClient(servers.opensearchUrl);
    prefix = `${uniqueName('outage')}-`;
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await dropIndices(search, prefix);
    await search.close();
  });

  const appWith = async (bus: Bus, store: SearchClient): Promise<FastifyInstance> => {
    const names = await installIndices(search, { prefix });
    const app = buildApp({
      config: { PANTAU_ADMIN_KEY: ADMIN_KEY },
      logger,
      search: store,
      names,
      producer: bus.producer(),
      topics: topicNames(`${prefix}.`),
      health: new Health(2_000),
    });
    closers.push(
      () => app.close(),
      () => bus.close(),
    );
    return app;
  };

  const ingest = async (app: FastifyInstance, key = ADMIN_KEY) => {
    const started = Date.now();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/ingest/posts',
      headers: { authorization: `Bearer ${key}` },
      payload: [post],
    });
    return { res, ms: Date.now() - started };
  };

  it.each([
    ['dead (connection refused)', async () => ({ port: 1, close: async () => undefined })],
    ['stuck (accepts, never answers)', blackHole],
  ])('answers 503 BUS_UNAVAILABLE with Retry-After within 5 s when Kafka is %s', async (_, broker) => {
    const hole = await broker();
    closers.push(() => hole.close());
    const bus = createKafkaBus({ brokers: [`127.0.0.1:${hole.port}`], clientId: 'outage', logger });
    const app = await appWith(bus, search);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const { res, ms } = await ingest(app);
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('BUS_UNAVAILABLE');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(ms).toBeLessThan(5_000);
    }
  });

  it('answers 503 STORE_UNAVAILABLE with Retry-After within 5 s when OpenSearch is stuck', async () => {
    await requireServers('kafka');
    const hole = await blackHole();
    closers.push(() => hole.close());
    // The API's own timeout (services/api passes 4 s to connectStack).
    const stuck = createSearchClient(`http://127.0.0.1:${hole.port}`, 4_000);
    closers.push(() => stuck.close());
    const bus = createKafkaBus({ brokers: servers.kafkaBrokers, clientId: 'outage-os', logger });
    const app = await appWith(bus, stuck);
    // An agency key is checked in OpenSearch; the operator key is not.
    const started = Date.now();
    const res = await app.inject({
      method: 'GET',
      url: '/v1/posts?q=banjir',
      headers: { authorization: 'Bearer pk_some_agency_key' },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('STORE_UNAVAILABLE');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});
