import { utcInstant } from '@pantau/core';
import { storeError } from '@pantau/store';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../auth';
import { AuditList, AuditQuery } from '../schemas';
import type { RouteContext } from '../deps';

/**
 * The audit log (who changed what, when): an agency admin sees its own agency's entries, the operator
 * every entry. Newest first.
 */
export function auditRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { search, names } = ctx;
  const adminOrOperator = async (...args: Parameters<typeof ctx.auth.anyKey>) => {
    const p = await ctx.auth.principal(args[0]);
    if (p.kind === 'agency') await ctx.auth.agency('admin')(...args);
  };
  app.get<{ Querystring: AuditQuery }>(
    '/v1/audit',
    { preHandler: adminOrOperator, schema: { querystring: AuditQuery, response: { 200: AuditList } } },
    async (request) => {
      const p = request.principal as Principal;
      const filter: unknown[] = [];
      if (p.kind === 'agency') filter.push({ term: { agencyId: p.agencyId } });
      if (request.query.action) filter.push({ term: { action: request.query.action } });
      if (request.query.from || request.query.to)
        filter.push({
          range: {
            at: {
              ...(request.query.from ? { gte: utcInstant(request.query.from) } : {}),
              ...(request.query.to ? { lte: utcInstant(request.query.to) } : {}),
            },
          },
        });
      try {
        const res = await search.search({
          index: names.of('audit'),
          body: {
            size: request.query.size ?? 100,
            query: { bool: { filter } },
            sort: [{ at: 'desc' }],
          } as never,
        });
        return { items: res.body.hits.hits.map((h) => h._source) };
      } catch (err) {
        throw storeError(err, 'reading the audit log');
      }
    },
  );
}
