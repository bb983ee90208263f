import rateLimit from '@fastify/rate-limit';
import { createAlertStore } from '@pantau/alerts';
import { ajv as bodyAjv, PantauError, sha256Hex } from '@pantau/core';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance } from 'fastify';
import { bearerKey, createAuthenticator } from './auth';
import type { ApiDeps, RouteContext } from './deps';
import { frameworkErrors, installErrorHandling } from './errors';
import { installOpenApi } from './openapi';
import { agencyRoutes } from './routes/agencies';
import { keyRoutes } from './routes/keys';
import { alertRoutes } from './routes/alerts';
import { auditRoutes } from './routes/audit';
import { clarificationRoutes } from './routes/clarifications';
import { streamRoutes } from './routes/stream';
import { dashboardRoutes } from './routes/dashboard';
import { healthRoutes } from './routes/health';
import { ingestRoutes } from './routes/ingest';
import { metricsRoutes } from './routes/metrics';
import { labelRoutes } from './routes/labels';
import { readRoutes } from './routes/read';
import { sourceRoutes } from './routes/sources';
import { tiplineRoutes } from './routes/tipline';
import { subscriptionRoutes } from './routes/subscriptions';
import { watchlistRoutes } from './routes/watchlists';

const textAjv = new Ajv({
  allErrors: false,
  strict: false,
  coerceTypes: 'array',
  useDefaults: true,
  removeAdditional: false,
});
addFormats(textAjv);

/**
 * The HTTP API as a Fastify instance that never listens: services/api calls `listen`, tests call
 * `inject`. Every route has request and response schemas; every error is `{error:{code,message}}`.
 */
export function buildApp(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 512 },
    frameworkErrors,
  }) as unknown as FastifyInstance;
  // Bodies are JSON and must match exactly (no coercion: 42 is not a name); query strings and path
  // params are text and are coerced to the schema's numbers.
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema),
  );
  installErrorHandling(app);
  // JSON bodies must be UTF-8: invalid bytes are refused with a clear error instead of being turned
  // into U+FFFD and stored (a post's text would silently change). Then Fastify's own parser, which
  // refuses __proto__/constructor poisoning.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      done(new PantauError('MALFORMED_JSON', 'the request body is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request, text, done);
  });
  installOpenApi(app);
  const alertStore = createAlertStore(deps.search, deps.names);
  const ctx: RouteContext = {
    ...deps,
    auth: createAuthenticator(deps.search, deps.names, deps.config.PANTAU_ADMIN_KEY),
    alerts: deps.alerts ?? alertStore,
    alertStore,
  };
  // Per-key rate limit on /v1 (a key is counted by its hash; no key: by address). Push routes (ingest,
  // the tipline webhook) have their own limits and are left out. Counted in Redis when a store is
  // given (one limit across API processes), else in memory per process.
  const perMinute = deps.rateLimitPerMinute ?? 600;
  if (perMinute > 0)
    void app.register(rateLimit, {
      max: perMinute,
      timeWindow: 60_000,
      ...(deps.rateLimitStore
        ? {
            redis: deps.rateLimitStore.redis,
            nameSpace: `${deps.rateLimitStore.prefix}:ratelimit:`,
            skipOnError: true,
          }
        : {}),
      allowList: (request) =>
        !request.url.startsWith('/v1/') ||
        request.url.startsWith('/v1/ingest') ||
        request.url.startsWith('/v1/tipline'),
      keyGenerator: (request) => {
        const key = bearerKey(request.headers.authorization);
        return key ? `key:${sha256Hex(key).slice(0, 32)}` : `ip:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) =>
        new PantauError(
          'RATE_LIMITED',
          `more than ${context.max} requests in ${context.after}; retry after ${Math.ceil(context.ttl / 1000)} s`,
        ),
    });
  // Declared inside a plugin so they are added after @fastify/swagger has loaded and sees them.
  void app.register(async (api) => {
    healthRoutes(api, ctx);
    agencyRoutes(api, ctx);
    keyRoutes(api, ctx);
    ingestRoutes(api, ctx);
    readRoutes(api, ctx);
    watchlistRoutes(api, ctx);
    subscriptionRoutes(api, ctx);
    alertRoutes(api, ctx);
    clarificationRoutes(api, ctx);
    auditRoutes(api, ctx);
    streamRoutes(api, ctx);
    labelRoutes(api, ctx);
    sourceRoutes(api, ctx);
    tiplineRoutes(api, ctx);
    metricsRoutes(api);
    dashboardRoutes(api, deps.dashboardDir);
  });
  return app;
}
