import { PantauError } from '@pantau/core';
import type { Rate } from '@pantau/queue';
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
  headers: Headers;
  text: string;
}

/**
 * POSTs JSON with a timeout, no redirects; a network failure or timeout is DELIVERY_TRANSIENT. The
 * URL is never put in an error (Slack URLs and Telegram bot URLs are secrets); `target` names it.
 */
export async function postJson(
  url: string,
  body: string,
  options: { timeoutMs: number; target: string; headers?: Record<string, string>; maxText?: number },
): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    const reason =
      (err as Error).name === 'TimeoutError'
        ? `timed out after ${options.timeoutMs}ms`
        : `${(err as Error).message}${(err as { cause?: { code?: string } }).cause?.code ? ` (${(err as { cause: { code: string } }).cause.code})` : ''}`;
    throw new DeliveryError('DELIVERY_TRANSIENT', `${options.target}: ${reason}`, undefined, undefined, err);
  }
  // Read (and so release) the body; only its start matters for an error message.
  const text = await response.text().catch(() => '');
  return {
    status: response.status,
    headers: response.headers,
    text: text.slice(0, options.maxText ?? 2_000),
  };
}

/** A subscription option a channel needs, or a DELIVERY_REJECTED naming it (an old or hand-made document). */
export function required<T>(value: T | undefined, what: string, subscription: SubscriptionDoc): T {
  if (value === undefined || value === null || (typeof value === 'string' && value === ''))
    throw new DeliveryError('DELIVERY_REJECTED', `subscription ${subscription.id} has no ${what}`);
  return value;
}
