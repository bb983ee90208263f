import { backOff } from 'exponential-backoff';
import { PantauError } from '@pantau/core';
import { metrics } from '@pantau/metrics';
import type { Logger } from 'pino';
import { type SearchClient, statusOf, storeError } from './opensearch';

/**
 * Bulk indexing with per-document outcomes. The document id is the caller's (the post id), so
 * indexing the same post again overwrites it instead of duplicating it. Items answered 429 or 5xx —
 * and whole requests that fail in transport — are retried with exponential backoff; items rejected
 * for good (mapping errors…) are reported, never silently dropped.
 */
export interface BulkDoc {
  index: string;
  id: string;
  doc: Record<string, unknown>;
  /**
   * `doc` already serialised (JSON.stringify(doc)), when the caller needs the JSON anyway (the scorer
   * also publishes it): the document is then serialised once, not twice.
   */
  source?: string;
}

export interface BulkFailure {
  id: string;
  index: string;
  status: number;
  type: string;
  reason: string;
}

export interface BulkResult {
  indexed: number;
  failed: BulkFailure[];
  attempts: number;
}

export interface BulkOptions {
  logger?: Logger;
  maxAttempts?: number;
  initialDelayMs?: number;
  refresh?: boolean | 'wait_for';
  /** Largest request body in bytes (default 5 MiB): many documents go in several requests. */
  maxBytes?: number;
}

const retriableStatus = (status: number) => status === 429 || status >= 500;
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/**
 * Back-pressure shared by every bulk request on one client: once OpenSearch answers 429 (its write
 * queue is full), every writer of this process waits — the pause doubling while 429s go on, up to
 * 10 s — instead of each retrying into the full queue; the first clean answer lifts it.
 */
const pressure = new WeakMap<SearchClient, { until: number; delayMs: number }>();
function pressureOf(client: SearchClient) {
  let p = pressure.get(client);
  if (!p) pressure.set(client, (p = { until: 0, delayMs: 0 }));
  return p;
}
async function waitForPressure(client: SearchClient): Promise<void> {
  const wait = pressureOf(client).until - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
function pushedBack(client: SearchClient, initialDelayMs: number): void {
  const p = pressureOf(client);
  p.delayMs = Math.min(10_000, Math.max(initialDelayMs, p.delayMs * 2));
  p.until = Math.max(p.until, Date.now() + p.delayMs);
  metrics.bulkBackpressure.inc();
}
function relieved(client: SearchClient): void {
  pressureOf(client).delayMs = 0;
}

/** Request bodies of at most `maxBytes` (a document larger than that goes alone). */
function splitBySize(
  docs: BulkDoc[],
  lines: string[],
  maxBytes: number,
): { docs: BulkDoc[]; body: string }[] {
  const out: { docs: BulkDoc[]; body: string }[] = [];
  let cur: BulkDoc[] = [];
  let parts: string[] = [];
  let bytes = 0;
  docs.forEach((d, i) => {
    const line = lines[i]!;
    const size = Buffer.byteLength(line);
    if (cur.length && bytes + size > maxBytes) {
      out.push({ docs: cur, body: parts.join('') });
      cur = [];
      parts = [];
      bytes = 0;
    }
    cur.push(d);
    parts.push(line);
    bytes += size;
  });
  if (cur.length) out.push({ docs: cur, body: parts.join('') });
  return out;
}

export async function bulkIndex(
  client: SearchClient,
  docs: BulkDoc[],
  options: BulkOptions = {},
): Promise<BulkResult> {
  let pending = docs;
  const failed: BulkFailure[] = [];
  let indexed = 0;
  let attempts = 0;
  if (docs.length === 0) return { indexed, failed, attempts };
  const endTimer = metrics.bulkSeconds.startTimer();

  // Each document is serialised once, however many attempts it takes.
  const lineOf = new Map<BulkDoc, string>(
    docs.map((d) => [
      d,
      `${JSON.stringify({ index: { _index: d.index, _id: d.id } })}\n${d.source ?? JSON.stringify(d.doc)}\n`,
    ]),
  );
  const initialDelayMs = options.initialDelayMs ?? 200;
  await backOff(
    async () => {
      attempts += 1;
      const retry: BulkDoc[] = [];
      let throttled = false;
      const requests = splitBySize(
        pending,
        pending.map((d) => lineOf.get(d)!),
        options.maxBytes ?? DEFAULT_MAX_BYTES,
      );
      for (const request of requests) {
        await waitForPressure(client);
        let body: {
          errors: boolean;
          items: Record<string, { status: number; error?: { type: string; reason: string } }>[];
        };
        try {
          const response = await client.bulk({
            body: request.body,
            refresh:
              options.refresh === undefined
                ? undefined
                : (String(options.refresh) as 'true' | 'false' | 'wait_for'),
          } as never);
          body = response.body as unknown as typeof body;
        } catch (err) {
          const status = statusOf(err);
          if (status === 429) pushedBack(client, initialDelayMs);
          if (status !== undefined && !retriableStatus(status))
            throw new PantauError('STORE_REJECTED', String(err), { cause: err });
          // Documents already answered stay answered; the rest of this attempt is retried.
          retry.push(...requests.slice(requests.indexOf(request)).flatMap((r) => r.docs));
          pending = retry;
          throw storeError(err, 'bulk request');
        }
        body.items.forEach((item, i) => {
          const result = item.index!;
          const doc = request.docs[i]!;
          if (result.status < 300) indexed += 1;
          else if (retriableStatus(result.status)) {
            if (result.status === 429) throttled = true;
            retry.push(doc);
          } else
            failed.push({
              id: doc.id,
              index: doc.index,
              status: result.status,
              type: result.error?.type ?? 'unknown',
              reason: result.error?.reason ?? 'unknown',
            });
        });
        if (throttled) pushedBack(client, initialDelayMs);
        else relieved(client);
      }
      pending = retry;
      if (retry.length > 0) {
        throw new PantauError('STORE_UNAVAILABLE', `${retry.length} documents answered 429/5xx`, {
          retriable: true,
        });
      }
    },
    {
      numOfAttempts: options.maxAttempts ?? 6,
      startingDelay: initialDelayMs,
      maxDelay: 10_000,
      jitter: 'full',
      retry: (err: unknown, attempt) => {
        const retriable = err instanceof PantauError && err.retriable;
        options.logger?.warn({ err, attempt, pending: pending.length }, 'bulk indexing retry');
        return retriable;
      },
    },
  ).catch((err: unknown) => {
    endTimer();
    if (err instanceof PantauError && err.retriable) {
      throw new PantauError(
        'RETRIES_EXHAUSTED',
        `bulk indexing gave up with ${pending.length} documents pending`,
        {
          cause: err,
          retriable: true,
        },
      );
    }
    throw err;
  });
  endTimer();
  metrics.bulkDocuments.inc({ outcome: 'indexed' }, indexed);
  metrics.bulkDocuments.inc({ outcome: 'rejected' }, failed.length);
  for (const f of failed) metrics.indexRejections.inc({ type: f.type });
  return { indexed, failed, attempts };
}
