import { Type } from '@sinclair/typebox';
import { PantauError, createDecoder, DeadLetter } from '@pantau/core';
import { uniqueName, waitFor } from '@pantau/testkit';
import type { Bus, Decoded } from '../src';

/**
 * The bus contract: every adapter (Kafka, in-memory) must pass these same tests.
 */
const Item = Type.Object({ n: Type.Integer() });
const decodeItem = createDecoder(Item, 'item');
const decodeDead = createDecoder(DeadLetter, 'dead letter');

export function busContract(adapter: string, makeBus: () => Promise<Bus>): void {
  describe(`bus contract: ${adapter}`, () => {
    let bus: Bus;
    let topic: string;
    let dlq: string;
    const started: { close(): Promise<void> }[] = [];

    beforeAll(async () => {
      bus = await makeBus();
    });
    afterAll(async () => {
      await bus.close();
    });
    beforeEach(async () => {
      topic = uniqueName('contract');
      dlq = `${topic}.dlq`;
      await bus.ensureTopics([
        { topic, partitions: 3 },
        { topic: dlq, partitions: 1 },
      ]);
    });
    afterEach(async () => {
      await Promise.all(started.splice(0).map((c) => c.close()));
      await bus.deleteTopics([topic, dlq]);
    });

    const send = (items: { key: string; value: string }[]) => bus.producer().send(topic, items);
    const numbers = (from: number, to: number, keys = 4) =>
      Array.from({ length: to - from }, (_, i) => ({
        key: `k${(from + i) % keys}`,
        value: JSON.stringify({ n: from + i }),
      }));

    async function consume(
      groupId: string,
      handle: (batch: Decoded<{ n: number }>[]) => Promise<unknown>,
      extra: { topics?: string[]; fromBeginning?: boolean } = {},
    ) {
      const consumer = bus.consumer({
        groupId,
        topics: extra.topics ?? [topic],
        decode: decodeItem,
        dlqTopic: dlq,
        fromBeginning: extra.fromBeginning ?? true,
        handleBatch: async (batch) => {
          await handle(batch);
        },
      });
      await consumer.start();
      started.push(consumer);
      return consumer;
    }

    async function deadLetters(count: number) {
      const seen: DeadLetter[] = [];
      const reader = bus.consumer({
        groupId: uniqueName('dlq-reader'),
        topics: [dlq],
        decode: decodeDead,
        dlqTopic: `${dlq}.dlq`,
        fromBeginning: true,
        handleBatch: async (batch) => {
          seen.push(...batch.map((b) => b.value));
        },
      });
      await reader.start();
      started.push(reader);
      await waitFor(() => seen.length >= count, { what: `${count} dead letters`, timeoutMs: 30_000 });
      return seen;
    }

    it('delivers every message once to a group, in order per key', async () => {
      const got: { key: string | null; n: number }[] = [];
      await consume(uniqueName('g'), async (batch) => {
        got.push(...batch.map((b) => ({ key: b.message.key, n: b.value.n })));
      });
      await send(numbers(0, 200));
      await waitFor(() => got.length >= 200, { what: '200 messages' });
      expect(new Set(got.map((g) => g.n)).size).toBe(200);
      for (const key of ['k0', 'k1', 'k2', 'k3']) {
        const ns = got.filter((g) => g.key === key).map((g) => g.n);
        expect(ns).toEqual([...ns].sort((a, b) => a - b));
      }
    });

    it('gives each consumer group its own copy of the stream', async () => {
      const a: number[] = [];
      const b: number[] = [];
      await consume(uniqueName('ga'), async (batch) => void a.push(...batch.map((x) => x.value.n)));
      await consume(uniqueName('gb'), async (batch) => void b.push(...batch.map((x) => x.value.n)));
      await send(numbers(0, 50));
      await waitFor(() => a.length >= 50 && b.length >= 50, { what: 'both groups' });
      expect(a.sort((x, y) => x - y)).toEqual(b.sort((x, y) => x - y));
    });

    it('commits handled batches: a restarted group member does not see them again', async () => {
      const group = uniqueName('g');
      const first: number[] = [];
      const c1 = await consume(group, async (batch) => void first.push(...batch.map((x) => x.value.n)));
      await send(numbers(0, 30));
      await waitFor(() => first.length >= 30, { what: 'first 30' });
      await c1.close();
      started.splice(started.indexOf(c1), 1);

      const second: number[] = [];
      await consume(group, async (batch) => void second.push(...batch.map((x) => x.value.n)));
      await send(numbers(30, 40));
      await waitFor(() => second.length >= 10, { what: 'next 10' });
      expect(second.sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => 30 + i));
    });

    it('recalls the last messages a group handled, without moving its offsets', async () => {
      const group = uniqueName('g');
      const handledBy = new Map<number, number[]>(); // partition → values in offset order
      let handled = 0;
      const c1 = await consume(group, async (batch) => {
        for (const b of batch) {
          handledBy.set(b.message.partition, [...(handledBy.get(b.message.partition) ?? []), b.value.n]);
          handled += 1;
        }
      });
      await send(numbers(0, 30));
      await waitFor(() => handled >= 30, { what: 'first 30' });
      await c1.close();
      started.splice(started.indexOf(c1), 1);
      await send(numbers(30, 40)); // not handled yet: never recalled

      const recall = async (maxPerPartition: number, since = 0, groupId = group) => {
        const got = new Map<number, number[]>();
        const result = await bus.recall({ groupId, topic, maxPerPartition, since }, (messages) => {
          for (const m of messages) {
            const n = (JSON.parse(m.value.toString()) as { n: number }).n;
            got.set(m.partition, [...(got.get(m.partition) ?? []), n]);
          }
        });
        return { result, got };
      };
      const all = await recall(1000);
      expect(all.result.messages).toBe(30);
      expect(all.result.complete).toBe(true);
      expect(all.result.ranges.sort((a, b) => a.partition - b.partition)).toEqual(
        [...handledBy]
          .sort(([a], [b]) => a - b)
          .map(([partition, values]) => ({ partition, from: 0, end: values.length })),
      );
      expect(all.got).toEqual(handledBy);

      const lastTwo = await recall(2);
      for (const [partition, values] of handledBy)
        expect(lastTwo.got.get(partition)).toEqual(values.slice(-2));

      expect((await recall(1000, Date.now() + 60_000)).result.messages).toBe(0);
      expect((await recall(1000, 0, uniqueName('never-consumed'))).result).toEqual({
        messages: 0,
        ranges: [],
        complete: true,
      });
      // Or given ranges (a detector taking a partition over reads what another one handled meanwhile).
      const [partition, values] = [...handledBy].find(([, v]) => v.length >= 3)!;
      const ranged: number[] = [];
      const result = await bus.recall({ topic, ranges: [{ partition, from: 1, end: 3 }] }, (messages) =>
        ranged.push(...messages.map((m) => (JSON.parse(m.value.toString()) as { n: number }).n)),
      );
      expect(result).toMatchObject({ messages: 2, complete: true });
      expect(ranged).toEqual(values.slice(1, 3));

      const next: number[] = [];
      await consume(group, async (batch) => void next.push(...batch.map((x) => x.value.n)));
      await waitFor(() => next.length >= 10, { what: 'the 10 not handled before' });
      expect(next.sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => 30 + i));
    });

    it('sends poison messages to the dead-letter topic with the reason and keeps going', async () => {
      const got: number[] = [];
      await consume(uniqueName('g'), async (batch) => void got.push(...batch.map((x) => x.value.n)));
      await send([
        { key: 'a', value: JSON.stringify({ n: 1 }) },
        { key: 'a', value: '{"n": 2' },
        { key: 'a', value: JSON.stringify({ n: 'tiga' }) },
        { key: 'a', value: JSON.stringify({ n: 4 }) },
      ]);
      const letters = await deadLetters(2);
      await waitFor(() => got.length >= 2, { what: 'good messages' });
      expect(got.sort()).toEqual([1, 4]);
      const byCode = Object.fromEntries(letters.map((l) => [l.errorCode, l]));
      expect(Object.keys(byCode).sort()).toEqual(['MALFORMED_JSON', 'VALIDATION']);
      expect(Buffer.from(byCode.MALFORMED_JSON!.valueBase64, 'base64').toString()).toBe('{"n": 2');
      expect(byCode.VALIDATION!.errorMessage).toMatch(/\/n/);
      expect(byCode.VALIDATION!.topic).toBe(topic);
    });

    it('isolates a message the handler can never process and dead-letters only it', async () => {
      const got: number[] = [];
      await consume(uniqueName('g'), async (batch) => {
        if (batch.some((b) => b.value.n === 13)) throw new PantauError('HANDLER_FAILED', 'angka sial');
        got.push(...batch.map((b) => b.value.n));
      });
      await send(numbers(10, 16, 1));
      const letters = await deadLetters(1);
      await waitFor(() => got.length >= 5, { what: 'the other five' });
      expect(got.sort((a, b) => a - b)).toEqual([10, 11, 12, 14, 15]);
      expect(letters[0]!.errorCode).toBe('HANDLER_FAILED');
      expect(JSON.parse(Buffer.from(letters[0]!.valueBase64, 'base64').toString())).toEqual({ n: 13 });
    });

    it('retries a batch whose handler failed transiently, without dead-lettering it', async () => {
      let failuresLeft = 2;
      const got: number[] = [];
      await consume(uniqueName('g'), async (batch) => {
        if (failuresLeft-- > 0) throw new PantauError('STORE_UNAVAILABLE', 'opensearch sedang down');
        got.push(...batch.map((b) => b.value.n));
      });
      await send(numbers(0, 5, 1));
      await waitFor(() => got.length >= 5, { what: 'retried batch' });
      expect([...new Set(got)].sort()).toEqual([0, 1, 2, 3, 4]);
    });

    it('keeps up to inFlight batches in flight and still commits every one', async () => {
      const group = uniqueName('g');
      let running = 0;
      let most = 0;
      const handled: number[] = [];
      const consumer = bus.consumer({
        groupId: group,
        topics: [topic],
        decode: decodeItem,
        dlqTopic: dlq,
        fromBeginning: true,
        maxBatchSize: 5,
        inFlight: 3,
        handleBatch: async (batch) => {
          running += 1;
          most = Math.max(most, running);
          // The oldest batch is the slowest: later ones finish first, yet commit after it.
          await new Promise((r) => setTimeout(r, batch[0]!.value.n < 5 ? 300 : 20));
          handled.push(...batch.map((b) => b.value.n));
          running -= 1;
        },
      });
      started.push(consumer);
      await consumer.start();
      await send(numbers(0, 40, 1)); // one key: one partition, fetched as one batch
      await waitFor(() => handled.length >= 40, { what: '40 messages' });
      expect(most).toBeLessThanOrEqual(3);
      if (adapter === 'kafka') expect(most).toBeGreaterThan(1);
      await consumer.close();
      started.splice(started.indexOf(consumer), 1);
      // Everything was committed: a restarted member sees only what comes next.
      const again: number[] = [];
      await consume(group, async (batch) => void again.push(...batch.map((x) => x.value.n)));
      await send(numbers(40, 45, 1));
      await waitFor(() => again.length >= 5, { what: 'next 5' });
      expect(again.sort((x, y) => x - y)).toEqual([40, 41, 42, 43, 44]);
      expect([...handled].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    });

    it('redelivers after a crash: every message is handled at least once', async () => {
      const group = uniqueName('g');
      const handled = new Set<number>();
      // Three failures in a row exhaust the runner's two retries (a long outage): the consumer crashes
      // without committing and restarts from the last committed offsets.
      let crashesLeft = 3;
      await consume(group, async (batch) => {
        if (batch.some((b) => b.value.n === 25) && crashesLeft > 0) {
          crashesLeft -= 1;
          throw new PantauError('STORE_UNAVAILABLE', 'down for a while');
        }
        batch.forEach((b) => handled.add(b.value.n));
      });
      await send(numbers(0, 50));
      await waitFor(() => handled.size >= 50, { what: 'all 50 after the crash', timeoutMs: 45_000 });
      expect(handled.size).toBe(50);
    });
  });
}
