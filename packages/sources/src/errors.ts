import { PantauError, type ErrorCode } from '@pantau/core';

/** A failed poll, with what the poller needs to decide when to try again. */
export class SourceError extends PantauError {
  constructor(
    code: Extract<ErrorCode, `SOURCE_${string}`>,
    message: string,
    readonly info: {
      status?: number;
      retryAfterMs?: number;
      cause?: unknown;
      /** The start of a 4xx answer's body (at most 2 KB), for connectors that read the peer's reason. */
      body?: string;
    } = {},
  ) {
    super(code, message, info.cause === undefined ? {} : { cause: info.cause });
    this.name = 'SourceError';
  }
}

/** `Retry-After` as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
