import * as fs from 'node:fs';
import * as path from 'node:path';
import { topicNames } from '@pantau/core';
import { createKafkaBus } from '@pantau/bus';
import { createSearchClient, dropIndices, type SearchClient } from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import {
  randomPort,
  stackEnv,
  repoRoot,
  startService,
  stopService,
  tail,
  type ServiceProcess,
  waitForStack,
} from '../support/processes';

/**
 * No mega-issue through the live API: 5,000 unrelated real texts (IndoNLU SmSA reviews, read from
 * ../shared/data) pushed through POST /v1/ingest/posts, once plain and once with one hashtag on every
 * text, never put more than 5 % of them in one issue.
 */
jest.setTimeout(420_000);

const ADMIN_KEY = 'pk_admin_mega_0123456789abcdef';
const file = path.resolve(repoRoot, '../shared/data/text/indonlu-smsa-train.tsv');
if (!fs.existsSync(file))
  throw new Error(`${file} is missing: this test needs ../shared/data beside the repo`);
const texts = fs
  .readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .slice(0, 5000)
  .map((l) => l.split('\t')[0]!);

describe('no mega-issue through the live API (real Kafka and OpenSearch)', () => {
  const prefix = uniqueName('mega');
  const env = stackEnv(prefix, servers, ADMIN_KEY);
  const procs: ServiceProcess[] = [];
  let api = '';
  let search: SearchClient;

  beforeAll(async () => {
    await requireServers('kafka', 'opensearch', 'redis');
    search = createSearchClient(servers.opensearchUrl);
    const port = randomPort();
    api = `http://127.0.0.1:${port}`;
    procs.push(startService('api', { ...env, PORT: String(port) }));
    procs.push(startService('scorer', env));
    await waitForStack(api, procs);
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => stopService(p)));
    const bus = createKafkaBus({
      brokers: servers.kafkaBrokers,
      clientId: 'mega',
      logger: testLogger('mega'),
    });
    await bus.deleteTopics(Object.values(topicNames(env.TOPIC_PREFIX))).catch(() => undefined);
    await bus.close();
    await dropIndices(search, env.INDEX_PREFIX);
    await search.close();
  });

  it.each([
    ['plain', 'smsa', ''],
    ['with one hashtag on every text', 'smsatag', ' #infojakarta'],
  ])('keeps every issue under 5 %% of 5,000 reviews (%s)', async (_name, source, tag) => {
    const start = Date.now() - 5000 * 20_000;
    for (let i = 0; i < texts.length; i += 500) {
      const res = await fetch(`${api}/v1/ingest/posts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(
          texts.slice(i, i + 500).map((text, j) => ({
            source,
            sourceId: String(i + j),
            text: text + tag,
            publishedAt: new Date(start + (i + j) * 20_000).toISOString(),
            author: { handle: `pengulas${i + j}` },
          })),
        ),
      });
      expect(res.status).toBe(202);
      expect(((await res.json()) as { accepted: number }).accepted).toBe(Math.min(500, texts.length - i));
    }
    const index = `${env.INDEX_PREFIX}posts`;
    const query = { term: { source } };
    await waitFor(
      async () => {
        await search.indices.refresh({ index }).catch(() => undefined);
        const res = await search.count({ index, body: { query } as never }).catch(() => undefined);
        return ((res?.body.count as number | undefined) ?? 0) >= texts.length;
      },
      { timeoutMs: 240_000, intervalMs: 500, what: () => `all ${source} posts indexed\n${tail(procs)}` },
    );
    const res = await search.search({
      index,
      body: { size: 0, query, aggs: { issues: { terms: { field: 'issueId', size: 3 } } } } as never,
    });
    const buckets = (res.body.aggregations as { issues: { buckets: { doc_count: number }[] } }).issues
      .buckets;
    const largest = buckets[0]!.doc_count / texts.length;
    expect(largest).toBeLessThan(0.05);
  });
});
