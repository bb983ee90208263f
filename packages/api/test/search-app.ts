import { createMemoryBus } from '@pantau/bus';
import { topicNames } from '@pantau/core';
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
import { buildApp, type ApiConfig } from '../src';

export interface SearchAppBed {
  client: SearchClient;
  names: IndexNames;
  prefix: string;
  app: FastifyInstance;
}

/**
 * The API on real OpenSearch (indices under a prefix of its own, dropped after the suite) with the
 * in-memory bus: the test bed of suites that read and write the store and publish nothing (Kafka has
 * suites of its own). Call it at the top of a `describe`: it registers the suite's first `beforeAll`
 * and last `afterAll`, and the bed it returns is filled in once that `beforeAll` has run.
 */
export function useSearchApp(name: string, config: ApiConfig): SearchAppBed {
  const bed = {} as SearchAppBed;
  const logger = testLogger(`api-${name}-test`);
  beforeAll(async () => {
    await requireServers('opensearch');
    bed.client = createSearchClient(servers.opensearchUrl);
    bed.prefix = `${uniqueName(`api${name}`)}-`;
    bed.names = await installIndices(bed.client, { prefix: bed.prefix });
    bed.app = buildApp({
      config,
      logger,
      search: bed.client,
      names: bed.names,
      producer: createMemoryBus({ logger }).producer(),
      topics: topicNames(`${bed.prefix}.`),
      health: new Health(3_000),
    });
    await bed.app.ready();
  });
  afterAll(async () => {
    await bed.app?.close();
    if (!bed.client) return;
    await dropIndices(bed.client, bed.prefix);
    await bed.client.close();
  });
  return bed;
}
