import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import {
  Worker,
  closeRedis,
  connectRedis,
  createKeyValue,
  createScheduler,
  logQueueErrors,
  type Job,
  type KeyValue,
} from '@pantau/queue';
import type { Logger } from 'pino';
import { clarificationFollowUpText } from './connectors';
import { SourceError } from './errors';
import { createHttpClient, type HttpClient } from './http';
import { SourceState } from './state';
import type { FollowUpResult, Skipped } from './types';

/**
 * WhatsApp tipline follow-ups: when an agency clarifies an issue, each citizen who reported a message of
 * that issue to the WhatsApp tipline gets the clarification, once, from the number they wrote to.
 *
 * The posts keep only a pseudonym of the sender. To answer, the sender's number is kept beside the
 * report's message id in Redis, sealed with AES-256-GCM under a key derived from the app secret, for the
 * follow-up window only (30 days by default; the key then expires). WhatsApp lets a business write
 * freely for 24 hours after the customer's last message; later, only an approved template message may
 * be sent — so a sender whose report is older gets the clarification through the template named by
 * WHATSAPP_FOLLOWUP_TEMPLATE, or nothing (skipped, with the reason logged) when none is configured.
 */
export const WHATSAPP_FOLLOWUPS_QUEUE = 'whatsapp-followups';

/** The customer service window (24 h after the sender's message), less a margin for queueing. */
const SERVICE_WINDOW_MS = 24 * 3600_000 - 10 * 60_000;
/** WhatsApp's limit on a text message's body. */
const MAX_TEXT = 4096;
/** Room for the clarification in a template parameter (the template's own text shares the 1,024 limit). */
const MAX_TEMPLATE_PARAM = 700;

export interface WhatsAppReport {
  /** The report's message id (`wamid.…`): the post's sourceId. */
  messageId: string;
  /** The sender's number (wa_id). Kept sealed, for the follow-up window only. */
  from: string;
  /** The business phone number id the report was sent to: the answer goes out from it. */
  phoneNumberId: string;
  /** When the sender sent it (ms since the epoch). */
  at: number;
}

/** The pseudonym a sender's posts carry (`author.id`), also the key of "already answered". */
export function whatsappPseudonym(from: string): string {
  return `wa:${createHash('sha256').update(from).digest('hex').slice(0, 16)}`;
}

/** Who sent which report, sealed, for as long as a follow-up may come. */
export interface ReporterBook {
  remember(reports: readonly WhatsAppReport[]): Promise<void>;
  /** The reports on record among these message ids (the others are unknown or expired). */
  lookup(messageIds: readonly string[]): Promise<WhatsAppReport[]>;
}

export function createReporterBook(
  kv: KeyValue,
  options: { secret: string; prefix: string; keepMs: number },
): ReporterBook {
  const key = Buffer.from(hkdfSync('sha256', options.secret, 'pantau', 'whatsapp-reporters', 32));
  const keyOf = (messageId: string) => `${options.prefix}:wa:reporter:${messageId}`;
  const seal = (r: WhatsAppReport): string => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    // The message id is authenticated too: a sealed record moved to another report does not open.
    cipher.setAAD(Buffer.from(r.messageId, 'utf8'));
    const plain = JSON.stringify({ from: r.from, phoneNumberId: r.phoneNumberId, at: r.at });
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  };
  const open = (messageId: string, sealed: string): WhatsAppReport | undefined => {
    try {
      const bytes = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(messageId, 'utf8'));
      decipher.setAuthTag(bytes.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
      const r = JSON.parse(plain) as Omit<WhatsAppReport, 'messageId'>;
      return { messageId, from: r.from, phoneNumberId: r.phoneNumberId, at: r.at };
    } catch {
      // Sealed under another secret (the app secret was rotated) or damaged: as good as unknown.
      return undefined;
    }
  };
  return {
    async remember(reports) {
      for (const r of reports) await kv.set(keyOf(r.messageId), seal(r), options.keepMs);
    },
    async lookup(messageIds) {
      const found: WhatsAppReport[] = [];
      for (let i = 0; i < messageIds.length; i += 500) {
        const ids = messageIds.slice(i, i + 500);
        const values = await kv.mget(ids.map(keyOf));
        values.forEach((v, k) => {
          const report = v === null ? undefined : open(ids[k]!, v);
          if (report) found.push(report);
        });
      }
      return found;
    },
  };
}

