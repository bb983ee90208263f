import type { EnrichedPost, IssueEvent, Topics } from '@pantau/core';
import type { Decoded, Producer } from '@pantau/bus';
import { bulkIndex, getIssues, type IndexNames, type SearchClient } from '@pantau/store';
import type { Logger } from 'pino';
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
}

export function createDetectorStage(deps: DetectorStageDeps) {
  const { tracker, search, names, producer, topics, logger } = deps;

  async function publish(issueIds: Set<string>, events: IssueEvent[]): Promise<void> {
    for (const e of events) issueIds.add(e.issueId);
    const docs = [...issueIds]
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
      for (const e of events) {
        logger.info(
          { issueId: e.issueId, type: e.type, windowCount: e.windowCount, baseline: e.baseline },
          'issue event',
        );
      }
    }
  }

  return {
    async handleBatch(batch: Decoded<EnrichedPost>[]): Promise<void> {
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
      await publish(touched, [...replayed, ...tracker.evaluate(touched)]);
    },
    /** Periodic judgement of every tracked issue, so quiet ones cool without new posts. */
    async tick(): Promise<void> {
      await publish(new Set(), tracker.tick());
    },
  };
}
