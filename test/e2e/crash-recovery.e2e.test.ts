import { topicNames } from '@pantau/core';
import { createKafkaBus, type Bus } from '@pantau/bus';
import { preparePosts, publishRawPosts } from '@pantau/ingest';
import { createSearchClient, dropIndices, type SearchClient } from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import { startService, stopService, tail, type ServiceProcess } from '../support/processes';

/**
 * A scorer killed with SIGKILL in the middle of the stream loses nothing and duplicates nothing:
 * offsets are committed only after a batch is indexed, and a post's document id is its own id.
 */
jest.setTimeout(240_000);

describe('crash recovery (scorer killed mid-stream, real Kafka and OpenSearch)', () => {
  const prefix = uniqueName('crash');
  const env = {
    TOPIC_PREFIX: `${prefix}.`,
    INDEX_PREFIX: `${prefix}-`,
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    OPENSEARCH_URL: servers.opensearchUrl,
    // Small batches make the stream long enough to be killed in the middle of it.
    SCORER_BATCH_SIZE: '20',
  };
  const topics = topicNames(env.TOPIC_PREFIX);
  const TOTAL = 3_000;
  let bus: Bus;
  let search: SearchClient;
  const procs: ServiceProcess[] = [];

  beforeAll(async () => {
    await requireServers('kafka', 'opensearch');
    bus = createKafkaBus({
      brokers: servers.kafkaBrokers,
      clientId: 'crash-test',
      logger: testLogger('crash'),
    });
    search = createSearchClient(servers.opensearchUrl);
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => stopService(p)));
    await bus.deleteTopics(Object.values(topics)).catch(() => undefined);
    await bus.close();
    await dropIndices(search, env.INDEX_PREFIX);
    await search.close();
  });

  const indexed = async (): Promise<number> => {
    const res = await search
      .count({ index: `${env.INDEX_PREFIX}posts`, ignore_unavailable: true })
      .catch(() => undefined);
    return (res?.body.count as number | undefined) ?? 0;
  };

  it('indexes every post exactly once across a SIGKILL and a restart', async () => {
    const texts = [
      'Harga beras premium naik lagi di Cipinang, pedagang mengeluh sepi pembeli',
      'Viralkan!! Beras plastik beredar di pasar Bekasi, hati2 ya bun',
      'Kemenkes: kasus DBD meningkat di musim hujan, warga diminta 3M plus',
      'Jalan tol Cipularang padat merayap jelang libur panjang #InfoMudik',
    ];
    const { accepted } = preparePosts(
      Array.from({ length: TOTAL }, (_, i) => ({
        source: 'crash',
        sourceId: String(i),
        text: `${texts[i % texts.length]} (${i})`,
        publishedAt: new Date(Date.now() - (TOTAL - i) * 1000).toISOString(),
        author: { handle: `akun${i % 97}` },
      })),
    );
    await bus.ensureTopics([{ topic: topics.postsRaw, partitions: 6 }]);
    for (let i = 0; i < accepted.length; i += 500)
      await publishRawPosts(bus.producer(), topics.postsRaw, accepted.slice(i, i + 500));

    const first = startService('scorer', env);
    procs.push(first);
    await refreshUntil(
      () => indexed().then((n) => n >= 300),
      `the first scorer to index some posts\n${tail(procs)}`,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    await search.indices.refresh({ index: `${env.INDEX_PREFIX}posts` });
    const atKill = await indexed();
    expect(atKill).toBeLessThan(TOTAL); // it really died mid-stream

    const second = startService('scorer', env);
    procs.push(second);
    await refreshUntil(
      () => indexed().then((n) => n >= TOTAL),
      `the restarted scorer to finish\n${tail(procs)}`,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    await search.indices.refresh({ index: `${env.INDEX_PREFIX}posts` });
    expect(await indexed()).toBe(TOTAL); // nothing lost, nothing twice

    // Every post reached posts.enriched at least once (replayed ones may appear twice there).
    const seen = new Set<string>();
    const reader = bus.consumer({
      groupId: uniqueName('enriched-reader'),
      topics: [topics.postsEnriched],
      decode: (v) => JSON.parse(v.toString()) as { id: string },
      dlqTopic: topics.dlq,
      fromBeginning: true,
      handleBatch: async (batch) => batch.forEach((b) => seen.add(b.value.id)),
    });
    await reader.start();
    await waitFor(() => seen.size >= TOTAL, { timeoutMs: 60_000, what: 'every post on posts.enriched' });
    await reader.close();
    expect(seen.size).toBe(TOTAL);

    async function refreshUntil(check: () => Promise<boolean>, what: string) {
      await waitFor(
        async () => {
          await search.indices.refresh({ index: `${env.INDEX_PREFIX}posts` }).catch(() => undefined);
          return check();
        },
        { timeoutMs: 150_000, intervalMs: 200, what },
      );
    }
  });
});
