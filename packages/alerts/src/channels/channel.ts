import { PantauError } from '@pantau/core';
import { Agent, request } from 'undici';
import type { Rate } from '@pantau/queue';
import { checkWebhookTarget } from '../target';
import type { AlertPayload, ChannelName, SubscriptionDoc } from '../types';

/**
 * One alert channel (webhook, Slack, Telegram, e-mail), one file each behind this interface. `send`
 * resolves when the target accepted the message, and otherwise throws a DeliveryError saying whether
 * trying again can help (and after how long, when the target said so). The delivery worker owns
 * retries, backoff and rate limits; a channel only says which limits one message to a target passes.
 */
export interface Channel {
  readonly name: ChannelName;
  /** True when follow-ups refer to the first message (its id arrives as `previousMessageId`). */
  readonly threadsFollowUps?: boolean;
  /** The rates one message to this subscription must fit in (per Slack URL, per chat and per bot, …). */
  limits(subscription: SubscriptionDoc): Rate[];
  send(payload: AlertPayload, subscription: SubscriptionDoc, context?: SendContext): Promise<SendResult>;
}

export interface SendContext {
  /**
   * The id of the first message this channel sent about the alert to this subscription (from its
   * delivery record): Telegram edits it, e-mail replies in its thread.
   */
  previousMessageId?: string;
}

export interface SendResult {
  /** The channel's id of the message it sent or edited, kept on the delivery record. */
  messageId?: string;
}

/** DELIVERY_TRANSIENT (5xx, 429, timeouts, network) or DELIVERY_REJECTED (4xx). */
export class DeliveryError extends PantauError {
  constructor(
    code: 'DELIVERY_TRANSIENT' | 'DELIVERY_REJECTED',
    message: string,
    readonly status?: number,
    /** From Retry-After / retry_after: wait at least this long before the next attempt. */
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

/** Maps an HTTP answer to success or the right DeliveryError; `detail` (the answer's text) goes in the message. */
export function classifyResponse(
  status: number,
  retryAfter: string | null,
  nowMs: number,
  target: string,
  detail?: string,
): void {
  if (status >= 200 && status < 300) return;
  const message = `${target} answered ${status}${detail ? ` ${detail}` : ''}`;
  if (status === 429 || status >= 500) {
    throw new DeliveryError('DELIVERY_TRANSIENT', message, status, parseRetryAfter(retryAfter, nowMs));
  }
  // 408 Request Timeout is a transient failure even though it is a 4xx.
  if (status === 408) throw new DeliveryError('DELIVERY_TRANSIENT', message, status);
  throw new DeliveryError('DELIVERY_REJECTED', message, status);
}

export interface HttpAnswer {
  status: number;
  /** A response header by lower-case name. */
  header(name: string): string | null;
  text: string;
}

/**
 * One connection pool for every channel's HTTP calls (keep-alive per origin). undici's `request`
 * rather than `fetch`: about four times the requests per second on the same core (the delivery bench).
 */
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128 });

/**
 * POSTs JSON with a timeout over the whole exchange, following no redirect; a network failure or
 * timeout is DELIVERY_TRANSIENT. The URL is never put in an error (Slack URLs and Telegram bot URLs
 * are secrets); `target` names it.
 */
export async function postJson(
  url: string,
  body: string,
  options: { timeoutMs: number; target: string; headers?: Record<string, string>; maxText?: number },
): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body,
      dispatcher,
      signal,
    });
    // Read (and so release) the body; only its start matters for an error message.
    const text = await response.body.text();
    const { headers } = response;
    return {
      status: response.statusCode,
      header: (name) => {
        const value = headers[name];
        return value === undefined ? null : Array.isArray(value) ? (value[0] ?? null) : value;
      },
      text: text.slice(0, options.maxText ?? 2_000),
    };
  } catch (err) {
    const e = err as Error & { code?: string; cause?: { code?: string } };
    const reason = signal.aborted
      ? `timed out after ${options.timeoutMs}ms`
      : `${e.message}${e.code ? ` (${e.code})` : e.cause?.code ? ` (${e.cause.code})` : ''}`;
    throw new DeliveryError('DELIVERY_TRANSIENT', `${options.target}: ${reason}`, undefined, undefined, err);
  }
}

/** A subscription option a channel needs, or a DELIVERY_REJECTED naming it (an old or hand-made document). */
export function required<T>(value: T | undefined, what: string, subscription: SubscriptionDoc): T {
  if (value === undefined || value === null || (typeof value === 'string' && value === ''))
    throw new DeliveryError('DELIVERY_REJECTED', `subscription ${subscription.id} has no ${what}`);
  return value;
}

/**
 * A subscriber-given URL is checked again at delivery time (its name may have been re-pointed at a
 * private address since the subscription was made); a refusal is final, not retried.
 */
export async function checkDeliveryTarget(url: string, target: string, allowPrivate: boolean): Promise<void> {
  try {
    await checkWebhookTarget(url, { allowPrivate });
  } catch (err) {
    throw new DeliveryError(
      'DELIVERY_REJECTED',
      `${target}: ${(err as Error).message}`,
      undefined,
      undefined,
      err,
    );
  }
}
