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
  type SendResult,
  checkDeliveryTarget,
  classifyResponse,
  postJson,
  required,
} from './channel';

/**
 * Slack incoming webhooks: one URL per subscription (the URL is the secret), a Block Kit message laid
 * out from the shared templates. Slack allows about one message per second per webhook and answers
 * 429 with Retry-After beyond that; errors come as text (400 invalid_payload, 403 action_prohibited,
 * 404 no_service, 410 channel_is_archived) and are final.
 */
export interface SlackChannelOptions extends RenderOptions {
  timeoutMs?: number;
  /** Post to private/loopback addresses (local development and tests only). */
  allowPrivateTargets?: boolean;
}

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
  return {
    name: 'slack',
    limits: (subscription) =>
      subscription.config.url
        ? [{ key: slackTargetKey(subscription.config.url), points: 1, perSeconds: 1 }]
        : [],
    async send(payload: AlertPayload, subscription: SubscriptionDoc): Promise<SendResult> {
      const url = required(subscription.config.url, 'url', subscription);
      const target = `slack ${subscription.id}`;
      await checkDeliveryTarget(url, target, options.allowPrivateTargets ?? false);
      const message = slackMessage(messageParts(payload, subscription.language ?? 'id', options));
      const answer = await postJson(url, JSON.stringify(message), { timeoutMs, target, maxText: 200 });
      classifyResponse(answer.status, answer.header('retry-after'), Date.now(), target, answer.text.trim());
      return {};
    },
  };
}
