import { PantauError } from '@pantau/core';
import {
  SourceInputSchema,
  SourcePatchSchema,
  type SourceInputBody,
  type SourcePatchBody,
  type SourceService,
} from '@pantau/sources';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { audit } from '../audit';
import type { RouteContext } from '../deps';
import { IdParams } from '../schemas';

/**
 * Sources: only the operator creates, changes, deletes or polls them; agency admins may read their
 * health. Credentials are named (credentialsEnv), never stored or echoed — the response schema has
 * no place for anything else.
 */
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const SourceBody = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  config: Type.Record(Type.String(), Type.Unknown()),
  intervalSeconds: Type.Integer(),
  credentialsEnv: Type.Optional(Type.String()),
  paused: Type.Boolean(),
  region: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  status: Type.Union(['ok', 'backoff', 'failing', 'paused'].map((s) => Type.Literal(s))),
  lastPollAt: Nullable(Type.String()),
  lastSuccessAt: Nullable(Type.String()),
  lastError: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  itemsTotal: Type.Integer(),
  itemsLastHour: Type.Integer(),
  lagSeconds: Type.Union([Type.Integer(), Type.Null()]),
});
const SourceList = Type.Object({ items: Type.Array(SourceBody) });
const PollQueued = Type.Object({ id: Type.String(), queued: Type.Boolean() });

export function sourceRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { search, names, logger, auth } = ctx;
  const service = (): SourceService => {
    if (!ctx.sources) throw new PantauError('NOT_READY', 'sources are not configured in this API process');
    return ctx.sources;
  };
  const readers = async (request: FastifyRequest, _reply: FastifyReply) => {
    const p = await auth.principal(request);
    if (p.kind === 'agency' && p.role !== 'admin')
      throw new PantauError('FORBIDDEN', `role '${p.role}' may not read sources (needs admin)`);
  };
  const record = (
    request: FastifyRequest,
    action: string,
    target: string,
    details?: Record<string, unknown>,
  ) => audit(search, names, logger, request.principal!, { action, target, ...(details ? { details } : {}) });

  app.post<{ Body: SourceInputBody }>(
    '/v1/sources',
    { preHandler: auth.operator, schema: { body: SourceInputSchema, response: { 201: SourceBody } } },
    async (request, reply) => {
      const created = await service().create(request.body);
      await record(request, 'source.create', created.id, { kind: created.kind, name: created.name });
      return reply.status(201).send(created);
    },
  );

  app.get('/v1/sources', { preHandler: readers, schema: { response: { 200: SourceList } } }, async () => ({
    items: await service().list(),
  }));

  app.get<{ Params: IdParams }>(
    '/v1/sources/:id',
    { preHandler: readers, schema: { params: IdParams, response: { 200: SourceBody } } },
    async (request) => service().get(request.params.id),
  );

  app.patch<{ Params: IdParams; Body: SourcePatchBody }>(
    '/v1/sources/:id',
    {
      preHandler: auth.operator,
      schema: { params: IdParams, body: SourcePatchSchema, response: { 200: SourceBody } },
    },
    async (request) => {
      const updated = await service().update(request.params.id, request.body);
      await record(request, 'source.update', updated.id, { fields: Object.keys(request.body) });
      return updated;
    },
  );

  app.delete<{ Params: IdParams }>(
    '/v1/sources/:id',
    { preHandler: auth.operator, schema: { params: IdParams } },
    async (request, reply) => {
      await service().remove(request.params.id);
      await record(request, 'source.delete', request.params.id);
      return reply.status(204).send();
    },
  );

  app.post<{ Params: IdParams }>(
    '/v1/sources/:id/poll',
    { preHandler: auth.operator, schema: { params: IdParams, response: { 202: PollQueued } } },
    async (request, reply) => {
      const queued = await service().pollNow(request.params.id);
      await record(request, 'source.poll', request.params.id);
      return reply.status(202).send(queued);
    },
  );
}
