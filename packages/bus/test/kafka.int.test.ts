import { requireServers, servers, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import { createKafkaBus } from '../src';
import { busContract } from './contract';

busContract('kafka', async () => {
  await requireServers('kafka');
  return createKafkaBus({
    brokers: servers.kafkaBrokers,
    clientId: 'pantau-contract',
    logger: testLogger('bus'),
    handlerRetries: 2,
    handlerRetryDelayMs: 20,
  });
});

describe('kafka producer without a broker (issue 12: fail fast, never hang)', () => {
  it('fails a send with the retriable BUS_UNAVAILABLE within the send timeout', async () => {
    // A port nothing listens on: connection refused, like a killed broker.
    const bus = createKafkaBus({
      brokers: ['127.0.0.1:1'],
      clientId: 'pantau-down',
      logger: testLogger('bus-down'),
      sendTimeoutMs: 2_000,
    });
    try {
      for (let i = 0; i < 2; i += 1) {
        const started = Date.now();
        const err = await bus
          .producer()
          .send('never', [{ key: 'k', value: 'v' }])
          .then(
            () => undefined,
            (e: unknown) => e as { code?: string; retriable?: boolean },
          );
        expect(err).toMatchObject({ code: 'BUS_UNAVAILABLE', retriable: true });
        expect(Date.now() - started).toBeLessThan(3_000);
      }
    } finally {
      await bus.close();
    }
  });
});

describe('kafka producer: big sends', () => {
  it('sends more than the broker takes in one request (1 MiB) as several requests, in order', async () => {
    await requireServers('kafka');
    const bus = createKafkaBus({
      brokers: servers.kafkaBrokers,
      clientId: 'pantau-big',
      logger: testLogger('bus'),
    });
    const topic = uniqueName('big');
    try {
      await bus.ensureTopics([{ topic, partitions: 1 }]);
      // 24 messages of 100 KB on one partition: 2.4 MB in one send.
      const text = 'Viral video banjir bandang di Garut, warga mengungsi ke masjid. '.repeat(1_600);
      await bus.producer().send(
        topic,
        Array.from({ length: 24 }, (_, n) => ({ key: 'same-issue', value: JSON.stringify({ n, text }) })),
      );
      const got: number[] = [];
      const consumer = bus.consumer({
        groupId: uniqueName('big-reader'),
        topics: [topic],
        decode: (v) => JSON.parse(v.toString()) as { n: number },
        dlqTopic: `${topic}.dlq`,
        fromBeginning: true,
        handleBatch: async (batch) => void got.push(...batch.map((b) => b.value.n)),
      });
      await consumer.start();
      await waitFor(() => got.length >= 24, { what: '24 big messages', timeoutMs: 30_000 });
      await consumer.close();
      expect(got).toEqual(Array.from({ length: 24 }, (_, n) => n));
    } finally {
      await bus.deleteTopics([topic]).catch(() => undefined);
      await bus.close();
    }
  });
});

describe('kafka consumer: lingering fetches', () => {
  /** Batch sizes the handler sees for 5 sends of 4 messages, 60 ms apart. */
  async function batchSizes(lingerMs: number | undefined): Promise<number[]> {
    const bus = createKafkaBus({
      brokers: servers.kafkaBrokers,
      clientId: 'pantau-linger',
      logger: testLogger('bus'),
    });
    const topic = uniqueName('linger');
    const sizes: number[] = [];
    try {
      await bus.ensureTopics([{ topic, partitions: 1 }]);
      const consumer = bus.consumer({
        groupId: uniqueName('linger-reader'),
        topics: [topic],
        decode: (v) => v.toString(),
        dlqTopic: `${topic}.dlq`,
        fromBeginning: true,
        ...(lingerMs ? { lingerMs, lingerBytes: 1 << 20 } : {}),
        handleBatch: async (batch) => void sizes.push(batch.length),
      });
      await consumer.start();
      for (let i = 0; i < 5; i += 1) {
        await bus.producer().send(
          topic,
          Array.from({ length: 4 }, (_, n) => ({ key: 'k', value: `#banjirjakarta update ${i}.${n}` })),
        );
        await new Promise((r) => setTimeout(r, 60));
      }
      await waitFor(() => sizes.reduce((a, b) => a + b, 0) >= 20, { what: '20 messages', timeoutMs: 30_000 });
      await consumer.close();
      return sizes;
    } finally {
      await bus.deleteTopics([topic]).catch(() => undefined);
      await bus.close();
    }
  }

  it('gathers what arrives within lingerMs into one batch, and answers at once without it', async () => {
    await requireServers('kafka');
    const eager = await batchSizes(undefined);
    const lingering = await batchSizes(1_500);
    // Without lingering every send is its own fetch; with it, the 300 ms of sends fit one or two
    // fetches (one may already have been waiting when the first send arrived).
    expect(eager.length).toBeGreaterThanOrEqual(4);
    expect(lingering.length).toBeLessThanOrEqual(2);
    expect(Math.max(...lingering)).toBeGreaterThanOrEqual(12);
  });
});
