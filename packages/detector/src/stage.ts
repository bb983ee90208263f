import type { EnrichedPost, IssueEvent, Topics } from '@pantau/core';
import type { Decoded, Producer } from '@pantau/bus';
import { bulkIndex, getIssues, type IndexNames, type SearchClient } from '@pantau/store';
import type { Logger } from 'pino';
import type { CountedRecall } from './recall';
import type { IssueTracker } from './tracker';

/**
 * The detector stage: count enriched posts per issue, write the issues that matter to OpenSearch,
 * and publish lifecycle events on the `issues` topic (after the documents, so whoever reacts to an
 * event can already read the issue).
 */
export interface DetectorStageDeps {
  tracker: IssueTracker;
  search: SearchClient;
  names: IndexNames;
  producer: Producer;
  topics: Topics;
  logger: Logger;
  /**
   * Least time between two writes of issue documents (default 0): documents touched meanwhile are
   * written together, once each. A new lifecycle event does not wait: it is written and published at once.
   */
  minFlushIntervalMs?: number;
  /** Reads back posts counted before (by this detector before a restart, or another one). */
  recall?: CountedRecall;
}

export function createDetectorStage(deps: DetectorStageDeps) {
  const { tracker, search, names, producer, topics, logger } = deps;

  /**
   * Writes are coalesced: every call adds the issues it touched and the events it raised, then waits
   * for a flush that covers them. One flush runs at a time; calls arriving while it runs share the
   * next one, so under load an issue is written once per flush however many batches touched it
   * (group commit), and when idle a call is flushed at once. A call returns (and its offsets are
   * committed) only after its issues are written and its events published.
   */
  const dirty = new Set<string>();
  let unsent: IssueEvent[] = [];
  let next: Promise<void> | undefined;
  let running: Promise<void> = Promise.resolve();
  const interval = deps.minFlushIntervalMs ?? 0;
  let lastFlushAt = 0;
  /** Ends the wait before a flush early (an event must not wait). */
  let wake: (() => void) | undefined;
  const linger = async () => {
    const wait = lastFlushAt + interval - Date.now();
    if (wait <= 0 || unsent.length > 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
  };

  async function flush(): Promise<void> {
    const ids = new Set(dirty);
    const events = unsent;
    dirty.clear();
    unsent = [];
    try {
      for (const e of events) ids.add(e.issueId);
      const docs = [...ids]
        .map((id) => tracker.document(id))
        // Singletons without a status are the long tail of unrelated posts: not worth a document.
        .filter((d): d is NonNullable<typeof d> => d !== null && (d.count >= 2 || d.status !== 'new'));
      if (docs.length) {
        const result = await bulkIndex(
          search,
          docs.map((d) => ({
            index: names.of('issues'),
            id: d.id,
            doc: d as unknown as Record<string, unknown>,
          })),
          { logger },
        );
        for (const f of result.failed)
          logger.error({ issueId: f.id, reason: f.reason }, 'issue document rejected');
      }
      if (events.length) {
        await producer.send(
          topics.issues,
          events.map((e) => ({ key: e.issueId, value: JSON.stringify(e) })),
        );
        tracker.published(events);
        for (const e of events) {
          logger.info(
            { issueId: e.issueId, type: e.type, windowCount: e.windowCount, baseline: e.baseline },
            'issue event',
          );
        }
      }
    } catch (err) {
      // Not written or not sent: the next flush (the retry of a waiting call) takes them again.
      for (const id of ids) dirty.add(id);
      unsent = [...events, ...unsent];
      throw err;
    }
  }

  /** The flush that will cover everything added so far. */
  function flushSoon(): Promise<void> {
    if (!next) {
      const scheduled = running.then(async () => {
        await linger();
        next = undefined; // from here on, additions go to the flush after this one
        lastFlushAt = Date.now();
        return flush();
      });
      next = scheduled;
      running = scheduled.catch(() => undefined);
    }
    return next;
  }

  /** Observing runs strictly in call order (calls may overlap while earlier ones wait for a flush). */
  let turn: Promise<unknown> = Promise.resolve();

  async function observe(batch: Decoded<EnrichedPost>[]): Promise<void> {
    // A batch is one partition's; one that starts past what this process knows of it (another detector
    // had the partition) first has the ids of the posts counted meanwhile read back.
    if (deps.recall && batch.length) {
      const first = batch[0]!.message;
      // In offset order (the bus hands a partition's messages over in order).
      await deps.recall.beforeBatch(
        first.partition,
        Number(first.offset),
        Number(batch[batch.length - 1]!.message.offset),
      );
    }
    // Issues this process has not seen yet may have a history (a restart, a rebalance): take it back first.
    const unknown = [...new Set(batch.map((b) => b.value.issueId))].filter((id) => !tracker.has(id));
    const restored = await getIssues(search, names, unknown);
    for (const doc of restored) tracker.restore(doc);
    // A restored document that already counts messages of this batch was written after the last
    // commit: the detector died between writing it and committing. Its counts stand; the events of
    // that write may never have been sent, so send them again (same ids: consumers drop repeats).
    const replayed: IssueEvent[] = [];
    for (const doc of restored) {
      const first = batch.find((b) => b.value.issueId === doc.id);
      if (first && tracker.counted(doc.id, first.message))
        replayed.push(...((doc.state?.pendingEvents ?? []) as IssueEvent[]));
    }
    const touched = new Set<string>();
    for (const { value, message } of batch) if (tracker.observe(value, message)) touched.add(value.issueId);
    if (replayed.length)
      logger.warn({ events: replayed.length }, 're-publishing events of an uncommitted write');
    for (const id of touched) dirty.add(id);
    unsent.push(...replayed, ...tracker.evaluate(touched));
    if (unsent.length) wake?.();
  }

  return {
    async handleBatch(batch: Decoded<EnrichedPost>[]): Promise<void> {
      const observed = turn.then(() => observe(batch));
      turn = observed.catch(() => undefined);
      await observed;
      await flushSoon();
    },
    /** Periodic judgement of every tracked issue, so quiet ones cool without new posts. */
    async tick(): Promise<void> {
      const events = tracker.tick();
      unsent.push(...events);
      if (unsent.length) wake?.();
      if (events.length || unsent.length || dirty.size) await flushSoon();
    },
  };
}
