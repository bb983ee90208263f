import { createHash } from 'node:crypto';
import {
  type MessageParts,
  type RenderOptions,
  messageParts,
  readClarificationLabel,
  safeUrl,
  truncate,
} from '../templates';
import type { AlertPayload, SubscriptionDoc } from '../types';
import {
  type Channel,
  DeliveryError,
  type SendContext,
  type SendResult,
  checkDeliveryTarget,
  classifyResponse,
  postJson,
  required,
} from './channel';

/**
 * Slack, a Block Kit message laid out from the shared templates, in one of two ways per subscription:
 *  - an incoming webhook (`url`, itself the secret): every alert version is a new message. Slack allows
 *    about one message per second per webhook and answers 429 with Retry-After beyond that; errors come
 *    as text (400 invalid_payload, 403 action_prohibited, 404 no_service, 410 channel_is_archived) and
 *    are final;
 *  - the Web API with Pantau's Slack app (`slackChannel`, a conversation id, and SLACK_BOT_TOKEN on the
 *    server): the first version is posted with chat.postMessage, later versions and a pushed
 *    clarification update that message (chat.update by its `ts`), so a channel holds one message per
 *    issue that stays current, as on Telegram. Errors come as HTTP 200 `{"ok":false,"error":"…"}`
 *    (channel_not_found, not_in_channel, invalid_auth, is_archived… final; ratelimited, internal_error…
 *    transient) and rate limits as 429 with Retry-After (about one message per second per channel).
 */
export interface SlackChannelOptions extends RenderOptions {
  timeoutMs?: number;
  /** Post to private/loopback addresses (local development and tests only). */
  allowPrivateTargets?: boolean;
  /** The Slack app's bot token (xoxb-…) for `slackChannel` subscriptions; unset = those fail for good. */
  botToken?: string;
  /** The Web API base (default https://slack.com/api). */
  apiUrl?: string;
}

/** Web API errors worth another try; every other `error` is final. */
const SLACK_TRANSIENT = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);
/** chat.update errors that mean "post anew": the first message is gone or can no longer be edited. */
const SLACK_NOT_EDITABLE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

/** Slack mrkdwn: only &, < and > need escaping. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function link(text: string, url: string | undefined): string {
  const safe = safeUrl(url);
  return safe ? `<${safe.replace(/\|/g, '%7C').replace(/>/g, '%3E')}|${mrkdwn(text)}>` : mrkdwn(text);
}

type Block = Record<string, unknown>;
const section = (text: string): Block => ({
  type: 'section',
  // A section's text may hold 3,000 characters (cut plainly: its line breaks are layout).
  text: { type: 'mrkdwn', text: text.length <= 3_000 ? text : `${text.slice(0, 2_999)}…` },
});

/** The Block Kit message for these parts (`text` is the notification fallback). */
export function slackMessage(parts: MessageParts): { text: string; blocks: Block[] } {
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(parts.heading, 150), emoji: true } },
    section(mrkdwn(parts.whyNow)),
  ];
  if (parts.clarification) {
    const { text, url } = parts.clarification;
    blocks.push(
      section(
        `>${mrkdwn(text).replace(/\n/g, '\n>')}${url ? `\n${link(readClarificationLabel(parts.language), url)}` : ''}`,
      ),
    );
  }
  blocks.push(
    section(
      [parts.counts, parts.hoax]
        .filter(Boolean)
        .map((l) => mrkdwn(l!))
        .join('\n'),
    ),
  );
  for (const s of parts.sections)
    blocks.push(
      section([`*${mrkdwn(s.title)}*`, ...s.items.map((i) => `• ${link(i.text, i.url)}`)].join('\n')),
    );
  const issueUrl = safeUrl(parts.issueLink?.url);
  if (parts.issueLink && issueUrl)
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: parts.issueLink.text }, url: issueUrl }],
    });
  return { text: `${parts.heading} — ${parts.whyNow}`, blocks };
}

