import { PantauError } from '@pantau/core';
import type { AlertDoc, StoredAlert } from '@pantau/alerts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { audit } from '../audit';
import { agencyOf } from '../auth';
import { ALERT_CSV, csvExportRoute } from '../export';
import { Alert, AlertList, AlertsExportQuery, AlertsQuery, IdParams, SnoozeBody } from '../schemas';
import type { RouteContext } from '../deps';

export function alertRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { search, names, logger } = ctx;
  app.get<{ Querystring: AlertsQuery }>(
    '/v1/alerts',
    { preHandler: ctx.auth.agency(), schema: { querystring: AlertsQuery, response: { 200: AlertList } } },
    async (request) =>
      ctx.alerts.listAlerts(agencyOf(request), request.query.size ?? 50, request.query.cursor),
  );

  csvExportRoute<AlertsExportQuery, AlertDoc>(app, ctx.auth.agency(), {
    url: '/v1/alerts/export',
    what: 'alerts',
    querystring: AlertsExportQuery,
    description:
      "The agency's alerts as a CSV file (latest change first; at most `limit` rows): what fired, why, who acknowledged it, where it went.",
    table: ALERT_CSV,
    list: ({ size, cursor }, request) => ctx.alerts.listAlerts(agencyOf(request), size, cursor),
  });

  /** Another agency's alert does not exist for the caller: NOT_FOUND exactly like a missing one. */
  const owned = async (request: FastifyRequest<{ Params: IdParams }>): Promise<StoredAlert> => {
    const stored = await ctx.alertStore.getAlert(request.params.id);
    if (!stored || stored.doc.agencyId !== agencyOf(request))
      throw new PantauError('NOT_FOUND', `no alert ${request.params.id}`);
    return stored;
  };

  /** Applies a change to the alert, reading it again if the engine changed it meanwhile. */
  const change = async (
    request: FastifyRequest<{ Params: IdParams }>,
    patch: (doc: AlertDoc) => AlertDoc,
  ): Promise<AlertDoc> => {
    for (let round = 0; round < 5; round += 1) {
      const stored = await owned(request);
      const doc = patch(stored.doc);
      if (await ctx.alertStore.replaceAlert(doc, stored)) return doc;
    }
    throw new PantauError('CONFLICT', `alert ${request.params.id} kept changing; try again`);
  };

  app.get<{ Params: IdParams }>(
    '/v1/alerts/:id',
    { preHandler: ctx.auth.agency(), schema: { params: IdParams, response: { 200: Alert } } },
    async (request) => (await owned(request)).doc,
  );

  // Acknowledged: someone is on it. No more follow-ups (updates, escalations) for this alert; a
  // clarification of the issue still arrives.
  app.post<{ Params: IdParams }>(
    '/v1/alerts/:id/ack',
    {
      preHandler: ctx.auth.agency('admin', 'analyst'),
      schema: { params: IdParams, response: { 200: Alert } },
    },
    async (request) => {
      const at = new Date().toISOString();
      const doc = await change(request, (d) =>
        d.ackedAt ? d : { ...d, ackedAt: at, ackedBy: request.principal!.actor },
      );
      await audit(search, names, logger, request.principal!, {
        action: 'alert.ack',
        target: doc.id,
        details: { issueId: doc.issueId },
      });
      return doc;
    },
  );

  // Snoozed: follow-ups until `until` are held and then sent as one digest.
  app.post<{ Params: IdParams; Body: SnoozeBody }>(
    '/v1/alerts/:id/snooze',
    {
      preHandler: ctx.auth.agency('admin', 'analyst'),
      schema: { params: IdParams, body: SnoozeBody, response: { 200: Alert } },
    },
    async (request) => {
      const until = Date.parse(request.body.until);
      const now = Date.now();
      if (until <= now) throw new PantauError('VALIDATION', '"until" must be in the future');
      if (until - now > 30 * 24 * 3600_000)
        throw new PantauError('VALIDATION', '"until" may be at most 30 days ahead');
      const snoozedUntil = new Date(until).toISOString();
      const doc = await change(request, (d) => ({ ...d, snoozedUntil }));
      await audit(search, names, logger, request.principal!, {
        action: 'alert.snooze',
        target: doc.id,
        details: { issueId: doc.issueId, until: snoozedUntil },
      });
      return doc;
    },
  );
}
