import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ERROR_CODES, type ErrorCode } from '@pantau/core';
import type { FastifyInstance, RouteOptions } from 'fastify';

/**
 * The OpenAPI description is generated from the route schemas (@fastify/swagger), served as JSON at
 * /openapi.json and rendered at /docs by swagger-ui from its own bundled files (no CDN).
 *
 * Error answers are documented here once rather than in every route: a hook looks at what a route
 * declares (an auth preHandler, a body, a path parameter) and adds the error statuses it can answer,
 * each with the catalogue codes it may carry (`error.code` enum), so a test can check every
 * documented code exists in packages/core/src/errors.ts.
 */
const ErrorAnswer = (codes: readonly ErrorCode[]) => ({
  description: codes.map((c) => `${c}: ${ERROR_CODES[c].description}`).join(' '),
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: [...codes] },
        message: { type: 'string' },
        details: {},
      },
    },
  },
});

/** Routes the description leaves out: the description itself, its UI and the dashboard's files. */
export const UNDOCUMENTED = [/^\/docs(\/|$)/, /^\/openapi\.json$/, /^\/$/, /^\/assets\//];

const TAGS: Array<[RegExp, string]> = [
  [/^\/v1\/(posts|issues)/, 'posts & issues'],
  [/^\/v1\/watchlists/, 'watchlists'],
  [/^\/v1\/subscriptions/, 'subscriptions'],
  [/^\/v1\/alerts/, 'alerts'],
  [/^\/v1\/(stream|audit)/, 'alerts'],
  [/^\/v1\/agencies/, 'agencies'],
  [/^\/v1\/ingest/, 'ingest'],
];

function errorStatuses(route: RouteOptions): Map<number, ErrorCode[]> {
  const out = new Map<number, ErrorCode[]>();
  const add = (code: ErrorCode) => {
    const status = ERROR_CODES[code].httpStatus;
    out.set(status, [...(out.get(status) ?? []), code]);
  };
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  if (schema.body || schema.querystring || schema.params) add('VALIDATION');
  if (schema.body) add('MALFORMED_JSON');
  if (schema.body) add('PAYLOAD_TOO_LARGE');
  if (route.url.startsWith('/v1/watchlists') && route.method === 'POST') add('QUERY_SYNTAX');
  if (route.url.startsWith('/v1/subscriptions') && route.method === 'POST') {
    add('DELIVERY_TARGET_FORBIDDEN');
    add('CHANNEL_UNAVAILABLE');
  }
  if (route.url.startsWith('/v1/sources') && (route.method === 'POST' || route.method === 'PATCH')) {
    // A source's URLs are checked when it is created or changed: a forbidden address, a host that
    // does not resolve (502).
    add('SOURCE_TARGET_FORBIDDEN');
    add('SOURCE_UNAVAILABLE');
  }
  if (route.url === '/v1/tipline/whatsapp') {
    // Unconfigured (404), a wrong verify token (403) or signature (401), Kafka away (503).
    add('NOT_FOUND');
    add('FORBIDDEN');
    add('UNAUTHORIZED');
    if (route.method === 'POST') {
      add('MALFORMED_JSON');
      add('PAYLOAD_TOO_LARGE');
      add('BUS_UNAVAILABLE');
    }
  }
  if (route.url === '/v1/agencies' && route.method === 'POST') add('CONFLICT');
  if (route.preHandler) {
    add('UNAUTHORIZED');
    add('FORBIDDEN');
    add('STORE_UNAVAILABLE');
  }
  if (schema.params) add('NOT_FOUND');
  if (route.url === '/v1/ingest/posts') add('BUS_UNAVAILABLE');
  if (route.url.startsWith('/v1/') && !/^\/v1\/(ingest|tipline)/.test(route.url)) add('RATE_LIMITED');
  if (route.url === '/v1/issues/:id/clarifications' || route.url === '/v1/stream') add('QUEUE_UNAVAILABLE');
  if (route.url.startsWith('/v1/alerts/') && route.method === 'POST') add('CONFLICT');
  if (route.url === '/readyz') add('NOT_READY');
  add('INTERNAL');
  return out;
}

const routeTables = new WeakMap<FastifyInstance, Array<{ method: string; url: string }>>();

/** Every (method, url) the app routes, as declared (HEAD included) — what a coverage test compares. */
export function routeTable(app: FastifyInstance): ReadonlyArray<{ method: string; url: string }> {
  return routeTables.get(app) ?? [];
}

export function installOpenApi(app: FastifyInstance): void {
  const table: Array<{ method: string; url: string }> = [];
  routeTables.set(app, table);
  // Runs for every route declared after this call, before @fastify/swagger reads the route.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) table.push({ method, url: route.url });
    if (UNDOCUMENTED.some((r) => r.test(route.url)) || route.url.startsWith('/docs')) {
      route.schema = { ...(route.schema ?? {}), hide: true } as never;
      // Page and asset loads are not worth a log line each (errors still are).
      route.logLevel = 'warn';
      return;
    }
    if (route.url === '/metrics' || route.url === '/healthz' || route.url === '/readyz')
      route.logLevel = 'warn';
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    const response = { ...((schema.response as Record<string, unknown>) ?? {}) };
    for (const [status, codes] of errorStatuses(route)) {
      if (!response[status]) response[status] = ErrorAnswer(codes);
    }
    // A route that declares no success answer still has one: a DELETE answers 204 without a body,
    // the others 200 with JSON (health checks, the webhook's acknowledgement).
    if (!Object.keys(response).some((status) => status.startsWith('2')))
      response[route.method === 'DELETE' ? 204 : 200] =
        route.method === 'DELETE'
          ? { description: 'Deleted', type: 'null' }
          : { description: 'OK', type: 'object', additionalProperties: true };
    const tag = TAGS.find(([r]) => r.test(route.url))?.[1] ?? 'operations';
    route.schema = {
      ...schema,
      response,
      tags: (schema.tags as string[] | undefined) ?? [tag],
      // A route without an auth preHandler (health, readiness, metrics) needs no key.
      ...(route.preHandler ? {} : { security: [] }),
    } as never;
  });
  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Pantau API',
        version: '0.1.0',
        description:
          'Issues, posts, watchlists, alerts and ingest of the Pantau monitoring pipeline. Every error ' +
          'answers {"error":{"code","message"}} with a code from the catalogue (README, "Errors").',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Pantau API key' } },
      },
      security: [{ apiKey: [] }],
    },
  });
  void app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
