import { newId, newSecret, PantauError, sha256Hex } from '@pantau/core';
import { storeError } from '@pantau/store';
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit';
import { CreateAgencyBody, CreatedAgency } from '../schemas';
import type { RouteContext } from '../deps';

export function agencyRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { search, names, logger } = ctx;
  app.post<{ Body: CreateAgencyBody }>(
    '/v1/agencies',
    { preHandler: ctx.auth.operator, schema: { body: CreateAgencyBody, response: { 201: CreatedAgency } } },
    async (request, reply) => {
      const name = request.body.name.trim();
      try {
        const existing = await search.count({
          index: names.of('agencies'),
          body: { query: { term: { name } } } as never,
        });
        if ((existing.body as { count: number }).count > 0)
          throw new PantauError('CONFLICT', `an agency named '${name}' already exists`);
        const id = newId('ag');
        const apiKey = newSecret('pk');
        const now = new Date().toISOString();
        await search.index({
          index: names.of('agencies'),
          id,
          body: { id, name, createdAt: now },
          op_type: 'create',
          refresh: 'wait_for',
        });
        await search.index({
          index: names.of('apikeys'),
          id: sha256Hex(apiKey),
          body: { agencyId: id, role: 'admin', createdAt: now },
          op_type: 'create',
          refresh: 'wait_for',
        });
        await audit(search, names, logger, request.principal!, {
          action: 'agency.create',
          target: id,
          agencyId: id,
          details: { name },
        });
        return reply.status(201).send({ id, name, apiKey, role: 'admin' });
      } catch (err) {
        throw storeError(err, 'creating agency');
      }
    },
  );
}
