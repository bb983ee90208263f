import { createHmac, timingSafeEqual } from 'node:crypto';
import { PantauError, toPantauError } from '@pantau/core';
import { preparePosts, publishRawPosts } from '@pantau/ingest';
import { whatsappPseudonym, type WhatsAppDeliveryFailure } from '@pantau/sources';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../deps';

/**
 * WhatsApp Cloud API webhook for agencies that run a WhatsApp tipline. Meta verifies the URL once
 * (GET with hub.verify_token → echo hub.challenge) and then POSTs message notifications signed with
 * the app secret (`X-Hub-Signature-256: sha256=<HMAC of the raw body>`); an unsigned or wrongly
 * signed body is refused. Each text (or captioned media) message becomes a post on posts.raw with
 * sourceKind `tipline`; the post keeps the sender's number only as a pseudonym (with follow-ups on, the
 * number is kept apart, sealed, until the follow-up window passes: see @pantau/sources whatsapp.ts). 200
 * means Kafka has it; a 503 makes Meta deliver again (the message id is the post key, so nothing doubles).
 */
/** What the sender reads back (Bahasa Indonesia), once Kafka has the report. */
export const WHATSAPP_ACK_TEXT =
  'Terima kasih, laporan Anda sudah kami terima dan akan diperiksa oleh tim kami. ' +
  'Mohon tidak menyebarkan pesan tersebut sampai ada hasil pemeriksaan.';

interface WaMessage {
  from?: unknown;
  id?: unknown;
  timestamp?: unknown;
  type?: unknown;
  text?: { body?: unknown };
  image?: { caption?: unknown };
  video?: { caption?: unknown };
  document?: { caption?: unknown };
  context?: { forwarded?: unknown; frequently_forwarded?: unknown };
}

export function whatsappSignatureValid(
  rawBody: Buffer,
  header: string | undefined,
  appSecret: string,
): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(m[1]!, 'hex'));
}

/** Messages with the business phone number id they were sent to (the reply goes out from it). */
function messagesOf(payload: unknown): (WaMessage & { phoneNumberId?: string })[] {
  const entries = (payload as { entry?: unknown })?.entry;
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((e: { changes?: unknown }) =>
    Array.isArray(e?.changes)
      ? e.changes.flatMap(
          (c: { value?: { messages?: unknown; metadata?: { phone_number_id?: unknown } } }) => {
            const phone = c?.value?.metadata?.phone_number_id;
            return Array.isArray(c?.value?.messages)
              ? (c.value.messages as WaMessage[]).map((m) => ({
                  ...m,
                  ...(typeof phone === 'string' ? { phoneNumberId: phone } : {}),
                }))
              : [];
          },
        )
      : [],
  );
}

/**
 * The failed deliveries in a webhook: Meta reports on the messages we sent through `statuses`
 * (`sent`, `delivered`, `read`, `failed` with `errors[{code, title}]`), in the same envelope as messages.
 */
function failedStatusesOf(payload: unknown): WhatsAppDeliveryFailure[] {
  const entries = (payload as { entry?: unknown })?.entry;
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((e: { changes?: unknown }) =>
    Array.isArray(e?.changes)
      ? e.changes.flatMap((c: { value?: { statuses?: unknown } }) =>
          Array.isArray(c?.value?.statuses)
            ? (c.value.statuses as { id?: unknown; status?: unknown; errors?: unknown }[]).flatMap((st) => {
                if (st?.status !== 'failed' || typeof st.id !== 'string') return [];
                const error = Array.isArray(st.errors)
                  ? (st.errors[0] as { code?: unknown; title?: unknown } | undefined)
                  : undefined;
                return [
                  {
                    id: st.id,
                    ...(typeof error?.code === 'number' ? { code: error.code } : {}),
                    ...(typeof error?.title === 'string' ? { title: error.title } : {}),
                  },
                ];
              })
            : [],
        )
      : [],
  );
}

