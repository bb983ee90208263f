import type { FastifyInstance } from 'fastify';
import { agencyOf } from '../auth';
import { AlertList, AlertsQuery } from '../schemas';
import type { RouteContext } from '../deps';

export function alertRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Querystring: AlertsQuery }>(
    '/v1/alerts',
    { preHandler: ctx.auth.agency(), schema: { querystring: AlertsQuery, response: { 200: AlertList } } },
    async (request) => ({ items: await ctx.alerts.listAlerts(agencyOf(request), request.query.size ?? 50) }),
  );
}
