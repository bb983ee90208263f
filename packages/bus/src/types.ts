import type { PantauError } from '@pantau/core';

/**
 * The message bus, as the rest of Pantau sees it. Two adapters implement it: Kafka (kafkajs) and an
 * in-memory bus for the embedded default and fast tests. Both pass the same contract suite.
 */
export interface OutgoingMessage {
  key: string | null;
  value: Buffer | string;
  headers?: Record<string, string>;
}

export interface BusMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: number;
}

/** A message whose bytes decoded into a value; handlers only ever see these. */
export interface Decoded<T> {
  message: BusMessage;
  value: T;
}

export interface Producer {
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
}

/**
 * What a batch handler may report: messages it could not handle and will never be able to
 * (non-retriable). Those go to the dead-letter topic; the rest of the batch counts as handled.
 */
export interface BatchResult {
  failed?: { message: BusMessage; error: PantauError }[];
}

export interface ConsumerOptions<T> {
  groupId: string;
  topics: string[];
  /** Bytes → value; throwing marks the message as poison (dead-lettered with the error). */
  decode: (value: Buffer, message: BusMessage) => T;
  /**
   * Handles one batch. Throwing a retriable error retries the whole batch with backoff (nothing is
   * committed meanwhile); throwing a non-retriable error makes the runner retry message by message so
   * only the guilty ones are dead-lettered.
   */
  handleBatch: (batch: Decoded<T>[]) => Promise<BatchResult | void>;
  dlqTopic: string;
  fromBeginning?: boolean;
  /** Upper bound on messages per handler call. */
  maxBatchSize?: number;
  /**
   * Handler calls in flight at once (default 1). Above 1 the handler is called for the next chunk of a
   * fetched batch before the previous call has finished, so the CPU work of one chunk overlaps the
   * writes of the one before; offsets are still committed strictly in order, each only once its chunk
   * and every chunk before it are done. A handler that keeps state must do its order-sensitive work
   * before its first await (calls start in offset order). An adapter may handle fewer at once.
   */
  inFlight?: number;
  /**
   * Partitions whose batches are handled at once (default 1; kafka: partitionsConsumedConcurrently).
   * Offsets still commit in order within each partition.
   */
  partitionsConcurrently?: number;
  /** Bytes fetched per partition at most (kafka; default 1 MiB): enough for `inFlight` full chunks. */
  maxBytesPerPartition?: number;
  /**
   * Let a fetch gather what arrives for up to this long before the handler sees it, unless
   * `lingerBytes` come sooner (kafka: the broker's fetch wait; default: answer as soon as anything
   * arrived). A stage whose result depends on message order within a batch (issue assignment sorts
   * each batch by publication time) gets fuller batches this way at the cost of this much latency.
   */
  lingerMs?: number;
  lingerBytes?: number;
}

export interface Consumer {
  /** Resolves once the consumer has joined its group and is fetching. */
  start(): Promise<void>;
  /** Stops fetching, lets the in-flight batch finish and commit, then leaves the group. */
  close(): Promise<void>;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
}

/** Messages [from, end) of one partition. */
export interface RecallRange {
  partition: number;
  from: number;
  end: number;
}

/**
 * Which already-handled messages `Bus.recall` reads back: the last ones before a group's committed
 * offsets (at most `maxPerPartition` per partition, none published before `since`), or given ranges.
 */
export type RecallOptions = {
  topic: string;
  /** Gives up after this long (default 30 s) and says so in the result: a recall is a best effort. */
  timeoutMs?: number;
} & ({ groupId: string; maxPerPartition: number; since: number } | { ranges: RecallRange[] });

export interface RecallResult {
  messages: number;
  /**
   * The ranges read (group form: one per partition with committed offsets, ending at them; `from` =
   * `end` where nothing was within the bounds).
   */
  ranges: RecallRange[];
  /** False when the time ran out before every range was read. */
  complete: boolean;
}

export interface Bus {
  readonly kind: 'kafka' | 'memory';
  producer(): Producer;
  consumer<T>(options: ConsumerOptions<T>): Consumer;
  /**
   * Reads back messages a group has already handled — the last ones before its committed offsets, or
   * given ranges — without touching the group's offsets. A consumer that de-duplicates in memory
   * (the detector, by post id) calls it before it starts and when it takes a partition over, so a
   * duplicate of a message handled before (by it or another member) is still known as one.
   */
  recall(options: RecallOptions, onMessages: (messages: BusMessage[]) => void): Promise<RecallResult>;
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  deleteTopics(topics: string[]): Promise<void>;
  /** Answers when the bus is reachable (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