/** A clarification for the WhatsApp senders of some reports. */
export interface WhatsAppFollowUpJob {
  /** The clarification id: each sender gets it once. */
  key: string;
  /** The reports' message ids (the posts' sourceIds). */
  refs: string[];
  clarification: { agencyName: string; text: string; url?: string };
  /**
   * Send the template even inside the 24 h window: Meta reported the text reply undeliverable later
   * (131047, the window had closed), see `deliveryFailed`.
   */
  templateOnly?: boolean;
}

/**
 * The text replies Meta accepted, by WhatsApp message id (wamid), until Meta has had time to say
 * whether they were delivered: a reply Meta accepts can still fail later, reported only through the
 * webhook's `statuses`. Holds no phone number: the report id leads back to the sealed sender.
 */
export interface SentReplies {
  record(wamid: string, sent: SentReply): Promise<void>;
  take(wamid: string): Promise<SentReply | undefined>;
}

export interface SentReply {
  /** The clarification's job key. */
  key: string;
  /** The report it answered (its message id). */
  ref: string;
  clarification: WhatsAppFollowUpJob['clarification'];
}

/** How long a sent reply is remembered: Meta reports a failure within minutes, retries for a day. */
const SENT_KEEP_MS = 3 * 24 * 3600_000;

export function createSentReplies(kv: KeyValue, prefix: string): SentReplies {
  const keyOf = (wamid: string) => `${prefix}:wa:sent:${wamid}`;
  return {
    record: (wamid, sent) => kv.set(keyOf(wamid), JSON.stringify(sent), SENT_KEEP_MS),
    async take(wamid) {
      const value = await kv.get(keyOf(wamid));
      if (value === null) return undefined;
      await kv.del(keyOf(wamid));
      try {
        return JSON.parse(value) as SentReply;
      } catch {
        return undefined;
      }
    },
  };
}

/** A message Meta reported failed (`statuses[].status = "failed"` on the webhook). */
export interface WhatsAppDeliveryFailure {
  /** The failed message's wamid. */
  id: string;
  code?: number;
  title?: string;
}

/**
 * An approved template for senders past the 24 h window. Its body takes two parameters: {{1}} the
 * agency's name, {{2}} the clarification (whitespace flattened, cut at 700 characters, its link after it).
 */
export interface WhatsAppTemplate {
  name: string;
  /** The template's language code (`id`, `en_US` …). */
  language: string;
}

export interface WhatsAppFollowUpContext {
  http: HttpClient;
  /** Graph API base, with its version (`https://graph.facebook.com/v20.0`). */
  graphUrl: string;
  token: string;
  book: ReporterBook;
  /** Senders already answered for this clarification (SourceState.followUpDone: across retries and processes). */
  done: { has(who: string): Promise<boolean>; add(who: string): Promise<void> };
  template?: WhatsAppTemplate;
  /** Where accepted text replies are kept until Meta reports on them (optional: tests of one send). */
  sent?: SentReplies;
  now: () => number;
  logger: Logger;
}

/** Graph error codes worth another try later: rate limits (app, account, throughput, per pair) and outages. */
const RETRY_LATER = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131056]);
/** Graph error codes of a token that expired or lacks permission: fixed by the operator, so retried. */
const TOKEN_PROBLEM = new Set([0, 10, 190]);
/** "Re-engagement message": the 24 h window is closed; only a template may go out. */
const WINDOW_CLOSED = 131047;
/** Marks the job key of a follow-up sent again after a late, passing failure (sent again only once). */
const LATE_RETRY = ':late-retry:';

