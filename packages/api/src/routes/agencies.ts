import { newId, PantauError, suggestTopicsForAgency, topicLabel } from '@pantau/core';
import { storeError, type IndexNames, type SearchClient } from '@pantau/store';
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit';
import { agencyOf, createApiKey } from '../auth';
import { AgencyTopics, AgencyTopicsBody, CreateAgencyBody, CreatedAgency } from '../schemas';
import type { RouteContext } from '../deps';

/** An agency's document; NOT_FOUND when there is none. */
export async function readAgency(
  search: SearchClient,
  names: IndexNames,
  agencyId: string,
): Promise<{ name: string; topics?: string[] }> {
  try {
    const res = await search.get({ index: names.of('agencies'), id: agencyId }, { ignore: [404] });
    const body = res.body as { found?: boolean; _source?: { name: string; topics?: string[] } };
    if (!body.found || !body._source) throw new PantauError('NOT_FOUND', `no agency ${agencyId}`);
    return body._source;
  } catch (err) {
    throw storeError(err, 'reading agency');
  }
}

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
        const now = new Date().toISOString();
        await search.index({
          index: names.of('agencies'),
          id,
          // Topics of interest start empty: alerts without keywords are opted into (PUT …/me/topics,
          // GET shows the suggestions for well-known agencies), never sent unasked.
          body: { id, name, createdAt: now },
          op_type: 'create',
          refresh: 'wait_for',
        });
        const { apiKey } = await createApiKey(search, names, id, 'admin');
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

  const topicsView = (agency: { name: string; topics?: string[] }) => {
    const suggested = suggestTopicsForAgency(agency.name);
    const topics = agency.topics ?? [];
    return {
      topics,
      suggested,
      labels: Object.fromEntries([...new Set([...topics, ...suggested])].map((t) => [t, topicLabel(t)])),
    };
  };

  app.get(
    '/v1/agencies/me/topics',
    {
      preHandler: ctx.auth.agency('admin', 'analyst', 'automation'),
      schema: { response: { 200: AgencyTopics } },
    },
    async (request) => topicsView(await readAgency(search, names, agencyOf(request))),
  );

  app.put<{ Body: AgencyTopicsBody }>(
    '/v1/agencies/me/topics',
    {
      preHandler: ctx.auth.agency('admin'),
      schema: { body: AgencyTopicsBody, response: { 200: AgencyTopics } },
    },
    async (request) => {
      const agencyId = agencyOf(request);
      const agency = await readAgency(search, names, agencyId);
      const topics = [...request.body.topics];
      try {
        await search.update({
          index: names.of('agencies'),
          id: agencyId,
          body: { doc: { topics } },
          refresh: 'wait_for',
        });
      } catch (err) {
        throw storeError(err, 'updating agency topics');
      }
      await audit(search, names, logger, request.principal!, {
        action: 'agency.topics',
        target: agencyId,
        agencyId,
        details: { topics },
      });
      return topicsView({ ...agency, topics });
    },
  );
}
