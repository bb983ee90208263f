import { POST_ID_HEADER } from '@pantau/core';
import type { Bus, BusMessage } from '@pantau/bus';
import type { Logger } from 'pino';
import type { IssueTracker } from './tracker';

export interface RecallCountedOptions {
  /** The detector's consumer group and the topic it reads (`posts.enriched`). */
  groupId: string;
  topic: string;
  /** How far back to read, in publication time of the messages (ms). */
  windowMs: number;
  /** At most this many messages per partition. 0 turns the recall off. */
  maxPerPartition: number;
  timeoutMs?: number;
  now?: number;
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
 * Before the detector consumes, it reads back the ids of the posts it counted last (the messages
 * before its committed offsets) and remembers them. Why: a scorer that crashes between publishing
 * a batch and committing it publishes that batch again after its restart. A running detector drops
 * those duplicates by post id; a detector restarted meanwhile has forgotten the ids, and — when the
 * duplicates are still ahead of it, as they are when it was behind — counted them a second time
 * (issue counts above the posts indexed for them in the fault suite). The originals are at most a
 * scorer's downtime older than their duplicates, so a window of minutes is enough.
 */
export async function recallCounted(
  bus: Bus,
  tracker: IssueTracker,
  options: RecallCountedOptions,
  logger: Logger,
): Promise<{ posts: number; complete: boolean }> {
  if (options.maxPerPartition <= 0) return { posts: 0, complete: true };
  const started = Date.now();
  let posts = 0;
  const result = await bus.recall(
    {
      groupId: options.groupId,
      topic: options.topic,
      maxPerPartition: options.maxPerPartition,
      since: (options.now ?? Date.now()) - options.windowMs,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    },
    (messages) => {
      const ids: string[] = [];
      for (const m of messages) {
        const id = postIdOf(m);
        if (id) ids.push(id);
      }
      posts += tracker.remember(ids);
    },
  );
  const summary = {
    posts,
    messages: result.messages,
    partitions: result.partitions,
    ms: Date.now() - started,
  };
  if (result.complete) logger.info(summary, 'recalled the posts counted before this start');
  else
    logger.warn(
      summary,
      'recall of the posts counted before this start timed out: a duplicate of an older one would be counted again',
    );
  return { posts, complete: result.complete };
}