function graphError(err: unknown): { code?: number; message?: string } {
  if (!(err instanceof SourceError) || !err.info.body) return {};
  try {
    const e = (JSON.parse(err.info.body) as { error?: { code?: unknown; message?: unknown } }).error;
    return {
      ...(typeof e?.code === 'number' ? { code: e.code } : {}),
      ...(typeof e?.message === 'string' ? { message: e.message } : {}),
    };
  } catch {
    return {};
  }
}

/** The wamid of a message the Cloud API accepted (`{"messages":[{"id":"wamid…"}]}`). */
function messageIdOf(body: Buffer): string | undefined {
  try {
    const id = (JSON.parse(body.toString('utf8')) as { messages?: { id?: unknown }[] }).messages?.[0]?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** True when a failed send should fail the job (BullMQ retries it later); false when it never will work. */
function retriable(err: unknown): boolean {
  if (!(err instanceof SourceError)) return true;
  if (err.code === 'SOURCE_RATE_LIMITED' || err.code === 'SOURCE_UNAVAILABLE') return true;
  const { code } = graphError(err);
  return code !== undefined && (RETRY_LATER.has(code) || TOKEN_PROBLEM.has(code));
}

const flatten = (text: string) => text.replace(/\s+/g, ' ').trim();

function templateClarification(c: WhatsAppFollowUpJob['clarification']): string {
  // Template parameters may hold no new line, no tab and no run of more than four spaces.
  let text = flatten(c.text);
  const link = c.url ? ` Selengkapnya: ${c.url}` : '';
  const room = MAX_TEMPLATE_PARAM - link.length;
  if (text.length > room) {
    const cut = text.slice(0, room - 1);
    const atWord = cut.lastIndexOf(' ');
    text = `${atWord > room / 2 ? cut.slice(0, atWord) : cut}…`;
  }
  return `“${text}”${link}`;
}

/**
 * Sends the clarification to each sender of the reports once, as a reply to their latest report while
 * the 24 h window is open, else through the template. Throws what is worth retrying (rate limits,
 * outages, an expired token): those answered by then are in `ctx.done`, so a retry skips them.
 */
export async function whatsappFollowUp(
  ctx: WhatsAppFollowUpContext,
  job: WhatsAppFollowUpJob,
): Promise<FollowUpResult> {
  const skipped: Skipped[] = [];
  const found = await ctx.book.lookup(job.refs);
  const known = new Set(found.map((r) => r.messageId));
  for (const ref of job.refs)
    if (!known.has(ref))
      skipped.push({ ref, reason: 'no sender on record (reported before follow-ups, or the window passed)' });
  // One message per sender, answering their latest report.
  const latest = new Map<string, WhatsAppReport>();
  for (const r of found) {
    const before = latest.get(r.from);
    if (!before || r.at > before.at) latest.set(r.from, r);
  }
  const url = (phoneNumberId: string) =>
    `${ctx.graphUrl.replace(/\/+$/, '')}/${encodeURIComponent(phoneNumberId)}/messages`;
  const send = async (report: WhatsAppReport, message: Record<string, unknown>) => {
    return ctx.http.get(url(report.phoneNumberId), {
      method: 'POST',
      headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: report.from,
        ...message,
      }),
    });
  };
  const text = clarificationFollowUpText(job.clarification).slice(0, MAX_TEXT);
  let sent = 0;
  for (const report of latest.values()) {
    const who = whatsappPseudonym(report.from);
    if (await ctx.done.has(who)) continue;
    let reason: string | undefined;
    let useTemplate = job.templateOnly === true || ctx.now() - report.at >= SERVICE_WINDOW_MS;
    if (!useTemplate) {
      try {
        const res = await send(report, {
          type: 'text',
          context: { message_id: report.messageId },
          text: { body: text, preview_url: Boolean(job.clarification.url) },
        });
        // Outside the send's error handling: the reply is out, so a Redis failure here must not fail
        // the job (its retry would send the reply twice); it costs only the late-failure fallback.
        const wamid = messageIdOf(res.body);
        if (wamid && ctx.sent)
          await ctx.sent
            .record(wamid, { key: job.key, ref: report.messageId, clarification: job.clarification })
            .catch((err: Error) =>
              ctx.logger.warn(
                { item: report.messageId, err: err.message },
                'whatsapp reply not kept for statuses',
              ),
            );
      } catch (err) {
        const { code, message } = graphError(err);
        if (code === WINDOW_CLOSED) useTemplate = true;
        else if (retriable(err)) throw err;
        else reason = message ?? (err as Error).message;
      }
    }
    if (useTemplate) {
      if (!ctx.template)
        reason = 'more than 24 h since the report and no follow-up template (WHATSAPP_FOLLOWUP_TEMPLATE)';
      else
        try {
          await send(report, {
            type: 'template',
            template: {
              name: ctx.template.name,
              language: { code: ctx.template.language },
              components: [
                {
                  type: 'body',
                  parameters: [
                    { type: 'text', text: flatten(job.clarification.agencyName) },
                    { type: 'text', text: templateClarification(job.clarification) },
                  ],
                },
              ],
            },
          });
        } catch (err) {
          if (retriable(err)) throw err;
          reason = graphError(err).message ?? (err as Error).message;
        }
    }
    if (reason === undefined) sent += 1;
    else skipped.push({ ref: report.messageId, reason });
    await ctx.done.add(who);
  }
  for (const s of skipped)
    ctx.logger.warn({ item: s.ref, reason: s.reason }, 'whatsapp follow-up not delivered');
  ctx.logger.info({ key: job.key, sent, skipped: skipped.length }, 'whatsapp follow-up sent');
  return { sent, skipped };
}

