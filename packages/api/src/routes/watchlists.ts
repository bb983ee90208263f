import { DEFAULT_RULES, type WatchlistRule } from '@pantau/alerts';
import { newId, PantauError } from '@pantau/core';
import { compileToOpenSearch, parseQuery, type QueryAst } from '@pantau/query';
import { storeError } from '@pantau/store';
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit';
import { backtestWatchlist } from '../backtest';
import { agencyOf } from '../auth';
import {
  BacktestBody,
  BacktestResult,
  CheckWatchlistBody,
  CreateWatchlistBody,
  IdParams,
  Watchlist,
  WatchlistCheck,
  WatchlistList,
} from '../schemas';
import type { RouteContext } from '../deps';
import { deleteDoc, getOwned, listOwned, putDoc } from './owned';

interface WatchlistDoc {
  id: string;
  agencyId: string;
  name: string;
  query: string;
  ast: QueryAst;
  /** Absent on lists made before rules: the default, `[{type: 'rising'}]`. */
  rules?: WatchlistRule[];
  createdAt: string;
  updatedAt: string;
}

const withRules = (doc: WatchlistDoc): WatchlistDoc & { rules: WatchlistRule[] } => ({
  ...doc,
  rules: doc.rules?.length ? doc.rules : DEFAULT_RULES,
});

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
        rules: (request.body.rules as WatchlistRule[] | undefined) ?? DEFAULT_RULES,
        createdAt: now,
        updatedAt: now,
      };
      await putDoc(search, names, 'watchlists', doc.id, doc);
      await audit(search, names, logger, request.principal!, {
        action: 'watchlist.create',
        target: doc.id,
        details: { name: doc.name, query: doc.query, rules: doc.rules },
      });
      return reply.status(201).send(withRules(doc));
    },
  );

  // Check a query before saving it: a syntax error answers 400 QUERY_SYNTAX with its position (the
  // dashboard's editor shows it inline); a valid one answers how many recent posts it would have matched.
  app.post<{ Body: CheckWatchlistBody }>(
    '/v1/watchlists/check',
    { preHandler: readers, schema: { body: CheckWatchlistBody, response: { 200: WatchlistCheck } } },
    async (request) => {
      const ast = parseQuery(request.body.query);
      const days = 7;
      try {
        const res = await search.count({
          index: names.posts,
          ignore_unavailable: true,
          allow_no_indices: true,
          body: {
            query: {
              bool: {
                must: [compileToOpenSearch(ast)],
                filter: [{ range: { publishedAt: { gte: `now-${days}d` } } }],
              },
            },
          } as never,
        });
        return { valid: true, backtest: { days, matched: (res.body as { count: number }).count } };
      } catch (err) {
        throw storeError(err, 'backtesting watchlist');
      }
    },
  );

  app.get(
    '/v1/watchlists',
    { preHandler: readers, schema: { response: { 200: WatchlistList } } },
    async (request) => ({
      items: (await listOwned<WatchlistDoc>(search, names, 'watchlists', agencyOf(request))).map(withRules),
    }),
  );

  app.get<{ Params: IdParams }>(
    '/v1/watchlists/:id',
    { preHandler: readers, schema: { params: IdParams, response: { 200: Watchlist } } },
    async (request) =>
      withRules(
        await getOwned<WatchlistDoc>(search, names, 'watchlists', request.params.id, agencyOf(request)),
      ),
  );

  // How often each rule would have fired over stored history (and how often it did fire live).
  app.post<{ Params: IdParams; Body: BacktestBody }>(
    '/v1/watchlists/:id/backtest',
    {
      preHandler: readers,
      schema: { params: IdParams, body: BacktestBody, response: { 200: BacktestResult } },
    },
    async (request) => {
      const doc = await getOwned<WatchlistDoc>(
        search,
        names,
        'watchlists',
        request.params.id,
        agencyOf(request),
      );
      const from = Date.parse(request.body.from);
      const to = Date.parse(request.body.to);
      if (!(from < to)) throw new PantauError('VALIDATION', '"from" must be before "to"');
      if (to - from > 31 * 24 * 3600_000)
        throw new PantauError('VALIDATION', 'a backtest covers at most 31 days');
      return backtestWatchlist(
        { search, names, ...(ctx.alertState ? { rules: ctx.alertState.rules } : {}) },
        withRules(doc),
        new Date(from).toISOString(),
        new Date(to).toISOString(),
      );
    },
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
