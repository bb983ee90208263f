import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
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

/**
 * An in-process bus with Kafka's semantics where Pantau relies on them: keyed messages keep their
 * order within a partition, each consumer group has its own committed offsets, members of a group
 * share the partitions, and offsets are committed only after a batch is handled — so a consumer that
 * stops mid-batch sees the batch again. Used by the embedded default and by fast tests.
 */
interface Partition {
  messages: BusMessage[];
}

interface Group {
  committed: Map<string, number>; // "topic/partition" → next offset to read
  members: MemoryConsumer[];
}

const DEFAULT_PARTITIONS = 3;

function partitionFor(key: string | null, count: number, counter: number): number {
  if (key === null) return counter % count;
  return createHash('md5').update(key).digest().readUInt32BE(0) % count;
}

class MemoryConsumer implements Consumer {
  private running = false;
  private loop?: Promise<void>;
  private readonly wake = new EventEmitter();

  constructor(
    private readonly bus: MemoryBusImpl,
    readonly options: ConsumerOptions<unknown>,
    private readonly logger: Logger,
  ) {
    this.wake.setMaxListeners(0);
  }

  notify(): void {
    this.wake.emit('wake');
  }

  async start(): Promise<void> {
    this.running = true;
    this.bus.join(this);
    this.loop = this.run();
  }

  async close(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    this.bus.leave(this);
  }

  get groupId(): string {
    return this.options.groupId;
  }

  get topics(): string[] {
    return this.options.topics;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let worked = false;
      try {
        for (const [topic, partition] of this.bus.assignment(this)) {
          if (!this.running) break;
          const chunk = this.bus.fetch(this.groupId, topic, partition, this.options.maxBatchSize ?? 500);
          if (chunk.length === 0) continue;
          worked = true;
          await processBatch(chunk, this.options, {
            producer: this.bus.producer(),
            logger: this.logger,
            maxRetries: this.bus.handlerRetries,
            initialDelayMs: this.bus.handlerRetryDelayMs,
          });
          this.bus.commit(this.groupId, topic, partition, Number(chunk[chunk.length - 1]!.offset) + 1);
        }
        failures = 0;
      } catch (err) {
        // Like a Kafka consumer restart: nothing was committed, the batch will be read again.
        failures += 1;
        this.logger.error({ err, failures }, 'consumer crashed; restarting from the last committed offsets');
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** failures, 2_000)));
        continue;
      }
      if (!worked && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 200);
          function done() {
            clearTimeout(timer);
            resolve();
          }
          this.wake.once('wake', done);
        });
      }
    }
  }
}

class MemoryBusImpl implements Bus {
  readonly kind = 'memory' as const;
  private readonly topics = new Map<string, Partition[]>();
  private readonly groups = new Map<string, Group>();
  private counter = 0;
  private readonly theProducer: Producer;

  constructor(
    private readonly logger: Logger,
    readonly handlerRetries: number | undefined,
    readonly handlerRetryDelayMs: number | undefined,
  ) {
    this.theProducer = {
      send: async (topic: string, messages: OutgoingMessage[]) => {
        const partitions = this.topic(topic);
        for (const m of messages) {
          const p = partitionFor(m.key, partitions.length, this.counter++);
          const part = partitions[p]!;
          part.messages.push({
            topic,
            partition: p,
            offset: String(part.messages.length),
            key: m.key,
            value: Buffer.isBuffer(m.value) ? Buffer.from(m.value) : Buffer.from(m.value, 'utf8'),
            headers: { ...(m.headers ?? {}) },
            timestamp: Date.now(),
          });
        }
        for (const g of this.groups.values()) for (const member of g.members) member.notify();
      },
    };
  }

  private topic(name: string, partitions = DEFAULT_PARTITIONS): Partition[] {
    let t = this.topics.get(name);
    if (!t) {
      t = Array.from({ length: partitions }, () => ({ messages: [] }));
      this.topics.set(name, t);
    }
    return t;
  }

