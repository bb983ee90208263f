import {
  Kafka,
  logLevel,
  Partitioners,
  type Consumer as KafkaConsumer,
  type LogEntry,
  type Producer as KafkaProducer,
} from 'kafkajs';
import { PantauError } from '@pantau/core';
import type { Logger } from 'pino';
import { processBatch } from './batch';
import type {
  Bus,
  BusMessage,
  Consumer,
  ConsumerOptions,
  OutgoingMessage,
  Producer,
  TopicSpec,
} from './types';

/** The only file in Pantau that imports kafkajs. */
export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Handler retries before a batch fails and the consumer restarts (see batch.ts). */
  handlerRetries?: number;
  handlerRetryDelayMs?: number;
}

// kafkajs logs go through pino so a process writes one JSON log stream.
function pinoLogCreator(logger: Logger) {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      if (level === logLevel.ERROR) kafkaLogger.error(extra, message);
      else if (level === logLevel.WARN) kafkaLogger.warn(extra, message);
      else if (level === logLevel.INFO) kafkaLogger.debug(extra, message);
      else kafkaLogger.trace(extra, message);
    };
}

function toHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v !== undefined) out[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  }
  return out;
}

export function createKafkaBus(options: KafkaBusOptions): Bus {
  const logger = options.logger.child({ component: 'bus', adapter: 'kafka' });
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(options.logger),
    retry: { initialRetryTime: 300, retries: 8 },
  });
  const admin = kafka.admin();
  let adminConnected: Promise<void> | undefined;
  const connectAdmin = () => (adminConnected ??= admin.connect());

  let rawProducer: KafkaProducer | undefined;
  let producerConnected: Promise<void> | undefined;
  const consumers = new Set<KafkaConsumer>();

  const getProducer = (): KafkaProducer => {
    if (!rawProducer) {
      // Idempotent: a retried send after a lost acknowledgement is not written twice.
      rawProducer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      rawProducer.on(rawProducer.events.REQUEST_TIMEOUT, (e) =>
        logger.warn({ event: e.payload }, 'producer request timeout'),
      );
    }
    return rawProducer;
  };

  const producer: Producer = {
    async send(topic: string, messages: OutgoingMessage[]) {
      if (messages.length === 0) return;
      const p = getProducer();
      producerConnected ??= p.connect();
      try {
        await producerConnected;
        await p.send({
          topic,
          acks: -1,
          messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        });
      } catch (err) {
        producerConnected = undefined;
        throw new PantauError('BUS_UNAVAILABLE', `could not produce to ${topic}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
  };

  return {
    kind: 'kafka',
    producer: () => producer,

    consumer<T>(opts: ConsumerOptions<T>): Consumer {
      const log = logger.child({ group: opts.groupId });
      const consumer = kafka.consumer({
        groupId: opts.groupId,
        // A crash of our handler (retries exhausted) restarts the consumer from the last commit
        // instead of leaving the stage dead: nothing is lost, the operator sees the errors.
        retry: {
          retries: 5,
          restartOnFailure: async (err) => {
            log.error({ err }, 'consumer crashed; restarting from the last committed offsets');
            return true;
          },
        },
        maxWaitTimeInMs: 500,
      });
      consumers.add(consumer);
      consumer.on(consumer.events.CRASH, (e) =>
        log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crash'),
      );
      const maxBatch = opts.maxBatchSize ?? 500;

      return {
        async start() {
          const joined = new Promise<void>((resolve) => {
            const off = consumer.on(consumer.events.GROUP_JOIN, () => {
              off();
              resolve();
            });
          });
          await consumer.connect();
          await consumer.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning ?? false });
          await consumer.run({
            eachBatchAutoResolve: false,
            // Commit whenever we have resolved offsets, i.e. right after each handled chunk.
            autoCommit: true,
            autoCommitThreshold: 1,
            eachBatch: async ({
              batch,
              resolveOffset,
              heartbeat,
              commitOffsetsIfNecessary,
              isRunning,
              isStale,
            }) => {
              for (let i = 0; i < batch.messages.length; i += maxBatch) {
                if (!isRunning() || isStale()) return;
                const chunk: BusMessage[] = batch.messages.slice(i, i + maxBatch).map((m) => ({
                  topic: batch.topic,
                  partition: batch.partition,
                  offset: m.offset,
                  key: m.key ? m.key.toString('utf8') : null,
                  value: m.value ?? Buffer.alloc(0),
                  headers: toHeaders(m.headers),
                  timestamp: Number(m.timestamp),
                }));
                await processBatch(chunk, opts, {
                  producer,
                  logger: log,
                  maxRetries: options.handlerRetries,
                  initialDelayMs: options.handlerRetryDelayMs,
                });
                // Only now is the chunk done: mark and commit it.
                resolveOffset(chunk[chunk.length - 1]!.offset);
                await commitOffsetsIfNecessary();
                await heartbeat();
              }
            },
          });
          await joined;
        },
        async close() {
          consumers.delete(consumer);
          await consumer.disconnect();
        },
      };
    },

    async ensureTopics(specs: TopicSpec[]) {
      await connectAdmin();
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s) => !existing.has(s.topic));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({ topic: s.topic, numPartitions: s.partitions, replicationFactor: 1 })),
      });
    },

    async deleteTopics(topics: string[]) {
      await connectAdmin();
      const existing = new Set(await admin.listTopics());
      const present = topics.filter((t) => existing.has(t));
      if (present.length) await admin.deleteTopics({ topics: present });
    },

    async ping() {
      await connectAdmin();
      await admin.listTopics();
    },

    async close() {
      await Promise.allSettled([...consumers].map((c) => c.disconnect()));
      if (rawProducer) await rawProducer.disconnect();
      if (adminConnected) await admin.disconnect();
    },
  };
}
