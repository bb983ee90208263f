import { PantauError } from '@pantau/core';
import { storeError } from '@pantau/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { audit } from '../audit';
import { readAgency } from './agencies';
import { KEY_ID_LENGTH, agencyOf, createApiKey, type ApiKeyDoc } from '../auth';
import {
  ApiKeyList,
  CreateKeyBody,
  CreatedKey,
  IdParams,
  KeyParams,
  RevokedKey,
  type ApiKeyInfo,
} from '../schemas';
import type { RouteContext } from '../deps';
import type { Static } from '@sinclair/typebox';

/**
 * An agency's API keys: its admins make keys for analysts, dashboards and automations, see them
 * listed (never the secret: it is shown once, at creation) and revoke them. The operator can make a
 * key for any agency (recovery when an agency has lost its admin keys). Keys are named by the first
 * KEY_ID_LENGTH hex digits of their hash; an agency always keeps one active admin key.
 */
export function keyRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { search, names, logger } = ctx;

  const agencyKeys = async (agencyId: string): Promise<(ApiKeyDoc & { hash: string; label?: string })[]> => {
    try {
      const res = await search.search({
        index: names.of('apikeys'),
        body: { size: 1_000, query: { term: { agencyId } }, sort: [{ createdAt: 'asc' }] } as never,
      });
      return res.body.hits.hits.map((h) => ({
        ...(h._source as ApiKeyDoc & { label?: string }),
        hash: h._id!,
      }));
    } catch (err) {
      throw storeError(err, 'listing API keys');
    }
  };

  /** Makes a key for the agency and audits it (the secret is in the answer only). */
  const createAudited = async (request: FastifyRequest<{ Body: CreateKeyBody }>, agencyId: string) => {
    const created = await createApiKey(
      search,
      names,
      agencyId,
      request.body.role,
      request.body.label?.trim(),
    );
    await audit(search, names, logger, request.principal!, {
      action: 'key.create',
      target: created.id,
      agencyId,
      details: { role: created.role, ...(created.label ? { label: created.label } : {}) },
    });
    return created;
  };

  app.post<{ Body: CreateKeyBody }>(
    '/v1/agencies/me/keys',
    {
      preHandler: ctx.auth.agency('admin'),
      schema: { body: CreateKeyBody, response: { 201: CreatedKey } },
    },
    async (request, reply) => reply.status(201).send(await createAudited(request, agencyOf(request))),
  );

  app.post<{ Params: IdParams; Body: CreateKeyBody }>(
    '/v1/agencies/:id/keys',
    {
      preHandler: ctx.auth.operator,
      schema: { params: IdParams, body: CreateKeyBody, response: { 201: CreatedKey } },
    },
    async (request, reply) => {
      await readAgency(search, names, request.params.id); // NOT_FOUND for an unknown agency
      return reply.status(201).send(await createAudited(request, request.params.id));
    },
  );

  app.get(
    '/v1/agencies/me/keys',
    { preHandler: ctx.auth.agency('admin'), schema: { response: { 200: ApiKeyList } } },
    async (request) => ({
      keys: (await agencyKeys(agencyOf(request))).map((k): Static<typeof ApiKeyInfo> => ({
        id: k.hash.slice(0, KEY_ID_LENGTH),
        role: k.role,
        ...(k.label ? { label: k.label } : {}),
        createdAt: k.createdAt,
        ...(k.revokedAt ? { revokedAt: k.revokedAt } : {}),
      })),
    }),
  );

  app.delete<{ Params: KeyParams }>(
    '/v1/agencies/me/keys/:id',
    {
      preHandler: ctx.auth.agency('admin'),
      schema: { params: KeyParams, response: { 200: RevokedKey } },
    },
    async (request) => {
      const agencyId = agencyOf(request);
      const keys = await agencyKeys(agencyId);
      const key = keys.find((k) => k.hash.startsWith(request.params.id));
      if (!key) throw new PantauError('NOT_FOUND', `no key ${request.params.id} in this agency`);
      if (key.revokedAt) return { id: request.params.id, revokedAt: key.revokedAt };
      const admins = keys.filter((k) => k.role === 'admin' && !k.revokedAt);
      if (key.role === 'admin' && admins.length <= 1)
        throw new PantauError(
          'CONFLICT',
          'this is the agency’s last active admin key: make another admin key before revoking it',
        );
      const revokedAt = new Date().toISOString();
      try {
        await search.update({
          index: names.of('apikeys'),
          id: key.hash,
          body: { doc: { revokedAt } },
          refresh: 'wait_for',
        });
      } catch (err) {
        throw storeError(err, 'revoking API key');
      }
      // This process stops accepting it now; other API processes within their 30 s key memory.
      ctx.auth.forget(key.hash);
      await audit(search, names, logger, request.principal!, {
        action: 'key.revoke',
        target: request.params.id,
        agencyId,
        details: { role: key.role },
      });
      return { id: request.params.id, revokedAt };
    },
  );
}
