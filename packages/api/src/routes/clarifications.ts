import { newId, PantauError } from '@pantau/core';
import { publishClarification, type Clarification } from '@pantau/alerts';
import { clarificationFollowUpText } from '@pantau/sources';
import { getIssue, reportsInIssue, storeError } from '@pantau/store';
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit';
import { agencyOf } from '../auth';
import { ClarificationBody, ClarificationCreated, IdParams } from '../schemas';
import type { RouteContext } from '../deps';

/**
 * Narasi tunggal: an agency (admin or analyst) publishes its official clarification of an issue. It is
 * stored with the issue (GET /v1/issues/:id shows it with the agency's name), pushed at once to every
 * agency alerted on the issue, through their own subscriptions, and sent back to the citizens who
 * reported the issue through a tipline, once per sender, as a reply to their report: Telegram tiplines
 * by the ingest service (which holds the bot token), the WhatsApp tipline by this API's own worker.
 */
export function clarificationRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { search, names, logger } = ctx;
  app.post<{ Params: IdParams; Body: ClarificationBody }>(
    '/v1/issues/:id/clarifications',
    {
      preHandler: ctx.auth.agency('admin', 'analyst'),
      schema: { params: IdParams, body: ClarificationBody, response: { 201: ClarificationCreated } },
    },
    async (request, reply) => {
      const agencyId = agencyOf(request);
      const issue = await getIssue(search, names, request.params.id);
      if (!issue) throw new PantauError('NOT_FOUND', `no issue ${request.params.id}`);
      if (!ctx.deliveries)
        throw new PantauError('QUEUE_UNAVAILABLE', 'no delivery queue: clarifications cannot be pushed');
      let agencyName: string;
      try {
        const res = await search.get({ index: names.of('agencies'), id: agencyId }, { ignore: [404] });
        agencyName = (res.body as { _source?: { name?: string } })._source?.name ?? agencyId;
      } catch (err) {
        throw storeError(err, 'reading agency');
      }
      const clarification: Clarification = {
        id: newId('cl'),
        issueId: issue.id,
        agencyId,
        agencyName,
        text: request.body.text.trim(),
        ...(request.body.url ? { url: request.body.url } : {}),
        actor: request.principal!.actor,
        createdAt: new Date().toISOString(),
      };
      const pushedTo = await publishClarification(
        {
          store: ctx.alertStore,
          queue: ctx.deliveries,
          logger,
          ...(ctx.alertState ? { events: ctx.alertState.events } : {}),
        },
        clarification,
      );
      const reports = await followUpReporters(ctx, clarification);
      await audit(search, names, logger, request.principal!, {
        action: 'clarification.create',
        target: clarification.id,
        details: { issueId: issue.id, ...pushedTo, reports },
      });
      return reply.status(201).send({ clarification, pushedTo: { ...pushedTo, reports } });
    },
  );
}

/**
 * Queues the clarification for the tipline's reporters of the issue; answers how many reports it
 * covers (0 without source management, i.e. no ingest side to send it). A failure here is logged and
 * does not undo the clarification, which the agencies already have.
 */
async function followUpReporters(ctx: RouteContext, clarification: Clarification): Promise<number> {
  if (!ctx.sources && !ctx.whatsapp) return 0;
  const whatsappSource = ctx.config.WHATSAPP_TIPLINE_SOURCE ?? 'tipline-whatsapp';
  try {
    const bySource = await reportsInIssue(ctx.search, ctx.names, clarification.issueId, 'tipline');
    const text = clarificationFollowUpText(clarification);
    let reports = 0;
    for (const [sourceId, refs] of bySource)
      if (sourceId === whatsappSource && ctx.whatsapp)
        // The WhatsApp tipline is the API's own webhook, not a registered source: the API answers it.
        reports += await ctx.whatsapp.followUp({
          key: clarification.id,
          refs,
          clarification: {
            agencyName: clarification.agencyName,
            text: clarification.text,
            ...(clarification.url ? { url: clarification.url } : {}),
          },
        });
      else if (ctx.sources && (await ctx.sources.followUp(sourceId, { key: clarification.id, text, refs })))
        reports += refs.length;
    return reports;
  } catch (err) {
    ctx.logger.warn(
      { err: (err as Error).message, issueId: clarification.issueId, clarificationId: clarification.id },
      'tipline reporters not queued for the clarification',
    );
    return 0;
  }
}
