import { createHash } from 'node:crypto';
import {
  type MessageParts,
  type RenderOptions,
  escapeHtml,
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
  postJson,
  required,
} from './channel';

/**
 * Telegram through one Pantau bot (TELEGRAM_BOT_TOKEN against TELEGRAM_API_URL); a subscription names
 * the chat. Messages use the HTML parse mode, every piece of text escaped. Follow-ups (a later alert
 * version, a pushed clarification) edit the first message with editMessageText instead of adding
 * another one, so a chat holds one message per issue that stays current. Telegram allows about one
 * message per second per chat (20 a minute in a group) and 30 per second per bot; a 429 says how long to wait in
 * `parameters.retry_after`.
 */
export interface TelegramChannelOptions extends RenderOptions {
  /** Unset = every Telegram delivery fails for good with a message saying so. */
  botToken?: string;
  /** The Bot API base (default https://api.telegram.org). */
  apiUrl?: string;
  timeoutMs?: number;
}

/** Telegram's limit on a message's text. */
const MAX_TEXT = 4096;

function link(text: string, url: string | undefined): string {
  const safe = safeUrl(url);
  return safe ? `<a href="${escapeHtml(safe)}">${escapeHtml(text)}</a>` : escapeHtml(text);
}

/** The message in Telegram's HTML parse mode. */
export function telegramHtml(parts: MessageParts): string {
  const render = (sections: MessageParts['sections'], whyNow = parts.whyNow) => {
    const blocks = [`<b>${escapeHtml(parts.heading)}</b>\n${escapeHtml(whyNow)}`];
    if (parts.clarification) {
      const { text, url } = parts.clarification;
      blocks.push(
        `<blockquote>${escapeHtml(text)}</blockquote>${url ? `\n${link(readClarificationLabel(parts.language), url)}` : ''}`,
      );
    }
    blocks.push(
      [parts.counts, parts.hoax]
        .filter(Boolean)
        .map((l) => escapeHtml(l!))
        .join('\n'),
    );
    for (const s of sections)
      blocks.push(
        [`<b>${escapeHtml(s.title)}</b>`, ...s.items.map((i) => `• ${link(i.text, i.url)}`)].join('\n'),
      );
    if (parts.issueLink) blocks.push(link(parts.issueLink.text, parts.issueLink.url));
    return blocks.join('\n\n');
  };
  // Too long (the limit counts text after parsing; markup is a safe over-estimate): drop sections from the end.
  const sections = [...parts.sections];
  let html = render(sections);
  while (html.length > MAX_TEXT && sections.length > 0) {
    sections.pop();
    html = render(sections);
  }
  // Still too long (a very long reason): shorten it until the message fits.
  let whyNow = parts.whyNow;
  while (html.length > MAX_TEXT && whyNow.length > 1) {
    whyNow = truncate(whyNow, Math.max(1, whyNow.length - (html.length - MAX_TEXT) - 1));
    html = render(sections, whyNow);
  }
  return html;
}

interface TelegramAnswer {
  ok?: boolean;
  result?: { message_id?: number };
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export function createTelegramChannel(options: TelegramChannelOptions = {}): Channel {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const apiUrl = (options.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
  // The bot's rate-limit key is a hash: the token never becomes a Redis key.
  const botKey = `telegram:bot:${createHash('sha256')
    .update(options.botToken ?? '')
    .digest('hex')
    .slice(0, 16)}`;

  /** One Bot API call; the URL holds the token, so only `target` ever names it in errors. */
  async function call(method: string, body: object, target: string): Promise<TelegramAnswer> {
    const answer = await postJson(`${apiUrl}/bot${options.botToken}/${method}`, JSON.stringify(body), {
      timeoutMs,
      target,
    });
    let parsed: TelegramAnswer;
    try {
      parsed = JSON.parse(answer.text) as TelegramAnswer;
    } catch {
      parsed = {};
    }
    if (answer.status >= 200 && answer.status < 300 && parsed.ok) return parsed;
    const status = parsed.error_code ?? answer.status;
    const message = `${target} ${method} answered ${status}${parsed.description ? ` ${parsed.description}` : ''}`;
    if (status === 429) {
      const seconds = parsed.parameters?.retry_after ?? Number(answer.header('retry-after'));
      throw new DeliveryError(
        'DELIVERY_TRANSIENT',
        message,
        status,
        Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
      );
    }
    // 5xx, 408, or an answer that is not the Bot API's JSON: worth another try.
    if (status >= 500 || status === 408 || parsed.error_code === undefined)
      throw new DeliveryError('DELIVERY_TRANSIENT', message, status);
    throw new DeliveryError('DELIVERY_REJECTED', message, status);
  }

  return {
    name: 'telegram',
    threadsFollowUps: true,
    limits: (subscription) => {
      const chat = subscription.config.chatId ?? subscription.id;
      return [
        { key: `telegram:chat:${chat}`, points: 1, perSeconds: 1 },
        // Groups and channels (negative ids, @names) also take at most 20 messages a minute.
        ...(/^[-@]/.test(chat) ? [{ key: `telegram:group:${chat}`, points: 20, perSeconds: 60 }] : []),
        { key: botKey, points: 30, perSeconds: 1 },
      ];
    },
    async send(
      payload: AlertPayload,
      subscription: SubscriptionDoc,
      context: SendContext = {},
    ): Promise<SendResult> {
      const target = `telegram ${subscription.id}`;
      if (!options.botToken)
        throw new DeliveryError(
          'DELIVERY_REJECTED',
          `${target}: TELEGRAM_BOT_TOKEN is not set on this server`,
        );
      const chatId = required(subscription.config.chatId, 'chatId', subscription);
      const text = telegramHtml(messageParts(payload, subscription.language ?? 'id', options));
      const message = {
        chat_id: chatId,
        text,
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      };
      if (context.previousMessageId) {
        try {
          await call(
            'editMessageText',
            { ...message, message_id: Number(context.previousMessageId) },
            target,
          );
          return { messageId: context.previousMessageId };
        } catch (err) {
          if (!(err instanceof DeliveryError) || err.status !== 400) throw err;
          // Same text as shown already: nothing to change, the chat is current.
          if (/message is not modified/i.test(err.message)) return { messageId: context.previousMessageId };
          // The first message is gone or can no longer be edited: send the follow-up as a new one.
        }
      }
      const sent = await call('sendMessage', message, target);
      const id = sent.result?.message_id;
      return id === undefined ? {} : { messageId: String(id) };
    },
  };
}
