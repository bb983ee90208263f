import { PantauError, newId } from '@pantau/core';
import { checkWebhookTarget, isValidTimeZone, type ChannelName, type SubscriptionDoc } from '@pantau/alerts';
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit';
import { agencyOf } from '../auth';
import { regions, unknownRegions } from '../regions';
import {
  CreateSubscriptionBody,
  IdParams,
  RegionList,
  Subscription,
  SubscriptionList,
  UpdateSubscriptionBody,
} from '../schemas';
import type { RouteContext } from '../deps';
import { deleteDoc, getOwned, listOwned, putDoc } from './owned';

type ChannelOption = 'url' | 'secret' | 'chatId' | 'to' | 'slackChannel';
/** Which options each channel needs; any other channel option is refused rather than silently kept. */
const CHANNEL_OPTIONS: Record<ChannelName, readonly ChannelOption[]> = {
  webhook: ['url', 'secret'],
  // Slack: an incoming-webhook `url`, or a `slackChannel` for Pantau's Slack app (see below).
  slack: ['url'],
  telegram: ['chatId'],
  email: ['to'],
};
const OPTIONS = ['url', 'secret', 'chatId', 'to', 'slackChannel'] as const;

function checkChannelOptions(body: CreateSubscriptionBody): void {
  const channel = body.channel as ChannelName;
  const needed =
    channel === 'slack' && body.slackChannel !== undefined
      ? (['slackChannel'] as const)
      : CHANNEL_OPTIONS[channel];
  const problems = [
    ...needed
      .filter((o) => body[o] === undefined)
      .map((o) => ({ path: `/${o}`, message: `required for channel ${channel}` })),
    ...OPTIONS.filter((o) => !needed.includes(o) && body[o] !== undefined).map((o) => ({
      path: `/${o}`,
      message: `not an option of channel ${channel}`,
    })),
  ];
  if (problems.length > 0)
    throw new PantauError(
      'VALIDATION',
      `body${problems[0]!.path.replace('/', '.')} ${problems[0]!.message}`,
      { details: problems },
    );
}

