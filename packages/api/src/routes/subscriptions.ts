import { newId, PantauError } from '@pantau/core';
import { checkWebhookTarget, isValidTimeZone, type SubscriptionDoc } from '@pantau/alerts';
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit';
import { agencyOf } from '../auth';
import { CreateSubscriptionBody, IdParams, Subscription, SubscriptionList } from '../schemas';
import type { RouteContext } from '../deps';
import { deleteDoc, getOwned, listOwned, putDoc } from './owned';

/** The secret signs deliveries and is never returned. */
function view(doc: SubscriptionDoc) {
  return {
    id: doc.id,
    channel: doc.channel,
    url: doc.config.url,
    createdAt: doc.createdAt,
    ...hygieneOf(doc),
  };
}

/** Digest, quiet hours, routing and regions (issue 10): stored as given, shown back. */
function hygieneOf(
  src: Partial<Pick<SubscriptionDoc, 'digest' | 'quietHours' | 'watchlistIds' | 'regions'>>,
) {
  return {
    ...(src.digest ? { digest: src.digest } : {}),
    ...(src.quietHours ? { quietHours: src.quietHours } : {}),
    ...(src.watchlistIds?.length ? { watchlistIds: src.watchlistIds } : {}),
    ...(src.regions?.length ? { regions: src.regions } : {}),
  };
}

export function subscriptionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { search, names, logger, auth } = ctx;
  const readers = auth.agency('admin', 'analyst', 'automation');
  const writers = auth.agency('admin');

  app.post<{ Body: CreateSubscriptionBody }>(
    '/v1/subscriptions',
    { preHandler: writers, schema: { body: CreateSubscriptionBody, response: { 201: Subscription } } },
    async (request, reply) => {
      const agencyId = agencyOf(request);
      const tz = request.body.quietHours?.tz;
      if (tz && !isValidTimeZone(tz)) throw new PantauError('VALIDATION', `unknown time zone: ${tz}`);
      // Routing names the agency's own watchlists only (another agency's do not exist for it).
      for (const w of request.body.watchlistIds ?? [])
        await getOwned(search, names, 'watchlists', w, agencyId).catch((err: unknown) => {
          throw (err as PantauError).code === 'NOT_FOUND'
            ? new PantauError('VALIDATION', `watchlistIds: no watchlist ${w}`)
            : err;
        });
      await checkWebhookTarget(request.body.url, {
        allowPrivate: ctx.config.ALLOW_PRIVATE_WEBHOOKS ?? false,
      });
      const doc: SubscriptionDoc = {
        id: newId('sub'),
        agencyId,
        channel: request.body.channel,
        createdAt: new Date().toISOString(),
        config: { url: request.body.url, secret: request.body.secret },
        ...hygieneOf(request.body),
      };
      await putDoc(search, names, 'subscriptions', doc.id, doc);
      await audit(search, names, logger, request.principal!, {
        action: 'subscription.create',
        target: doc.id,
        details: { channel: doc.channel, host: new URL(doc.config.url).host, ...hygieneOf(doc) },
      });
      return reply.status(201).send(view(doc));
    },
  );

  app.get(
    '/v1/subscriptions',
    { preHandler: readers, schema: { response: { 200: SubscriptionList } } },
    async (request) => ({
      items: (await listOwned<SubscriptionDoc>(search, names, 'subscriptions', agencyOf(request))).map(view),
    }),
  );

  app.get<{ Params: IdParams }>(
    '/v1/subscriptions/:id',
    { preHandler: readers, schema: { params: IdParams, response: { 200: Subscription } } },
    async (request) =>
      view(
        await getOwned<SubscriptionDoc>(search, names, 'subscriptions', request.params.id, agencyOf(request)),
      ),
  );

  app.delete<{ Params: IdParams }>(
    '/v1/subscriptions/:id',
    { preHandler: writers, schema: { params: IdParams } },
    async (request, reply) => {
      const doc = await getOwned<SubscriptionDoc>(
        search,
        names,
        'subscriptions',
        request.params.id,
        agencyOf(request),
      );
      await deleteDoc(search, names, 'subscriptions', doc.id);
      await audit(search, names, logger, request.principal!, {
        action: 'subscription.delete',
        target: doc.id,
        details: { channel: doc.channel },
      });
      return reply.status(204).send();
    },
  );
}
