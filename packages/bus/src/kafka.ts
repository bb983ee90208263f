import { metrics } from '@pantau/metrics';
import {
  Kafka,
  logLevel,
  Partitioners,
  type Consumer as KafkaConsumer,
  type KafkaMessage,
  type LogEntry,
  type Producer as KafkaProducer,
} from 'kafkajs';
import { PantauError } from '@pantau/core';
import type { Logger } from 'pino';
import { backOff } from 'exponential-backoff';
import { randomUUID } from 'node:crypto';
import { processBatch } from './batch';
import type {
  Bus,
  BusMessage,
  Consumer,
  ConsumerOptions,
  OutgoingMessage,
  Producer,
  RecallOptions,
  RecallRange,
  RecallResult,
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
  /**
   * Longest a send may wait for Kafka's acknowledgement before it fails with BUS_UNAVAILABLE
   * (default 4 s), so an HTTP client hears 503 quickly instead of hanging through an outage.
   */
  sendTimeoutMs?: number;
  /**
   * Largest produce request in bytes (default 512 KiB): a bigger send goes out as several requests in
   * order, so a batch never exceeds the broker's message.max.bytes (1 MiB by default).
   */
  maxSendBytes?: number;
}

/**
 * Logs a server's outage once when it starts and once when it ends, however many messages or
 * requests fail in between.
 */
export function outageLog(logger: Logger, what: string) {
  let since: number | undefined;
  return {
    get down() {
      return since !== undefined;
    },
    failed(err: unknown) {
      if (since !== undefined) return;
      since = Date.now();
      logger.error({ err }, `${what} unavailable; retrying with bounded backoff until it is back`);
    },
    recovered() {
      if (since === undefined) return;
      logger.warn({ downMs: Date.now() - since }, `${what} is back`);
      since = undefined;
    },
  };
}

const CONNECTION_NOISE =
  /Connection error|Failed to connect|Connection timeout|ECONNREFUSED|Closed connection|Crash: KafkaJSNumberOfRetriesExceeded|Restarting the consumer/i;

// What a broker answers while it or a group is still settling at start-up (a fresh coordinator
// loading its offsets, leaders being elected for new topics, two services creating the same topic at
// once). kafkajs retries these itself; if they last, its retries run out and that failure is logged.
const STARTUP_NOISE =
  /coordinator is (loading|not available)|not the coordinator|group is rebalancing|no leader for this topic-partition|LEADER_NOT_AVAILABLE|does not host this topic-partition|Topic creation errors|already exists/i;

/** kafkajs logs go through pino so a process writes one log stream (exported for its test). */
export function pinoLogCreator(logger: Logger) {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      // Connection failures repeat on every retry while a broker is down; the adapter logs the
      // outage once (outageLog), so these go to debug.
      // We limit the idempotent producer's retries on purpose and retire it after a failure (see below).
      if (CONNECTION_NOISE.test(message) || message.startsWith('Limiting retries for the idempotent'))
        kafkaLogger.debug(extra, message);
      else if (STARTUP_NOISE.test(message) || STARTUP_NOISE.test(String(extra.error ?? '')))
        kafkaLogger.debug(extra, message);
      else if (level === logLevel.ERROR) kafkaLogger.error(extra, message);
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

function toBusMessage(topic: string, partition: number, m: KafkaMessage): BusMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value ?? Buffer.alloc(0),
    headers: toHeaders(m.headers),
    timestamp: Number(m.timestamp),
  };
}

