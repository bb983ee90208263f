import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Producer } from '@pantau/bus';
import type { Logger } from 'pino';
import { preparePosts, publishRawPosts } from './posts';

/**
 * Replays a JSONL file of posts (one post object per line) onto `posts.raw`.
 * - speed 0: as fast as possible; speed N: N× the pace of the posts' own timestamps.
 * - retime: shift timestamps so the first post is "now" (and, with a speed, compress the gaps), so a
 *   recorded day looks like a live stream to the detector.
 */
export interface ReplayOptions {
  file: string;
  topic: string;
  producer: Producer;
  logger: Logger;
  speed?: number;
  retime?: boolean;
  batchSize?: number;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ReplayResult {
  lines: number;
  accepted: number;
  rejected: number;
}

export async function replayJsonl(options: ReplayOptions): Promise<ReplayResult> {
  const { file, topic, producer, logger } = options;
  const speed = options.speed ?? 0;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const batchSize = options.batchSize ?? 500;
  const result: ReplayResult = { lines: 0, accepted: 0, rejected: 0 };
  const startedAt = now();
  let firstPostTime: number | undefined;
  let batch: unknown[] = [];
  let batchLines: number[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const { accepted, rejected } = preparePosts(batch, new Date(now()));
    for (const r of rejected)
      logger.warn({ file, line: batchLines[r.index], reason: r.message }, 'replay line rejected');
    await publishRawPosts(producer, topic, accepted);
    result.accepted += accepted.length;
    result.rejected += rejected.length;
    batch = [];
    batchLines = [];
  };

  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (options.signal?.aborted) break;
    result.lines += 1;
    if (!line.trim()) continue;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch (err) {
      logger.warn({ file, line: result.lines, reason: (err as Error).message }, 'replay line is not JSON');
      result.rejected += 1;
      continue;
    }
    const published = Date.parse((item as { publishedAt?: string }).publishedAt ?? '');
    if (!Number.isNaN(published)) {
      firstPostTime ??= published;
      const offset = (published - firstPostTime) / (speed > 0 ? speed : 1);
      if (options.retime)
        (item as { publishedAt: string }).publishedAt = new Date(startedAt + offset).toISOString();
      if (speed > 0) {
        const wait = startedAt + offset - now();
        if (wait > 0) {
          await flush();
          await sleep(wait);
        }
      }
    }
    batch.push(item);
    batchLines.push(result.lines);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return result;
}
