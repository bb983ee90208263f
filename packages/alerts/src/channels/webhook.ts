import { createHmac, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '@pantau/core';
import type { AlertPayload, SubscriptionDoc } from '../types';
import {
  type Channel,
  type SendResult,
  checkDeliveryTarget,
  classifyResponse,
  postJson,
  required,
} from './channel';

/**
 * Signed webhooks: POST JSON `{alert:{…}}` with
 * `X-Pantau-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256("<t>.<raw body>", secret)>`
 * and `X-Pantau-Alert-Id`. Receivers check it with `verifySignature`.
 */
export const SIGNATURE_HEADER = 'x-pantau-signature';
export const ALERT_ID_HEADER = 'x-pantau-alert-id';

export function signBody(rawBody: string, secret: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** True when `header` is a valid signature of `rawBody` by `secret`, made within `toleranceSec` of now. */
export function verifySignature(
  rawBody: string | Buffer,
  header: string | undefined | null,
  secret: string,
  toleranceSec = 300,
  nowMs: number = Date.now(),
): boolean {
  if (!header) return false;
  const parts = new Map<string, string[]>();
  for (const piece of header.split(',')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const k = piece.slice(0, eq).trim();
    parts.set(k, [...(parts.get(k) ?? []), piece.slice(eq + 1).trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  if (!Number.isInteger(t)) return false;
  if (Math.abs(nowMs / 1000 - t) > toleranceSec) return false;
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'), 'hex');
  return (parts.get('v1') ?? []).some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface WebhookChannelOptions {
  timeoutMs?: number;
  /** Spacing of deliveries to one subscription, rounded up to whole seconds (the limiter counts seconds); 0 none. */
  minIntervalMs?: number;
  clock?: Clock;
  userAgent?: string;
  /** Deliver to private/loopback addresses (local development and tests only). */
  allowPrivateTargets?: boolean;
}

/** Signed JSON webhooks: the payload as it is, for the receiver's own automation. */
export function createWebhookChannel(options: WebhookChannelOptions = {}): Channel {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  const interval = options.minIntervalMs ?? 0;
  return {
    name: 'webhook',
    limits: (subscription) =>
      interval > 0
        ? [{ key: `webhook:${subscription.id}`, points: 1, perSeconds: Math.ceil(interval / 1000) }]
        : [],
    async send(payload: AlertPayload, subscription: SubscriptionDoc): Promise<SendResult> {
      const url = required(subscription.config.url, 'url', subscription);
      const secret = required(subscription.config.secret, 'secret', subscription);
      const body = JSON.stringify(payload);
      const t = Math.floor(clock.now() / 1000);
      const target = `webhook ${subscription.id}`;
      await checkDeliveryTarget(url, target, options.allowPrivateTargets ?? false);
      const answer = await postJson(url, body, {
        timeoutMs,
        target,
        maxText: 200,
        headers: {
          'user-agent': options.userAgent ?? 'Pantau-Webhook/1',
          'x-pantau-signature': signBody(body, secret, t),
          'x-pantau-alert-id': payload.alert.id,
          'x-pantau-alert-version': String(payload.alert.version),
        },
      });
      classifyResponse(answer.status, answer.header('retry-after'), Date.now(), target);
      return {};
    },
  };
}
