import { topicNames } from '@pantau/core';
import { closeRedis, connectRedis, type RedisConnection } from '@pantau/queue';
import { Health } from '@pantau/runtime';
import {
  createSearchClient,
  dropIndices,
  installIndices,
  type IndexNames,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName } from '@pantau/testkit';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src';
import { inertProducer } from './inert-producer';

/**
 * The per-key rate limit counted in Redis: two API processes behind one address share one limit
 * (in memory each would allow the limit again), and a Redis outage lifts the limit instead of
 * failing or stalling requests.
 */
jest.setTimeout(60_000);

const ADMIN_KEY = 'operator-ratelimit-key-0123456789abcdef';
const logger = testLogger('api-rate-limit');

describe('rate limit across API processes (real Redis and OpenSearch)', () => {
  let search: SearchClient;
  let names: IndexNames;
  let prefix: string;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    await requireServers('opensearch', 'redis');
    search = createSearchClient(servers.opensearchUrl);
    prefix = uniqueName('ratelimit');
    names = await installIndices(search, { prefix: `${prefix}-` });
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await dropIndices(search, `${prefix}-`);
    await search.close();
  });

  const apiWith = (redis: RedisConnection): FastifyInstance => {
    const app = buildApp({
      config: { PANTAU_ADMIN_KEY: ADMIN_KEY },
      logger,
      search,
      names,
      producer: inertProducer,
      topics: topicNames(`${prefix}.`),
      health: new Health(),
      rateLimitPerMinute: 4,
      rateLimitStore: { redis, prefix },
    });
    closers.push(() => app.close());
    return app;
  };
  const issues = (app: FastifyInstance) =>
    app.inject({ method: 'GET', url: '/v1/issues', headers: { authorization: `Bearer ${ADMIN_KEY}` } });

  it('counts one limit for every API process', async () => {
    const redis = connectRedis(servers.redisUrl, logger, 'rate-limit-test', { failFast: true });
    closers.push(() => closeRedis(redis));
    // Fail-fast means no offline queue: requests before the connection is up are not counted (as in
    // production while Redis is away), so the count starts once it is ready.
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    const first = apiWith(redis);
    const second = apiWith(redis);
    expect((await issues(first)).statusCode).toBe(200);
    expect((await issues(second)).statusCode).toBe(200);
    expect((await issues(first)).statusCode).toBe(200);
    expect((await issues(second)).statusCode).toBe(200);
    const over = await issues(first);
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect((await issues(second)).statusCode).toBe(429);
  });

  it('lets requests through, promptly, while Redis is unreachable', async () => {
    // A port nothing listens on: connection refused, like a stopped Redis.
    const down = connectRedis('redis://127.0.0.1:1', logger, 'rate-limit-down', { failFast: true });
    closers.push(() => closeRedis(down).catch(() => undefined));
    const app = apiWith(down);
    for (let i = 0; i < 6; i += 1) {
      const started = Date.now();
      expect((await issues(app)).statusCode).toBe(200);
      expect(Date.now() - started).toBeLessThan(3_000);
    }
  });
});
