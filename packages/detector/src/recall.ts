import { POST_ID_HEADER } from '@pantau/core';
import type { Bus, BusMessage, RecallOptions } from '@pantau/bus';
import type { Logger } from 'pino';
import type { IssueTracker } from './tracker';

export interface CountedRecallOptions {
  /** The detector's consumer group and the topic it reads (`posts.enriched`). */
  groupId: string;
  topic: string;
  /** At start, how far back to read, in publication time of the messages (ms). */
  windowMs: number;
  /** At most this many messages per partition. 0 turns the recall off. */
  maxPerPartition: number;
  timeoutMs?: number;
}

/** The post id of a `posts.enriched` message: its header, else (older scorers) its JSON. */
function postIdOf(message: BusMessage): string | undefined {
  const header = message.headers[POST_ID_HEADER];
  if (header) return header;
  try {
    return (JSON.parse(message.value.toString('utf8')) as { id?: string }).id;
  } catch {
    return undefined;
  }
}

/**
 * Reads back the ids of posts a detector counted before (the messages before its group's committed
 * offsets) into its tracker, so they are not counted again. Why: a scorer that crashes between
 * publishing a batch and committing it publishes that batch again after its restart (and a Kafka
 * outage's retried requests publish some posts twice). A running detector drops those duplicates by
 * post id; a detector restarted meanwhile had forgotten the ids, and when the duplicates were still
 * ahead of it — as they are when it was behind — it counted them a second time. The originals are at
 * most a scorer's downtime older than their duplicates, so minutes are enough.
 *
 * - `atStart`, before consuming: every partition, up to the committed offsets;
 * - `beforeBatch`: when a batch starts past what this process knows of its partition (another
 *   detector handled it meanwhile and this one took it over at a rebalance), that gap too.
 */
export class CountedRecall {
  /** Per partition, the offset up to which this process knows the counted posts. */
  private readonly knownUpTo = new Map<number, number>();
  /** Whether the start-up read covered every partition (then one it did not list had nothing). */
  private startCovered = false;

  constructor(
    private readonly bus: Bus,
    private readonly tracker: IssueTracker,
    private readonly options: CountedRecallOptions,
    private readonly logger: Logger,
  ) {}

  private get off(): boolean {
    return this.options.maxPerPartition <= 0;
  }

  private async read(what: RecallOptions, context: Record<string, unknown>) {
    const started = Date.now();
    let posts = 0;
    const result = await this.bus.recall(what, (messages) => {
      const ids: string[] = [];
      for (const m of messages) {
        const id = postIdOf(m);
        if (id) ids.push(id);
      }
      posts += this.tracker.remember(ids);
    });
    const summary = { ...context, posts, messages: result.messages, ms: Date.now() - started };
    if (result.complete) this.logger.info(summary, 'recalled posts counted before');
    else
      this.logger.warn(
        summary,
        'recall of posts counted before timed out: a duplicate of an older one would be counted again',
      );
    return { posts, result };
  }

  async atStart(now = Date.now()): Promise<{ posts: number; complete: boolean }> {
    if (this.off) return { posts: 0, complete: true };
    const { posts, result } = await this.read(
      {
        groupId: this.options.groupId,
        topic: this.options.topic,
        maxPerPartition: this.options.maxPerPartition,
        since: now - this.options.windowMs,
        ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
      },
      { at: 'start' },
    );
    if (result.complete) {
      for (const r of result.ranges) this.knownUpTo.set(r.partition, r.end);
      this.startCovered = true;
    }
    return { posts, complete: result.complete };
  }

  /** Call before counting a batch of one partition, offsets `first` … `last`. */
  async beforeBatch(partition: number, first: number, last: number): Promise<void> {
    if (this.off) return;
    const known = this.knownUpTo.get(partition) ?? (this.startCovered ? 0 : undefined);
    if (known === undefined || first > known) {
      const from = Math.max(known ?? 0, first - this.options.maxPerPartition);
      if (from < first)
        await this.read(
          {
            topic: this.options.topic,
            ranges: [{ partition, from, end: first }],
            ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
          },
          { at: 'takeover', partition, from, end: first },
        ).catch((err: unknown) =>
          this.logger.warn(
            { err, partition },
            'could not read back the posts counted before on this partition',
          ),
        );
    }
    this.knownUpTo.set(partition, Math.max(this.knownUpTo.get(partition) ?? 0, last + 1));
  }
}