/** The API's side of WhatsApp follow-ups: remember senders, queue clarifications, send them (a worker). */
export interface WhatsAppFollowUps {
  remember(reports: readonly WhatsAppReport[]): Promise<void>;
  /** Queues a clarification for the senders of these reports; answers how many reports it covers. */
  followUp(job: WhatsAppFollowUpJob): Promise<number>;
  /**
   * Meta's later word on messages it had accepted (the webhook's failed `statuses`): a follow-up reply
   * refused because the 24 h window had closed (131047) goes out again as the template; one failed for
   * a passing reason (rate limits, an outage: the codes retried at once when the send answers them) is
   * sent again once, later; any other failure of a follow-up is logged with Meta's reason. Answers how
   * many were queued again.
   */
  deliveryFailed(failures: readonly WhatsAppDeliveryFailure[]): Promise<number>;
  close(): Promise<void>;
}

export interface WhatsAppFollowUpsOptions {
  redisUrl: string;
  /** QUEUE_PREFIX: the queue and the sealed records share it. */
  prefix: string;
  /** The tipline's `source` (WHATSAPP_TIPLINE_SOURCE): who was answered is kept under it, as for any source. */
  source: string;
  /** The Meta app secret: the key that seals the senders' numbers is derived from it. */
  appSecret: string;
  token: string;
  graphUrl: string;
  template?: WhatsAppTemplate;
  /** How long a sender can still be answered (default 30 days). */
  keepMs?: number;
  /** Local Graph servers (tests). */
  allowPrivate?: boolean;
  /** How often a job is tried and the first wait, doubling (default 8 tries from 30 s: about an hour). */
  retry?: { attempts: number; backoffMs: number };
  /**
   * A follow-up Meta accepted and later failed for a passing reason (rate limits, an outage) is sent
   * again once, this long after the failure was reported (default 5 min).
   */
  lateRetryDelayMs?: number;
  now?: () => number;
  logger: Logger;
}

