import { createHash } from 'node:crypto';
import { SourceError } from '../errors';
import type {
  Connector,
  ConnectorItem,
  FetchContext,
  FetchResult,
  FollowUpContext,
  FollowUpMessage,
  FollowUpResult,
  Skipped,
} from '../types';
import { cleanUrl, num, str } from './common';

/**
 * `tipline`: a Telegram bot citizens forward suspicious messages to (Bot API `getUpdates`, bot token
 * in credentialsEnv). Each private message becomes a post (text or caption; where it was forwarded
 * from is kept at the top of the text), and once Kafka has it the sender gets a thank-you in Bahasa
 * Indonesia. The cursor is the next update offset: asking getUpdates with it confirms the earlier
 * updates to Telegram, so a crash before the cursor is stored only re-reads them.
 * Senders are kept pseudonymous: the author id is a hash of the chat id.
 * When an agency publishes a clarification of an issue, every sender whose report is in that issue gets
 * it, as a reply to their report (`followUp`; `followUps: false` in the config turns that off).
 * config: { baseUrl?: "https://api.telegram.org", ackText?: "…", maxPages?: 3, followUps?: true }
 */
export const DEFAULT_ACK_TEXT =
  'Terima kasih, laporan Anda sudah kami terima dan akan diperiksa oleh tim kami. ' +
  'Mohon tidak menyebarkan pesan tersebut sampai ada hasil pemeriksaan. 🙏';

interface TgUser {
  id?: unknown;
  first_name?: unknown;
  username?: unknown;
}
interface TgChat {
  id?: unknown;
  type?: unknown;
  title?: unknown;
  username?: unknown;
}
interface TgMessage {
  message_id?: unknown;
  date?: unknown;
  chat?: TgChat;
  text?: unknown;
  caption?: unknown;
  forward_origin?: {
    type?: unknown;
    sender_user?: TgUser;
    sender_user_name?: unknown;
    chat?: TgChat;
    sender_chat?: TgChat;
  };
  forward_from?: TgUser;
  forward_from_chat?: TgChat;
  forward_sender_name?: unknown;
}
interface TgUpdate {
  update_id?: unknown;
  message?: TgMessage;
}

function forwardedFrom(m: TgMessage): string | undefined {
  const o = m.forward_origin;
  const chat = o?.chat ?? o?.sender_chat ?? m.forward_from_chat;
  if (chat && (typeof chat.title === 'string' || typeof chat.username === 'string'))
    return [chat.title, typeof chat.username === 'string' ? `@${chat.username}` : undefined]
      .filter(Boolean)
      .join(' ');
  const user = o?.sender_user ?? m.forward_from;
  if (user && typeof user.first_name === 'string') return user.first_name;
  const hidden = o?.sender_user_name ?? m.forward_sender_name;
  return typeof hidden === 'string' ? hidden : undefined;
}

/** Telegram's limit on a message's text. */
const MAX_TEXT = 4096;

/**
 * What a reporter reads when an agency clarifies the issue their report is in (Bahasa Indonesia, plain
 * text: no parse mode, so nothing in the agency's text can break the message).
 */
export function clarificationFollowUpText(c: { agencyName: string; text: string; url?: string }): string {
  const head = `Kabar terbaru atas laporan Anda: ${c.agencyName} telah menerbitkan klarifikasi resmi.\n\n`;
  const tail =
    (c.url ? `\n\nSelengkapnya: ${c.url}` : '') +
    '\n\nBantu luruskan bila pesan serupa beredar di grup Anda. Terima kasih sudah melapor. 🙏';
  const room = MAX_TEXT - head.length - tail.length - 2;
  const body = c.text.length > room ? `${c.text.slice(0, room - 1)}…` : c.text;
  return `${head}“${body}”${tail}`;
}

/** Telegram errors that say this chat cannot be written to (blocked, deactivated, gone): not retried. */
function unreachable(err: unknown): boolean {
  return err instanceof SourceError && (err.info.status === 400 || err.info.status === 403);
}

const pseudonym = (chatId: string) => `tg:${createHash('sha256').update(chatId).digest('hex').slice(0, 16)}`;

