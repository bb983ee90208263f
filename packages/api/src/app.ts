import { createAlertStore } from '@pantau/alerts';
import { ajv as bodyAjv } from '@pantau/core';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAuthenticator } from './auth';
import type { ApiDeps, RouteContext } from './deps';
import { frameworkErrors, installErrorHandling } from './errors';
import { installOpenApi } from './openapi';
import { agencyRoutes } from './routes/agencies';
import { alertRoutes } from './routes/alerts';
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
  installOpenApi(app);
  const ctx: RouteContext = {
    ...deps,
    auth: createAuthenticator(deps.search, deps.names, deps.config.PANTAU_ADMIN_KEY),
    alerts: deps.alerts ?? createAlertStore(deps.search, deps.names),
  };
  // Declared inside a plugin so they are added after @fastify/swagger has loaded and sees them.
  void app.register(async (api) => {
    healthRoutes(api, ctx);
    agencyRoutes(api, ctx);
    ingestRoutes(api, ctx);
    readRoutes(api, ctx);
    watchlistRoutes(api, ctx);
    subscriptionRoutes(api, ctx);
    alertRoutes(api, ctx);
    labelRoutes(api, ctx);
    sourceRoutes(api, ctx);
    tiplineRoutes(api, ctx);
    metricsRoutes(api);
    dashboardRoutes(api, deps.dashboardDir);
  });
  return app;
}
