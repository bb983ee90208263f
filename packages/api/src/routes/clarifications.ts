import { newId, PantauError } from '@pantau/core';
import { publishClarification, type Clarification } from '@pantau/alerts';
import { getIssue, storeError } from '@pantau/store';
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit';
import { agencyOf } from '../auth';
import { ClarificationBody, ClarificationCreated, IdParams } from '../schemas';
import type { RouteContext } from '../deps';

/**
 * Narasi tunggal: an agency (admin or analyst) publishes its official clarification of an issue. It is
 * stored with the issue (GET /v1/issues/:id shows it with the agency's name) and pushed at once to
 * every agency alerted on the issue, through their own subscriptions.
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
      await audit(search, names, logger, request.principal!, {
        action: 'clarification.create',
        target: clarification.id,
        details: { issueId: issue.id, ...pushedTo },
      });
      return reply.status(201).send({ clarification, pushedTo });
    },
  );
}
