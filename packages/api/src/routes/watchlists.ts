import { newId } from '@pantau/core';
import { parseQuery, type QueryAst } from '@pantau/query';
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit';
import { agencyOf } from '../auth';
import { CreateWatchlistBody, IdParams, Watchlist, WatchlistList } from '../schemas';
import type { RouteContext } from '../deps';
import { deleteDoc, getOwned, listOwned, putDoc } from './owned';

interface WatchlistDoc {
  id: string;
  agencyId: string;
  name: string;
  query: string;
  ast: QueryAst;
  createdAt: string;
  updatedAt: string;
}

export function watchlistRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { search, names, logger, auth } = ctx;
  const readers = auth.agency('admin', 'analyst', 'automation');
  const writers = auth.agency('admin');

  app.post<{ Body: CreateWatchlistBody }>(
    '/v1/watchlists',
    { preHandler: writers, schema: { body: CreateWatchlistBody, response: { 201: Watchlist } } },
    async (request, reply) => {
      const agencyId = agencyOf(request);
      const ast = parseQuery(request.body.query); // QuerySyntaxError → 400 QUERY_SYNTAX with position
      const now = new Date().toISOString();
      const doc: WatchlistDoc = {
        id: newId('wl'),
        agencyId,
        name: request.body.name.trim(),
        query: request.body.query,
        ast,
        createdAt: now,
        updatedAt: now,
      };
      await putDoc(search, names, 'watchlists', doc.id, doc);
      await audit(search, names, logger, request.principal!, {
        action: 'watchlist.create',
        target: doc.id,
        details: { name: doc.name, query: doc.query },
      });
      return reply.status(201).send(doc);
    },
  );

  app.get(
    '/v1/watchlists',
    { preHandler: readers, schema: { response: { 200: WatchlistList } } },
    async (request) => ({
      items: await listOwned<WatchlistDoc>(search, names, 'watchlists', agencyOf(request)),
    }),
  );

  app.get<{ Params: IdParams }>(
    '/v1/watchlists/:id',
    { preHandler: readers, schema: { params: IdParams, response: { 200: Watchlist } } },
    async (request) =>
      getOwned<WatchlistDoc>(search, names, 'watchlists', request.params.id, agencyOf(request)),
  );

  app.delete<{ Params: IdParams }>(
    '/v1/watchlists/:id',
    { preHandler: writers, schema: { params: IdParams } },
    async (request, reply) => {
      const doc = await getOwned<WatchlistDoc>(
        search,
        names,
        'watchlists',
        request.params.id,
        agencyOf(request),
      );
      await deleteDoc(search, names, 'watchlists', doc.id);
      await audit(search, names, logger, request.principal!, {
        action: 'watchlist.delete',
        target: doc.id,
        details: { name: doc.name },
      });
      return reply.status(204).send();
    },
  );
}
