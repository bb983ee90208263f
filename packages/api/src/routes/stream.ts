import { Type, type Static } from '@sinclair/typebox';
import { PantauError } from '@pantau/core';
import type { FastifyInstance } from 'fastify';
import { agencyOf } from '../auth';
import type { RouteContext } from '../deps';

/**
 * GET /v1/stream: Server-Sent Events of the caller's agency — `alert` (new or updated alerts),
 * `issue` (lifecycle news of issues it was alerted on), `clarification`. Each event's id is its Redis
 * stream id (durable and ordered), so a client reconnecting with `Last-Event-ID` (or
 * `?lastEventId=`) gets exactly what it missed, as long as it is among the last EVENTS_KEPT.
 */
const StreamQuery = Type.Object(
  { lastEventId: Type.Optional(Type.String({ pattern: '^[0-9]+-[0-9]+$', maxLength: 40 })) },
  { additionalProperties: false },
);
type StreamQuery = Static<typeof StreamQuery>;
const EVENT_ID = /^[0-9]+-[0-9]+$/;

export function streamRoutes(app: FastifyInstance, ctx: RouteContext, pollMs = 300): void {
  const open = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const stop of open) stop();
  });
  app.get<{ Querystring: StreamQuery }>(
    '/v1/stream',
    {
      preHandler: ctx.auth.agency(),
      schema: {
        querystring: StreamQuery,
        response: { 200: { description: 'text/event-stream', type: 'string' } },
      },
    },
    async (request, reply) => {
      const state = ctx.alertState;
      if (!state) throw new PantauError('QUEUE_UNAVAILABLE', 'the live stream needs Redis (alert state)');
      const agencyId = agencyOf(request);
      const header = request.headers['last-event-id'];
      const resumeFrom = (Array.isArray(header) ? header[0] : header) ?? request.query.lastEventId;
      if (resumeFrom !== undefined && !EVENT_ID.test(resumeFrom))
        throw new PantauError(
          'VALIDATION',
          'Last-Event-ID must be an event id of this stream (e.g. 1732950000000-0)',
        );
      let last = resumeFrom ?? (await state.events.latest(agencyId));

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      let closed = false;
      let timer: NodeJS.Timeout | undefined;
      let beat = Date.now();
      const stop = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        open.delete(stop);
        res.end();
      };
      open.add(stop);
      request.raw.on('close', stop);
      const poll = async () => {
        if (closed) return;
        try {
          for (const e of await state.events.after(agencyId, last, 200)) {
            res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
            last = e.id;
          }
          if (Date.now() - beat > 15_000) {
            res.write(': keep-alive\n\n');
            beat = Date.now();
          }
        } catch (err) {
          // Redis away: the client keeps its Last-Event-ID and we keep trying.
          request.log.warn({ err }, 'stream poll failed');
        }
        if (!closed) timer = setTimeout(() => void poll(), pollMs);
      };
      void poll();
    },
  );
}