export const tiplineConnector: Connector = {
  kind: 'tipline',
  credentials: 'required',
  validate(config) {
    const problems: string[] = [];
    const base = str(config, 'baseUrl');
    if (base && !cleanUrl(base)) problems.push('config.baseUrl is not an http(s) URL');
    if (config.followUps !== undefined && typeof config.followUps !== 'boolean')
      problems.push('config.followUps must be true or false');
    const ack = config.ackText;
    if (ack !== undefined && (typeof ack !== 'string' || ack.length > 1000))
      problems.push('config.ackText must be text (≤ 1000)');
    return problems;
  },
  urls: (config) => [str(config, 'baseUrl') ?? 'https://api.telegram.org'],
  async fetch(ctx: FetchContext): Promise<FetchResult> {
    const base = (str(ctx.source.config, 'baseUrl') ?? 'https://api.telegram.org').replace(/\/+$/, '');
    const api = `${base}/bot${ctx.credential}`;
    let offset = typeof ctx.cursor.offset === 'number' ? ctx.cursor.offset : undefined;
    const items: ConnectorItem[] = [];
    const skipped: Skipped[] = [];
    const acks: { chatId: string | number; messageId: number }[] = [];
    const maxPages = num(ctx.source.config, 'maxPages') ?? 3;
    for (let page = 0; page < maxPages; page += 1) {
      const u = new URL(`${api}/getUpdates`);
      u.searchParams.set('timeout', '0');
      u.searchParams.set('limit', '100');
      u.searchParams.set('allowed_updates', '["message"]');
      if (offset !== undefined) u.searchParams.set('offset', String(offset));
      const response = await ctx.http.get(u.href, { headers: { accept: 'application/json' } });
      let body: { ok?: unknown; result?: unknown };
      try {
        body = JSON.parse(response.body.toString('utf8'));
      } catch {
        throw new SourceError('SOURCE_MALFORMED', 'getUpdates answered something that is not JSON');
      }
      if (body?.ok !== true || !Array.isArray(body.result))
        throw new SourceError('SOURCE_MALFORMED', 'getUpdates did not answer {ok:true,result:[…]}');
      const updates = body.result as TgUpdate[];
      if (updates.length === 0) break;
      for (const u of updates) {
        if (typeof u?.update_id !== 'number') continue;
        offset = Math.max(offset ?? 0, u.update_id + 1);
        const m = u.message;
        const chatId = m?.chat?.id;
        if (!m || (typeof chatId !== 'number' && typeof chatId !== 'string')) {
          skipped.push({ ref: String(u.update_id), reason: 'update without a message' });
          continue;
        }
        if (m.chat?.type !== 'private') {
          skipped.push({ ref: String(u.update_id), reason: 'not a private chat with the bot' });
          continue;
        }
        const text = typeof m.text === 'string' ? m.text : typeof m.caption === 'string' ? m.caption : '';
        if (!text.trim() || text.trim().startsWith('/start')) {
          skipped.push({
            ref: String(u.update_id),
            reason: text.trim() ? 'bot command' : 'message without text or caption',
          });
          continue;
        }
        if (typeof m.date !== 'number' || typeof m.message_id !== 'number') {
          skipped.push({ ref: String(u.update_id), reason: 'message without date or id' });
          continue;
        }
        const from = forwardedFrom(m);
        items.push({
          sourceId: `${chatId}:${m.message_id}`,
          text: (from ? `[diteruskan dari ${from}]\n${text}` : text).slice(0, 20_000),
          publishedAt: new Date(m.date * 1000).toISOString(),
          author: { id: pseudonym(String(chatId)) },
        });
        acks.push({ chatId, messageId: m.message_id });
      }
      if (updates.length < 100) break;
    }
    const ackText = str(ctx.source.config, 'ackText') ?? DEFAULT_ACK_TEXT;
    return {
      items,
      skipped,
      cursor: offset === undefined ? {} : { offset },
      // After Kafka has the reports: thank each sender (a failed thank-you is logged, never retried).
      afterAck: async () => {
        for (const a of acks) {
          try {
            await ctx.http.get(`${api}/sendMessage`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                chat_id: a.chatId,
                text: ackText,
                reply_parameters: { message_id: a.messageId },
              }),
            });
          } catch (err) {
            ctx.logger.warn(
              { err: (err as Error).message, chat: pseudonym(String(a.chatId)) },
              'tipline thank-you not sent',
            );
          }
        }
      },
    };
  },
  async followUp(ctx: FollowUpContext, message: FollowUpMessage): Promise<FollowUpResult> {
    if (ctx.source.config.followUps === false) return { sent: 0, skipped: [] };
    const base = (str(ctx.source.config, 'baseUrl') ?? 'https://api.telegram.org').replace(/\/+$/, '');
    const api = `${base}/bot${ctx.credential}`;
    // One message per sender, as a reply to their latest report in the issue.
    const latest = new Map<string, number>();
    const skipped: Skipped[] = [];
    for (const ref of message.refs) {
      const m = /^(-?\d+):(\d+)$/.exec(ref);
      if (!m) {
        skipped.push({ ref, reason: 'not a tipline report id (chat:message)' });
        continue;
      }
      latest.set(m[1]!, Math.max(latest.get(m[1]!) ?? 0, Number(m[2])));
    }
    let sent = 0;
    for (const [chatId, messageId] of latest) {
      const who = pseudonym(chatId);
      if (await ctx.done.has(who)) continue;
      try {
        await ctx.http.get(`${api}/sendMessage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            chat_id: Number(chatId),
            text: message.text,
            reply_parameters: { message_id: messageId, allow_sending_without_reply: true },
          }),
        });
        sent += 1;
      } catch (err) {
        // Blocked the bot or gone: nothing to retry. Anything else (429, 5xx, network) fails the job,
        // which runs again later and skips who already has it.
        if (!unreachable(err)) throw err;
        skipped.push({ ref: `${chatId}:${messageId}`, reason: (err as Error).message });
      }
      await ctx.done.add(who);
    }
    ctx.logger.info({ key: message.key, sent, skipped: skipped.length }, 'tipline follow-up sent');
    return { sent, skipped };
  },
};
