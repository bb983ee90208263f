import { CONTENT_TYPE, exposition, metrics } from '@pantau/metrics';
import type { FastifyInstance } from 'fastify';

/**
 * GET /metrics in Prometheus text format, on the API's own port. Like /healthz it needs no key, so
 * a Prometheus on the same host scrapes it; it holds counts and timings, never content or keys.
 */
export function metricsRoutes(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route && route !== '/metrics')
      metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
  });
  app.get(
    '/metrics',
    {
      schema: {
        description: 'Prometheus metrics of the API process (process, HTTP, alert deliveries, consumer lag)',
        tags: ['operations'],
        produces: ['text/plain'],
        response: { 200: { type: 'string', description: 'Prometheus text exposition format' } },
      },
    },
    async (_request, reply) => reply.type(CONTENT_TYPE).send(await exposition()),
  );
}
