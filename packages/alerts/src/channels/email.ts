import nodemailer, { type Transporter } from 'nodemailer';
import {
  type MessageParts,
  type RenderOptions,
  escapeHtml,
  messageParts,
  plainText,
  readClarificationLabel,
  safeUrl,
} from '../templates';
import type { AlertPayload, SubscriptionDoc } from '../types';
import { type Channel, DeliveryError, type SendContext, type SendResult, required } from './channel';

/**
 * E-mail over SMTP (SMTP_URL, nodemailer): plain text and HTML from the shared
 * templates. A follow-up replies in the first message's thread (In-Reply-To/References) rather than
 * starting a new one. SMTP answers 4xx for "try later" and 5xx for "never": mapped to
 * DELIVERY_TRANSIENT and DELIVERY_REJECTED; a connection or timeout failure is transient.
 */
export interface EmailChannelOptions extends RenderOptions {
  /** smtp://user:pass@host:port or smtps://…; unset = every e-mail delivery fails for good saying so. */
  smtpUrl?: string;
  from?: string;
  timeoutMs?: number;
}

function link(text: string, url: string | undefined): string {
  const safe = safeUrl(url);
  return safe ? `<a href="${escapeHtml(safe)}">${escapeHtml(text)}</a>` : escapeHtml(text);
}

/** The HTML part: the same parts as the text part, as simple markup every mail client shows. */
export function emailHtml(parts: MessageParts): string {
  const out = [`<h2>${escapeHtml(parts.heading)}</h2>`, `<p>${escapeHtml(parts.whyNow)}</p>`];
  if (parts.clarification) {
    const { text, url } = parts.clarification;
    out.push(`<blockquote>${escapeHtml(text)}</blockquote>`);
    if (url) out.push(`<p>${link(readClarificationLabel(parts.language), url)}</p>`);
  }
  out.push(
    `<p>${[parts.counts, parts.hoax]
      .filter(Boolean)
      .map((l) => escapeHtml(l!))
      .join('<br>')}</p>`,
  );
  for (const s of parts.sections)
    out.push(
      `<h3>${escapeHtml(s.title)}</h3>`,
      `<ul>${s.items.map((i) => `<li>${link(i.text, i.url)}</li>`).join('')}</ul>`,
    );
  if (parts.issueLink) out.push(`<p>${link(parts.issueLink.text, parts.issueLink.url)}</p>`);
  return `<!doctype html><html lang="${parts.language}"><body>${out.join('\n')}</body></html>\n`;
}

/** Network-level failures nodemailer reports by code (no SMTP answer at all): worth another try. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET', 'EPROTOCOL']);

export function classifySmtpError(err: unknown, target: string): DeliveryError {
  const e = err as { responseCode?: number; code?: string; response?: string; message?: string };
  const what = e.response ?? e.message ?? String(err);
  const message = `${target}: ${e.responseCode ? `SMTP ${e.responseCode} ` : ''}${what}`.slice(0, 500);
  if (typeof e.responseCode === 'number')
    return new DeliveryError(
      e.responseCode >= 500 ? 'DELIVERY_REJECTED' : 'DELIVERY_TRANSIENT',
      message,
      e.responseCode,
      undefined,
      err,
    );
  if (e.code && TRANSIENT_CODES.has(e.code))
    return new DeliveryError('DELIVERY_TRANSIENT', message, undefined, undefined, err);
  // No SMTP answer and no network failure: an envelope or auth problem retrying cannot fix.
  if (e.code === 'EENVELOPE' || e.code === 'EAUTH' || e.code === 'EMESSAGE')
    return new DeliveryError('DELIVERY_REJECTED', message, undefined, undefined, err);
  return new DeliveryError('DELIVERY_TRANSIENT', message, undefined, undefined, err);
}

export interface EmailChannel extends Channel {
  close(): void;
}

export function createEmailChannel(options: EmailChannelOptions = {}): EmailChannel {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const from = options.from ?? 'Pantau <pantau@localhost>';
  let transport: Transporter | undefined;
  const transporter = () => {
    transport ??= nodemailer.createTransport({
      url: options.smtpUrl!,
      // No pool: a pooled connection that fails resends the message on a fresh one by itself, a second
      // retry policy beside the delivery queue's (and a duplicate when the server had accepted it).
      pool: false,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as never);
    return transport;
  };
  return {
    name: 'email',
    threadsFollowUps: true,
    limits: () => [],
    async send(
      payload: AlertPayload,
      subscription: SubscriptionDoc,
      context: SendContext = {},
    ): Promise<SendResult> {
      const target = `email ${subscription.id}`;
      if (!options.smtpUrl)
        throw new DeliveryError('DELIVERY_REJECTED', `${target}: SMTP_URL is not set on this server`);
      const to = required(subscription.config.to, 'to', subscription);
      const parts = messageParts(payload, subscription.language ?? 'id', options);
      const key = [payload.alert.id, `v${payload.alert.version}`, payload.clarification?.id, subscription.id]
        .filter(Boolean)
        .join('.');
      const previous = context.previousMessageId;
      try {
        const info = (await transporter().sendMail({
          from,
          to,
          subject: parts.heading,
          text: plainText(parts),
          html: emailHtml(parts),
          messageId: `<${key}@pantau>`,
          ...(previous ? { inReplyTo: previous, references: [previous] } : {}),
        })) as { messageId?: string };
        return info.messageId ? { messageId: info.messageId } : {};
      } catch (err) {
        throw classifySmtpError(err, target);
      }
    },
    close() {
      transport?.close();
    },
  };
}
