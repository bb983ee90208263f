import { createAlertStore } from '@pantau/alerts';
import { ajv as bodyAjv } from '@pantau/core';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAuthenticator } from './auth';
import type { ApiDeps, RouteContext } from './deps';
import { installErrorHandling } from './errors';
import { agencyRoutes } from './routes/agencies';
import { alertRoutes } from './routes/alerts';
import { healthRoutes } from './routes/health';
import { ingestRoutes } from './routes/ingest';
import { labelRoutes } from './routes/labels';
import { readRoutes } from './routes/read';
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
    disableRequestLogging: false,
    bodyLimit: 1024 * 1024,
    maxParamLength: 512,
  }) as unknown as FastifyInstance;
  // Bodies are JSON and must match exactly (no coercion: 42 is not a name); query strings and path
  // params are text and are coerced to the schema's numbers.
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema),
  );
  installErrorHandling(app);
  const ctx: RouteContext = {
    ...deps,
    auth: createAuthenticator(deps.search, deps.names, deps.config.PANTAU_ADMIN_KEY),
    alerts: deps.alerts ?? createAlertStore(deps.search, deps.names),
  };
  healthRoutes(app, ctx);
  agencyRoutes(app, ctx);
  ingestRoutes(app, ctx);
  readRoutes(app, ctx);
  watchlistRoutes(app, ctx);
  subscriptionRoutes(app, ctx);
  alertRoutes(app, ctx);
  labelRoutes(app, ctx);
  return app;
}