/** Rate-limit key of a webhook URL: a hash, so the URL (a secret) never becomes a Redis key. */
export function slackTargetKey(url: string): string {
  return `slack:${createHash('sha256').update(url).digest('hex').slice(0, 24)}`;
}

export function createSlackChannel(options: SlackChannelOptions = {}): Channel {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const apiUrl = (options.apiUrl ?? 'https://slack.com/api').replace(/\/+$/, '');

  /**
   * One Web API call (the token goes in a header, never in a message); the message's `ts`. HTTP errors
   * are classified as for webhooks; an HTTP-200 `{"ok":false}` carries Slack's error code as its cause.
   */
  async function call(method: string, body: object, target: string): Promise<string> {
    const answer = await postJson(`${apiUrl}/${method}`, JSON.stringify(body), {
      timeoutMs,
      target,
      headers: {
        authorization: `Bearer ${options.botToken}`,
        'content-type': 'application/json; charset=utf-8',
      },
    });
    let parsed: { ok?: boolean; ts?: string; error?: string } = {};
    try {
      parsed = JSON.parse(answer.text) as typeof parsed;
    } catch {
      // not the Web API's JSON (a proxy's error page): judged by its status
    }
    classifyResponse(
      answer.status,
      answer.header('retry-after'),
      Date.now(),
      `${target} ${method}`,
      parsed.error,
    );
    if (parsed.ok && typeof parsed.ts === 'string') return parsed.ts;
    const error = parsed.error ?? 'no ts in the answer';
    throw new DeliveryError(
      SLACK_TRANSIENT.has(error) ? 'DELIVERY_TRANSIENT' : 'DELIVERY_REJECTED',
      `${target} ${method} answered ${answer.status} ${error}`,
      answer.status,
      undefined,
      { slackError: error },
    );
  }

  async function sendToApp(
    payload: AlertPayload,
    subscription: SubscriptionDoc,
    channel: string,
    context: SendContext,
  ): Promise<SendResult> {
    const target = `slack ${subscription.id}`;
    if (!options.botToken)
      throw new DeliveryError('DELIVERY_REJECTED', `${target}: SLACK_BOT_TOKEN is not set on this server`);
    const message = {
      channel,
      ...slackMessage(messageParts(payload, subscription.language ?? 'id', options)),
      unfurl_links: false,
      unfurl_media: false,
    };
    if (context.previousMessageId) {
      try {
        return {
          messageId: await call('chat.update', { ...message, ts: context.previousMessageId }, target),
        };
      } catch (err) {
        const slackError = (err as { cause?: { slackError?: string } }).cause?.slackError;
        if (!slackError || !SLACK_NOT_EDITABLE.has(slackError)) throw err;
        // The first message is gone or can no longer be edited: the follow-up is a new message.
      }
    }
    return { messageId: await call('chat.postMessage', message, target) };
  }

  return {
    name: 'slack',
    threadsFollowUps: true,
    limits: (subscription) =>
      subscription.config.url
        ? [{ key: slackTargetKey(subscription.config.url), points: 1, perSeconds: 1 }]
        : subscription.config.slackChannel
          ? [{ key: `slack:channel:${subscription.config.slackChannel}`, points: 1, perSeconds: 1 }]
          : [],
    async send(
      payload: AlertPayload,
      subscription: SubscriptionDoc,
      context: SendContext = {},
    ): Promise<SendResult> {
      if (!subscription.config.url && subscription.config.slackChannel)
        return sendToApp(payload, subscription, subscription.config.slackChannel, context);
      const url = required(subscription.config.url, 'url', subscription);
      const target = `slack ${subscription.id}`;
      await checkDeliveryTarget(url, target, options.allowPrivateTargets ?? false);
      const message = slackMessage(messageParts(payload, subscription.language ?? 'id', options));
      const answer = await postJson(url, JSON.stringify(message), { timeoutMs, target, maxText: 200 });
      classifyResponse(answer.status, answer.header('retry-after'), Date.now(), target, answer.text.trim());
      // An incoming webhook answers "ok", no message id: every version is a message of its own.
      return {};
    },
  };
}
