import { Client, errors } from '@opensearch-project/opensearch';
import { PantauError } from '@pantau/core';

/** The only file in Pantau that imports the OpenSearch client. */
export type SearchClient = Client;

export function createSearchClient(url: string, requestTimeoutMs = 30_000): SearchClient {
  return new Client({ node: url, requestTimeout: requestTimeoutMs, maxRetries: 0 });
}

/** HTTP status of a failed call, or undefined for transport failures (connection refused, timeout). */
export function statusOf(err: unknown): number | undefined {
  if (err instanceof errors.ResponseError) return err.meta.statusCode ?? undefined;
  return undefined;
}

/** Maps client errors onto the catalogue: 429/5xx/transport → retriable STORE_UNAVAILABLE. */
export function storeError(err: unknown, what: string): PantauError {
  if (err instanceof PantauError) return err;
  const status = statusOf(err);
  const detail =
    err instanceof errors.ResponseError
      ? JSON.stringify(err.meta.body)?.slice(0, 500)
      : (err as Error).message;
  if (status === undefined || status === 429 || status >= 500) {
    return new PantauError('STORE_UNAVAILABLE', `${what}: ${detail}`, { cause: err });
  }
  if (status === 404) return new PantauError('NOT_FOUND', `${what}: not found`, { cause: err });
  if (status === 409) return new PantauError('CONFLICT', `${what}: ${detail}`, { cause: err });
  return new PantauError('STORE_REJECTED', `${what}: ${detail}`, { cause: err });
}