  producer(): Producer {
    return this.theProducer;
  }

  consumer<T>(options: ConsumerOptions<T>): Consumer {
    return new MemoryConsumer(
      this,
      options as ConsumerOptions<unknown>,
      this.logger.child({ group: options.groupId }),
    );
  }

  join(member: MemoryConsumer): void {
    const group: Group = this.groups.get(member.groupId) ?? { committed: new Map(), members: [] };
    this.groups.set(member.groupId, group);
    group.members.push(member);
    const fromBeginning = member.options.fromBeginning ?? false;
    for (const topic of member.topics) {
      this.topic(topic).forEach((part, p) => {
        const key = `${topic}/${p}`;
        // A group with no committed offset starts at the end unless told to read from the beginning.
        if (!group.committed.has(key)) group.committed.set(key, fromBeginning ? 0 : part.messages.length);
      });
    }
  }

  leave(member: MemoryConsumer): void {
    const group = this.groups.get(member.groupId);
    if (group) group.members = group.members.filter((m) => m !== member);
  }

  /** Partitions of the member's topics that belong to it: round-robin over the group's members. */
  assignment(member: MemoryConsumer): [string, number][] {
    const group = this.groups.get(member.groupId);
    if (!group) return [];
    const index = group.members.indexOf(member);
    const out: [string, number][] = [];
    let n = 0;
    for (const topic of member.topics) {
      const parts = this.topic(topic);
      for (let p = 0; p < parts.length; p++, n++) {
        if (n % group.members.length === index) out.push([topic, p]);
      }
    }
    return out;
  }

  fetch(groupId: string, topic: string, partition: number, max: number): BusMessage[] {
    const group = this.groups.get(groupId);
    const from = group?.committed.get(`${topic}/${partition}`) ?? 0;
    return this.topic(topic)[partition]!.messages.slice(from, from + max);
  }

  commit(groupId: string, topic: string, partition: number, next: number): void {
    this.groups.get(groupId)?.committed.set(`${topic}/${partition}`, next);
  }

  async recall(options: RecallOptions, onMessages: (messages: BusMessage[]) => void): Promise<RecallResult> {
    const partitions = this.topic(options.topic);
    let ranges: RecallRange[];
    if ('ranges' in options) ranges = options.ranges;
    else {
      const group = this.groups.get(options.groupId);
      ranges = [];
      partitions.forEach((part, partition) => {
        const end = group?.committed.get(`${options.topic}/${partition}`) ?? 0;
        if (end <= 0) return;
        let from = Math.max(0, end - options.maxPerPartition);
        while (from < end && part.messages[from]!.timestamp < options.since) from += 1;
        ranges.push({ partition, from, end });
      });
    }
    let messages = 0;
    for (const { partition, from, end } of ranges) {
      const range = partitions[partition]?.messages.slice(from, end) ?? [];
      if (range.length) onMessages(range);
      messages += range.length;
    }
    return { messages, ranges, complete: true };
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    for (const s of specs) this.topic(s.topic, s.partitions);
  }

  async deleteTopics(topics: string[]): Promise<void> {
    for (const t of topics) this.topics.delete(t);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    const members = [...this.groups.values()].flatMap((g) => g.members);
    await Promise.all(members.map((m) => m.close()));
  }

  /** For tests and the embedded default's inspection: every message currently on a topic. */
  read(topic: string): BusMessage[] {
    return this.topic(topic).flatMap((p) => p.messages);
  }
}

export interface MemoryBusOptions {
  logger: Logger;
  handlerRetries?: number;
  handlerRetryDelayMs?: number;
}

export type MemoryBus = Bus & { read(topic: string): BusMessage[] };

export function createMemoryBus(options: MemoryBusOptions): MemoryBus {
  return new MemoryBusImpl(
    options.logger.child({ component: 'bus', adapter: 'memory' }),
    options.handlerRetries,
    options.handlerRetryDelayMs,
  );
}