export function tiplineRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const secret = ctx.config.WHATSAPP_APP_SECRET;
  const verifyToken = ctx.config.WHATSAPP_VERIFY_TOKEN;
  const source = ctx.config.WHATSAPP_TIPLINE_SOURCE ?? 'tipline-whatsapp';

  app.register(async (scope) => {
    // The signature covers the exact bytes Meta sent: keep them instead of parsing first (this scope
    // replaces the app's JSON parser).
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );

    scope.get<{ Querystring: Record<string, string | undefined> }>(
      '/v1/tipline/whatsapp',
      {
        // Meta sends the verify token in the query string: the request log must not carry it.
        logSerializers: {
          req: (req: { method: string; url: string }) => ({
            method: req.method,
            url: req.url.replace(/([?&]hub\.verify_token=)[^&]*/, '$1[redacted]'),
          }),
        },
      },
      async (request, reply) => {
        const q = request.query;
        if (!verifyToken) throw new PantauError('NOT_FOUND', 'the WhatsApp tipline is not configured');
        if (q['hub.mode'] !== 'subscribe' || q['hub.verify_token'] !== verifyToken)
          throw new PantauError('FORBIDDEN', 'verify token does not match');
        return reply.type('text/plain').send(q['hub.challenge'] ?? '');
      },
    );

    scope.post('/v1/tipline/whatsapp', { bodyLimit: 1024 * 1024 }, async (request, reply) => {
      if (!secret) throw new PantauError('NOT_FOUND', 'the WhatsApp tipline is not configured');
      const raw = request.body as Buffer;
      const signature = request.headers['x-hub-signature-256'];
      if (
        !Buffer.isBuffer(raw) ||
        !whatsappSignatureValid(raw, typeof signature === 'string' ? signature : undefined, secret)
      )
        throw new PantauError('UNAUTHORIZED', 'missing or wrong X-Hub-Signature-256');
      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        throw new PantauError('MALFORMED_JSON', 'webhook body is not JSON', { cause: err });
      }
      // Meta's later word on our replies; a failure here costs that follow-up only (logged).
      const failures = failedStatusesOf(payload);
      if (ctx.whatsapp && failures.length) {
        try {
          await ctx.whatsapp.deliveryFailed(failures);
        } catch (err) {
          request.log.warn({ err: (err as Error).message }, 'whatsapp delivery failures not handled');
        }
      }
      const items = messagesOf(payload).flatMap((m) => {
        const text = [m.text?.body, m.image?.caption, m.video?.caption, m.document?.caption].find(
          (t): t is string => typeof t === 'string' && t.trim() !== '',
        );
        const ts = Number(m.timestamp);
        if (!text || typeof m.id !== 'string' || !Number.isFinite(ts) || typeof m.from !== 'string') {
          request.log.info({ type: m.type, id: m.id }, 'whatsapp message without text skipped');
          return [];
        }
        const forwarded =
          m.context?.frequently_forwarded === true
            ? 'sering diteruskan'
            : m.context?.forwarded === true
              ? 'diteruskan'
              : undefined;
        return [
          {
            source,
            sourceKind: 'tipline',
            sourceId: m.id,
            text: forwarded ? `[${forwarded}]\n${text}` : text,
            publishedAt: new Date(ts * 1000).toISOString(),
            author: { id: whatsappPseudonym(m.from) },
          },
        ];
      });
      const { accepted, rejected } = preparePosts(items);
      for (const r of rejected) request.log.warn({ reason: r.message }, 'whatsapp message rejected');
      if (accepted.length) {
        try {
          await publishRawPosts(ctx.producer, ctx.topics.postsRaw, accepted);
        } catch (err) {
          throw toPantauError(err, 'BUS_UNAVAILABLE');
        }
      }
      request.log.info({ accepted: accepted.length }, 'whatsapp tipline messages received');
      // The accepted messages with who sent them and to which business number (their answers go out from it).
      const acceptedIds = new Set(accepted.map((p) => p.sourceId));
      const senders = messagesOf(payload).flatMap((m) =>
        typeof m.id === 'string' && acceptedIds.has(m.id) && typeof m.from === 'string' && m.phoneNumberId
          ? [
              {
                messageId: m.id,
                from: m.from,
                phoneNumberId: m.phoneNumberId,
                at: Number(m.timestamp) * 1000,
              },
            ]
          : [],
      );
      // Kept (sealed) so a clarification can reach the sender later; a failure costs the follow-up only.
      if (ctx.whatsapp && senders.length) {
        try {
          await ctx.whatsapp.remember(senders);
        } catch (err) {
          request.log.warn({ err: (err as Error).message }, 'whatsapp senders not kept for follow-ups');
        }
      }
      // Thank each sender once Kafka has the report (best effort: a failed reply is logged).
      const token = ctx.config.WHATSAPP_TOKEN;
      if (token && senders.length) {
        const graph = (ctx.config.WHATSAPP_GRAPH_URL ?? 'https://graph.facebook.com/v20.0').replace(
          /\/+$/,
          '',
        );
        for (const m of senders) {
          try {
            const res = await fetch(`${graph}/${encodeURIComponent(m.phoneNumberId)}/messages`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: JSON.stringify({
                messaging_product: 'whatsapp',
                to: m.from,
                type: 'text',
                context: { message_id: m.messageId },
                text: { body: WHATSAPP_ACK_TEXT },
              }),
              signal: AbortSignal.timeout(5_000),
            });
            if (!res.ok) request.log.warn({ status: res.status }, 'whatsapp thank-you refused');
            await res.body?.cancel();
          } catch (err) {
            request.log.warn({ err: (err as Error).message }, 'whatsapp thank-you not sent');
          }
        }
      }
      return reply.status(200).send({ received: accepted.length });
    });
  });
}