/** Consecutive runs of messages of at most `maxBytes` (a bigger message goes alone). */
export function bySize(messages: OutgoingMessage[], maxBytes: number): OutgoingMessage[][] {
  const out: OutgoingMessage[][] = [];
  let cur: OutgoingMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size =
      (typeof m.value === 'string' ? Buffer.byteLength(m.value) : m.value.length) + (m.key?.length ?? 0) + 64;
    if (cur.length && bytes + size > maxBytes) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(m);
    bytes += size;
  }
  if (cur.length) out.push(cur);
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
  // A failed connect is forgotten, so the next call tries again instead of failing forever.
  const connectAdmin = () =>
    (adminConnected ??= admin.connect().catch((err: unknown) => {
      adminConnected = undefined;
      throw err;
    }));

  const consumers = new Set<KafkaConsumer>();

  // Until every partition of the new topics has a leader, a send or a consumer join on them fails.
  const waitForLeaders = (specs: TopicSpec[]) =>
    backOff(
      async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
        for (const spec of specs) {
          const meta = topics.find((t) => t.name === spec.topic);
          const led = meta?.partitions.filter((p) => p.leader >= 0).length ?? 0;
          if (led < spec.partitions)
            throw new Error(`topic ${spec.topic}: ${led}/${spec.partitions} partitions have a leader`);
        }
      },
      { numOfAttempts: 20, startingDelay: 100, maxDelay: 1_000, timeMultiple: 2 },
    );

  // The producer has its own client with short timeouts and few retries: a send either gets the
  // acknowledgement of every in-sync replica within sendTimeoutMs or fails. (kafkajs gives an
  // idempotent producer endless retries by default: a send then hangs through an outage and is
  // written minutes later, long after its HTTP client gave up.)
  const sendTimeoutMs = options.sendTimeoutMs ?? 4_000;
  const producerKafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(options.logger),
    connectionTimeout: 1_000,
    requestTimeout: Math.max(1_000, sendTimeoutMs - 1_000),
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 2 },
  });
  const producerOutage = outageLog(logger, 'kafka (producer)');
  const maxSendBytes = options.maxSendBytes ?? 512 * 1024;
  interface Generation {
    producer: KafkaProducer;
    connected: Promise<void>;
  }
  let generation: Generation | undefined;
  const currentGeneration = (): Generation => {
    if (generation) return generation;
    // Idempotent with acks from all in-sync replicas: a retried request after a lost acknowledgement
    // is not written twice.
    const p = producerKafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 2 },
    });
    p.on(p.events.REQUEST_TIMEOUT, (e) => logger.debug({ event: e.payload }, 'producer request timeout'));
    const connected = p.connect();
    connected.catch(() => undefined); // observed by send(); never an unhandled rejection
    return (generation = { producer: p, connected });
  };
  // After a failed or timed-out send the producer is retired and the next send gets a new one (a new
  // producer id). The retired one may still have had a request in flight; with its sequence numbers
  // left behind, a later batch of the same size could be taken by the broker for a duplicate of it
  // and silently dropped. A fresh producer id cannot alias anything.
  const retire = (g: Generation) => {
    if (generation !== g) return;
    generation = undefined;
    void g.producer.disconnect().catch(() => undefined);
  };

  // Sends go out one at a time, each after the previous one has succeeded or failed (and retired its
  // producer). kafkajs gives back a failed request's sequence numbers; were another send of the same
  // producer already waiting, it would reuse them, and if the failed request had in fact been written
  // (a frozen broker answering late) the broker would take that next batch for a duplicate and drop
  // it silently. Queued time counts toward the send timeout, so a caller still hears 503 quickly.
  let chain: Promise<void> = Promise.resolve();
  const producer: Producer = {
    async send(topic: string, messages: OutgoingMessage[]) {
      if (messages.length === 0) return;
      const prev = chain;
      let release!: () => void;
      const mine = new Promise<void>((resolve) => (release = resolve));
      chain = Promise.all([prev, mine]).then(() => undefined);
      let g: Generation | undefined;
      let abandoned = false;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no acknowledgement within ${sendTimeoutMs} ms`)),
          sendTimeoutMs,
        );
      });
      try {
        await Promise.race([
          deadline,
          (async () => {
            await prev;
            if (abandoned) return;
            g = currentGeneration();
            await g.connected;
            for (const part of bySize(messages, maxSendBytes)) {
              if (abandoned) return;
              await g.producer.send({
                topic,
                acks: -1,
                messages: part.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
              });
            }
          })(),
        ]);
        producerOutage.recovered();
      } catch (err) {
        abandoned = true;
        if (g) retire(g);
        producerOutage.failed(err);
        // Unknown outcome: the messages may or may not be in Kafka. The caller answers a retriable
        // error; a retry with the same keys is idempotent downstream (document ids are post ids).
        throw new PantauError('BUS_UNAVAILABLE', `could not produce to ${topic}: ${(err as Error).message}`, {
          cause: err,
        });
      } finally {
        clearTimeout(timer);
        release();
      }
    },
  };

  return {
    kind: 'kafka',
    producer: () => producer,

    consumer<T>(opts: ConsumerOptions<T>): Consumer {
      const log = logger.child({ group: opts.groupId });
      const outage = outageLog(log, 'consumer');
      const consumer = kafka.consumer({
        groupId: opts.groupId,
        // A crash of our handler (retries exhausted) restarts the consumer from the last commit
        // instead of leaving the stage dead: nothing is lost, the operator sees the errors.
        retry: {
          retries: 5,
          restartOnFailure: async (err) => {
            // Logged once per outage (a server down makes it crash again after every backoff).
            outage.failed(err);
            return true;
          },
        },
        maxWaitTimeInMs: opts.lingerMs ?? 500,
        ...(opts.lingerMs ? { minBytes: opts.lingerBytes ?? 1 << 20 } : {}),
        ...(opts.maxBytesPerPartition ? { maxBytesPerPartition: opts.maxBytesPerPartition } : {}),
        ...(opts.maxBytesPerPartition ? { maxBytes: Math.max(10 << 20, 2 * opts.maxBytesPerPartition) } : {}),
      });
      consumers.add(consumer);
      consumer.on(consumer.events.CRASH, (e) => {
        if (outage.down) log.debug({ err: e.payload.error }, 'consumer crash (outage already logged)');
        else
          log.error(
            { err: e.payload.error, restart: e.payload.restart },
            'consumer crash; restarting from the last committed offsets',
          );
      });
      consumer.on(consumer.events.GROUP_JOIN, () => outage.recovered());
      const maxBatch = opts.maxBatchSize ?? 500;
      const depth = Math.max(1, opts.inFlight ?? 1);

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
            partitionsConsumedConcurrently: Math.max(1, opts.partitionsConcurrently ?? 1),
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
              // Up to `depth` chunks in flight; the oldest is settled (awaited, resolved, committed)
              // before another starts, so offsets move strictly in order.
              const pending: { last: string; done: Promise<void> }[] = [];
              const settleOldest = async () => {
                const head = pending.shift()!;
                await head.done;
                resolveOffset(head.last);
                metrics.consumerLag.set(
                  { group: opts.groupId, topic: batch.topic, partition: String(batch.partition) },
                  Math.max(0, Number(batch.highWatermark) - Number(head.last) - 1),
                );
                await commitOffsetsIfNecessary();
                await heartbeat();
              };
              try {
                for (let i = 0; i < batch.messages.length; i += maxBatch) {
                  if (!isRunning() || isStale()) break;
                  const chunk = batch.messages
                    .slice(i, i + maxBatch)
                    .map((m) => toBusMessage(batch.topic, batch.partition, m));
                  const done = processBatch(chunk, opts, {
                    producer,
                    logger: log,
                    maxRetries: options.handlerRetries,
                    initialDelayMs: options.handlerRetryDelayMs,
                  });
                  done.catch(() => undefined); // awaited in order by settleOldest
                  pending.push({ last: chunk[chunk.length - 1]!.offset, done });
                  // Only once a chunk is done (and all before it) is it marked and committed.
                  while (pending.length >= depth) await settleOldest();
                }
                // Stale (the partition went to another consumer): nothing more is committed here.
                if (isStale()) {
                  await Promise.allSettled(pending.map((p) => p.done));
                  return;
                }
                while (pending.length) await settleOldest();
              } catch (err) {
                // A chunk failed: let the later ones finish (their writes are idempotent) before the
                // consumer restarts from the last commit, so nothing of this batch runs on afterwards.
                await Promise.allSettled(pending.map((p) => p.done));
                throw err;
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

    async recall(opts: RecallOptions, onMessages: (messages: BusMessage[]) => void): Promise<RecallResult> {
      await connectAdmin();
      const watermarks = await admin.fetchTopicOffsets(opts.topic);
      // Nothing below the log start: seeking there would reset the reader to its end or start.
      const lowOf = (partition: number) =>
        Number(watermarks.find((w) => w.partition === partition)?.low ?? 0);
      let all: RecallRange[];
      if ('ranges' in opts)
        all = opts.ranges.map((r) => ({ ...r, from: Math.min(r.end, Math.max(r.from, lowOf(r.partition))) }));
      else {
        const [committed] = await admin.fetchOffsets({ groupId: opts.groupId, topics: [opts.topic] });
        const byTime = await admin.fetchTopicOffsetsByTimestamp(opts.topic, opts.since);
        // Per partition: [from, end) = the last handled messages, none older than `since`.
        all = [];
        for (const { partition, offset } of committed?.partitions ?? []) {
          const end = Number(offset);
          if (!(end > 0)) continue; // -1: nothing committed
          const fromTime = Number(byTime.find((t) => t.partition === partition)?.offset ?? -1);
          const from = Math.max(lowOf(partition), end - opts.maxPerPartition, fromTime < 0 ? end : fromTime);
          all.push({ partition, from: Math.min(from, end), end });
        }
      }
      const ranges = new Map(all.filter((r) => r.from < r.end).map((r) => [r.partition, r]));
      if (ranges.size === 0) return { messages: 0, ranges: all, complete: true };

      // A reader of its own (a throwaway group that never commits): the group's own members and
      // offsets are left alone.
      const readerGroup = `${'groupId' in opts ? opts.groupId : opts.topic}.recall.${randomUUID()}`;
      const reader = kafka.consumer({ groupId: readerGroup, maxWaitTimeInMs: 100 });
      let messages = 0;
      const open = new Set(ranges.keys());
      let finished!: () => void;
      const allRead = new Promise<void>((resolve) => (finished = resolve));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), opts.timeoutMs ?? 30_000);
      });
      try {
        await reader.connect();
        await reader.subscribe({ topics: [opts.topic], fromBeginning: true });
        await reader.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const range = ranges.get(batch.partition);
            if (!range || !open.has(batch.partition)) return;
            const picked: BusMessage[] = [];
            for (const m of batch.messages) {
              const offset = Number(m.offset);
              if (offset < range.from || offset >= range.end) continue;
              picked.push(toBusMessage(batch.topic, batch.partition, m));
            }
            if (picked.length) {
              messages += picked.length;
              onMessages(picked);
            }
            if (Number(batch.lastOffset()) >= range.end - 1) {
              open.delete(batch.partition);
              if (open.size === 0) finished();
            }
          },
        });
        for (const [partition, { from }] of ranges)
          reader.seek({ topic: opts.topic, partition, offset: String(from) });
        const others = watermarks.map((w) => w.partition).filter((p) => !ranges.has(p));
        if (others.length) reader.pause([{ topic: opts.topic, partitions: others }]);
        const late = await Promise.race([allRead.then(() => false), timedOut]);
        return { messages, ranges: all, complete: !late };
      } finally {
        clearTimeout(timer);
        await reader.disconnect().catch(() => undefined);
        await admin.deleteGroups([readerGroup]).catch(() => undefined);
      }
    },

    async ensureTopics(specs: TopicSpec[]) {
      await connectAdmin();
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s) => !existing.has(s.topic));
      if (missing.length === 0) return;
      await admin
        .createTopics({
          // kafkajs' own leader wait retries only LEADER_NOT_AVAILABLE; a broker whose metadata cache has
          // not caught up yet answers UNKNOWN_TOPIC_OR_PARTITION and the create fails (seen in CI). We
          // wait below instead, retrying both.
          waitForLeaders: false,
          topics: missing.map((s) => ({ topic: s.topic, numPartitions: s.partitions, replicationFactor: 1 })),
        })
        .catch((err: { errors?: { type?: string }[] }) => {
          // Another service created the same topic a moment earlier: that is what we wanted.
          if (!err.errors?.length || !err.errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS')) throw err;
        });
      await waitForLeaders(missing);
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
      if (generation) await generation.producer.disconnect().catch(() => undefined);
      if (adminConnected) await admin.disconnect();
    },
  };
}
