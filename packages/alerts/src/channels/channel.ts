import { PantauError } from '@pantau/core';
import type { AlertPayload, SubscriptionDoc } from '../types';

/**
 * One alert channel (webhook today; Slack, Telegram later), one file each. `send` resolves when the
 * target accepted the alert, and otherwise throws a DeliveryError saying whether trying again can help.
 */
export interface Channel {
  readonly name: string;
  /** Minimum spacing between two deliveries to the same subscription (rate limit), 0 for none. */
  readonly minIntervalMs: number;
  send(payload: AlertPayload, subscription: SubscriptionDoc): Promise<void>;
}

/** DELIVERY_TRANSIENT (5xx, 429, timeouts, network) or DELIVERY_REJECTED (4xx). */
export class DeliveryError extends PantauError {
  constructor(
    code: 'DELIVERY_TRANSIENT' | 'DELIVERY_REJECTED',
    message: string,
    readonly status?: number,
    /** From Retry-After: wait at least this long before the next attempt. */
    readonly retryAfterMs?: number,
    cause?: unknown,
  ) {
    super(code, message, { cause });
    this.name = 'DeliveryError';
  }
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Maps an HTTP answer to success or the right DeliveryError. */
export function classifyResponse(
  status: number,
  retryAfter: string | null,
  nowMs: number,
  target: string,
): void {
  if (status >= 200 && status < 300) return;
  if (status === 429 || status >= 500) {
    throw new DeliveryError(
      'DELIVERY_TRANSIENT',
      `${target} answered ${status}`,
      status,
      parseRetryAfter(retryAfter, nowMs),
    );
  }
  // 408 Request Timeout is a transient failure even though it is a 4xx.
  if (status === 408) throw new DeliveryError('DELIVERY_TRANSIENT', `${target} answered ${status}`, status);
  throw new DeliveryError('DELIVERY_REJECTED', `${target} answered ${status}`, status);
}
