import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { topicNames } from '@pantau/core';
import { createKafkaBus } from '@pantau/bus';
import { createSearchClient, dropIndices } from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import { startService, tail } from '../support/processes';

/** The ingest service replays a JSONL file onto posts.raw and exits cleanly when it is done. */
jest.setTimeout(120_000);

it('replays a JSONL file onto posts.raw, skipping bad lines, and exits 0', async () => {
  await requireServers('kafka', 'opensearch');
  const prefix = `${uniqueName('replay')}.`;
  const topics = topicNames(prefix);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'replay-')), 'posts.jsonl');
  const lines = Array.from({ length: 40 }, (_, i) =>
    JSON.stringify({
      source: 'replay',
      sourceId: String(i),
      text: `Info lalu lintas Jakarta pagi ini #${i}`,
      publishedAt: '2026-11-28T01:00:00Z',
    }),
  );
  writeFileSync(file, [...lines, '{bukan json', JSON.stringify({ source: 'replay' })].join('\n'));

  const ingest = startService(
    'ingest',
    {
      TOPIC_PREFIX: prefix,
      INDEX_PREFIX: `${prefix}-`,
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      OPENSEARCH_URL: servers.opensearchUrl,
    },
    ['--file', file, '--speed', '0'],
  );
  expect(await ingest.exited).toBe(0);
  expect(ingest.output.join('\n')).toContain('"accepted":40,"rejected":2');

  const bus = createKafkaBus({
    brokers: servers.kafkaBrokers,
    clientId: 'replay-test',
    logger: testLogger(),
  });
  const seen = new Set<string>();
  const reader = bus.consumer<{ sourceId: string }>({
    groupId: uniqueName('replay-reader'),
    topics: [topics.postsRaw],
    decode: (v) => JSON.parse(v.toString()),
    dlqTopic: topics.dlq,
    fromBeginning: true,
    handleBatch: async (batch) => batch.forEach((b) => seen.add(b.value.sourceId)),
  });
  try {
    await reader.start();
    await waitFor(() => seen.size >= 40, { what: () => `40 replayed posts\n${tail([ingest])}` });
    expect(seen.size).toBe(40);
  } finally {
    await reader.close();
    await bus.deleteTopics(Object.values(topics)).catch(() => undefined);
    await bus.close();
    const search = createSearchClient(servers.opensearchUrl);
    await dropIndices(search, `${prefix}-`);
    await search.close();
  }
});
