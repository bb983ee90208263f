import { PantauError } from '@pantau/core';
import { registry } from '@pantau/metrics';
import { testLogger } from '@pantau/testkit';
import { processBatch } from '../src/batch';
import type { BusMessage, OutgoingMessage } from '../src';

// The batch runner is the seam every stage goes through: its metrics must move with real batches.
const message = (offset: number, value: string): BusMessage => ({
  topic: 'm.posts.raw',
  partition: 0,
  offset: String(offset),
  key: null,
  value: Buffer.from(value),
  headers: {},
  timestamp: Date.now(),
});

async function value(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const match = metric?.values.find((v) =>
    Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l),
  );
  return match?.value ?? 0;
}

describe('batch runner metrics', () => {
  it('counts handled messages, dead letters by code and observes batch latency', async () => {
    const sent: OutgoingMessage[] = [];
    const group = `metrics-${Date.now()}`;
    await processBatch(
      [message(1, '{"ok":1}'), message(2, 'not json'), message(3, '{"ok":3}')],
      {
        groupId: group,
        topics: ['m.posts.raw'],
        dlqTopic: 'm.dlq',
        decode: (v) => {
          try {
            return JSON.parse(v.toString()) as { ok: number };
          } catch (err) {
            throw new PantauError('MALFORMED_JSON', String(err));
          }
        },
        handleBatch: async () => undefined,
      },
      { producer: { send: async (_t, m) => void sent.push(...m) }, logger: testLogger('metrics') },
    );
    expect(sent).toHaveLength(1);
    expect(await value('pantau_messages_handled_total', { group, topic: 'm.posts.raw' })).toBe(2);
    expect(await value('pantau_dlq_messages_total', { group, code: 'MALFORMED_JSON' })).toBe(1);
    const text = await registry.metrics();
    expect(text).toMatch(
      new RegExp(`pantau_batch_duration_seconds_count\\{group="${group}",topic="m.posts.raw"\\} 1`),
    );
  });
});