export function createWhatsAppFollowUps(options: WhatsAppFollowUpsOptions): WhatsAppFollowUps {
  const logger = options.logger.child({ component: 'whatsapp-follow-up' });
  const connection = connectRedis(options.redisUrl, logger, 'whatsapp-follow-ups');
  const workerConnection = connectRedis(options.redisUrl, logger, 'whatsapp-follow-up-worker');
  const kv = createKeyValue(connection);
  const state = new SourceState(kv, options.prefix);
  const book = createReporterBook(kv, {
    secret: options.appSecret,
    prefix: options.prefix,
    keepMs: options.keepMs ?? 30 * 24 * 3600_000,
  });
  const queue = createScheduler<WhatsAppFollowUpJob>({
    connection,
    prefix: options.prefix,
    name: WHATSAPP_FOLLOWUPS_QUEUE,
    logger,
  });
  const sent = createSentReplies(kv, options.prefix);
  const retry = options.retry ?? { attempts: 8, backoffMs: 30_000 };
  const http = createHttpClient({ allowPrivate: Boolean(options.allowPrivate), timeoutMs: 10_000 });
  const worker = new Worker<WhatsAppFollowUpJob>(
    WHATSAPP_FOLLOWUPS_QUEUE,
    (job: Job<WhatsAppFollowUpJob>) =>
      whatsappFollowUp(
        {
          http,
          graphUrl: options.graphUrl,
          token: options.token,
          book,
          done: state.followUpDone(options.source, job.data.key),
          ...(options.template ? { template: options.template } : {}),
          sent,
          now: options.now ?? Date.now,
          logger,
        },
        job.data,
      ),
    { connection: workerConnection, prefix: options.prefix, concurrency: 1 },
  );
  logQueueErrors(worker, workerConnection, logger, 'whatsapp follow-up worker error');
  return {
    remember: (reports) => book.remember(reports),
    async followUp(job) {
      if (job.refs.length === 0) return 0;
      await queue.runNow(`wa-followup-${job.key}`, job, retry);
      return job.refs.length;
    },
    async deliveryFailed(failures) {
      let queued = 0;
      for (const f of failures) {
        const reply = await sent.take(f.id);
        if (!reply) continue; // not a follow-up of ours (a thank-you), or already handled
        if (f.code === WINDOW_CLOSED && options.template) {
          // A job of its own (its own "answered" set): the text that failed marked the sender answered.
          const key = `${reply.key}:template:${f.id}`;
          await queue.runNow(
            `wa-followup-${key}`,
            { key, refs: [reply.ref], clarification: reply.clarification, templateOnly: true },
            retry,
          );
          queued += 1;
          logger.info(
            { item: reply.ref, code: f.code },
            'whatsapp follow-up failed later: sending the template',
          );
        } else if (f.code !== undefined && RETRY_LATER.has(f.code) && !reply.key.includes(LATE_RETRY)) {
          // Meta's throughput limits or an outage of its own: the citizen is still owed the answer.
          // Once: a follow-up that fails so again is only logged (no loop of retries on a bad day).
          const key = `${reply.key}${LATE_RETRY}${f.id}`;
          await queue.runNow(
            `wa-followup-${key}`,
            { key, refs: [reply.ref], clarification: reply.clarification },
            retry,
            options.lateRetryDelayMs ?? 5 * 60_000,
          );
          queued += 1;
          logger.info(
            { item: reply.ref, code: f.code, reason: f.title },
            'whatsapp follow-up failed later for a passing reason: sending it again later',
          );
        } else
          logger.warn(
            { item: reply.ref, code: f.code, reason: f.title },
            'whatsapp follow-up not delivered (reported later by Meta)',
          );
      }
      return queued;
    },
    async close() {
      await worker.close();
      await queue.close();
      await closeRedis(workerConnection);
      await closeRedis(connection);
    },
  };
}
