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
}

const retriableStatus = (status: number) => status === 429 || status >= 500;

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

  await backOff(
    async () => {
      attempts += 1;
      let body: {
        errors: boolean;
        items: Record<string, { status: number; error?: { type: string; reason: string } }>[];
      };
      try {
        const response = await client.bulk({
          body: pending.flatMap((d) => [{ index: { _index: d.index, _id: d.id } }, d.doc]),
          refresh:
            options.refresh === undefined
              ? undefined
              : (String(options.refresh) as 'true' | 'false' | 'wait_for'),
        });
        body = response.body as typeof body;
      } catch (err) {
        const status = statusOf(err);
        if (status !== undefined && !retriableStatus(status))
          throw new PantauError('STORE_REJECTED', String(err), { cause: err });
        throw storeError(err, 'bulk request');
      }
      const retry: BulkDoc[] = [];
      body.items.forEach((item, i) => {
        const result = item.index!;
        const doc = pending[i]!;
        if (result.status < 300) indexed += 1;
        else if (retriableStatus(result.status)) retry.push(doc);
        else
          failed.push({
            id: doc.id,
            index: doc.index,
            status: result.status,
            type: result.error?.type ?? 'unknown',
            reason: result.error?.reason ?? 'unknown',
          });
      });
      pending = retry;
      if (retry.length > 0) {
        throw new PantauError('STORE_UNAVAILABLE', `${retry.length} documents answered 429/5xx`, {
          retriable: true,
        });
      }
    },
    {
      numOfAttempts: options.maxAttempts ?? 6,
      startingDelay: options.initialDelayMs ?? 200,
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