/** Secrets never leave: the webhook secret is dropped, a Slack URL (itself a secret) shows its origin only. */
function view(doc: SubscriptionDoc) {
  const { url, chatId, to, slackChannel } = doc.config;
  return {
    id: doc.id,
    channel: doc.channel,
    ...(url ? { url: doc.channel === 'slack' ? `${new URL(url).origin}/…` : url } : {}),
    ...(chatId ? { chatId } : {}),
    ...(to ? { to } : {}),
    ...(slackChannel ? { slackChannel } : {}),
    language: doc.language ?? 'id',
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

  /** Quiet hours in a real time zone, the agency's own watchlists, known regions. */
  async function checkHygiene(
    body: Partial<Pick<SubscriptionDoc, 'quietHours' | 'watchlistIds' | 'regions'>>,
    agencyId: string,
  ): Promise<void> {
    const tz = body.quietHours?.tz;
    if (tz && !isValidTimeZone(tz)) throw new PantauError('VALIDATION', `unknown time zone: ${tz}`);
    // Routing names the agency's own watchlists only (another agency's do not exist for it).
    for (const w of body.watchlistIds ?? [])
      await getOwned(search, names, 'watchlists', w, agencyId).catch((err: unknown) => {
        throw (err as PantauError).code === 'NOT_FOUND'
          ? new PantauError('VALIDATION', `watchlistIds: no watchlist ${w}`)
          : err;
      });
    // A misspelt region would silently route nothing to the subscription: refuse it.
    const unknown = unknownRegions(body.regions);
    if (unknown.length)
      throw new PantauError(
        'VALIDATION',
        `regions: unknown region id(s) ${unknown.join(', ')} (GET /v1/regions lists provinces and cities)`,
      );
  }

  // The provinces and cities a subscription's `regions` can name.
  app.get('/v1/regions', { preHandler: readers, schema: { response: { 200: RegionList } } }, async () => ({
    items: regions(),
  }));

  app.post<{ Body: CreateSubscriptionBody }>(
    '/v1/subscriptions',
    { preHandler: writers, schema: { body: CreateSubscriptionBody, response: { 201: Subscription } } },
    async (request, reply) => {
      const agencyId = agencyOf(request);
      const { body } = request;
      const channel = body.channel as ChannelName;
      checkChannelOptions(body);
      const available = ctx.config.ALERT_CHANNELS;
      if (available && !available.includes(channel))
        throw new PantauError('CHANNEL_UNAVAILABLE', `channel ${channel} is not set up on this server`);
      if (available && body.slackChannel !== undefined && !available.includes('slack-app'))
        throw new PantauError(
          'CHANNEL_UNAVAILABLE',
          "Pantau's Slack app is not set up on this server (SLACK_BOT_TOKEN): use an incoming-webhook url",
        );
      await checkHygiene(body, agencyId);
      // Webhook and Slack URLs are contacted on the subscriber's say-so: public addresses only.
      if (body.url !== undefined)
        await checkWebhookTarget(body.url, { allowPrivate: ctx.config.ALLOW_PRIVATE_WEBHOOKS ?? false });
      const doc: SubscriptionDoc = {
        id: newId('sub'),
        agencyId,
        channel,
        createdAt: new Date().toISOString(),
        config: {
          ...(body.url !== undefined ? { url: body.url } : {}),
          ...(body.secret !== undefined ? { secret: body.secret } : {}),
          ...(body.chatId !== undefined ? { chatId: body.chatId } : {}),
          ...(body.to !== undefined ? { to: body.to } : {}),
          ...(body.slackChannel !== undefined ? { slackChannel: body.slackChannel } : {}),
        },
        ...(body.language ? { language: body.language } : {}),
        ...hygieneOf(body),
      };
      await putDoc(search, names, 'subscriptions', doc.id, doc);
      await audit(search, names, logger, request.principal!, {
        action: 'subscription.create',
        target: doc.id,
        details: {
          channel: doc.channel,
          ...(body.url ? { host: new URL(body.url).host } : {}),
          ...hygieneOf(doc),
        },
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

  // How alerts reach the target — language, digest, quiet hours, routing, regions — changed in place:
  // the subscription keeps its id and its deliveries' history. A new target is a new subscription.
  app.patch<{ Params: IdParams; Body: UpdateSubscriptionBody }>(
    '/v1/subscriptions/:id',
    {
      preHandler: writers,
      schema: { params: IdParams, body: UpdateSubscriptionBody, response: { 200: Subscription } },
    },
    async (request) => {
      const agencyId = agencyOf(request);
      const doc = await getOwned<SubscriptionDoc>(
        search,
        names,
        'subscriptions',
        request.params.id,
        agencyId,
      );
      const { body } = request;
      await checkHygiene(
        {
          ...(body.quietHours ? { quietHours: body.quietHours } : {}),
          ...(body.watchlistIds ? { watchlistIds: body.watchlistIds } : {}),
          ...(body.regions ? { regions: body.regions } : {}),
        },
        agencyId,
      );
      const pick = <K extends 'digest' | 'quietHours' | 'watchlistIds' | 'regions'>(k: K) =>
        body[k] === undefined ? doc[k] : (body[k] ?? undefined);
      const { digest: _d, quietHours: _q, watchlistIds: _w, regions: _r, ...base } = doc;
      const next: SubscriptionDoc = {
        ...base,
        ...(body.language ? { language: body.language } : {}),
        ...hygieneOf({
          digest: pick('digest') as SubscriptionDoc['digest'],
          quietHours: pick('quietHours') as SubscriptionDoc['quietHours'],
          watchlistIds: pick('watchlistIds') as SubscriptionDoc['watchlistIds'],
          regions: pick('regions') as SubscriptionDoc['regions'],
        }),
      };
      await putDoc(search, names, 'subscriptions', next.id, next, { replace: true });
      await audit(search, names, logger, request.principal!, {
        action: 'subscription.update',
        target: next.id,
        details: { changed: Object.keys(body), ...hygieneOf(next) },
      });
      return view(next);
    },
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
