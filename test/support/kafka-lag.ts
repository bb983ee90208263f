import type { Admin } from 'kafkajs';

/**
 * Messages of `topic` the consumer group has not committed yet. A partition the group never committed
 * on counts from its first retained message (nothing written there: nothing to read).
 */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
  return ends.reduce(
    (sum, e) => sum + Math.max(0, Number(e.high) - Math.max(Number(e.low), done.get(e.partition) ?? -1)),
    0,
  );
}
