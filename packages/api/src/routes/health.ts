import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../deps';

export function healthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const report = await ctx.health.report();
    if (report.ok) return { ok: true, checks: report.checks };
    const failing = Object.entries(report.checks)
      .filter(([, c]) => !c.ok)
      .map(([name]) => name);
    return reply.status(503).send({
      error: {
        code: 'NOT_READY',
        message: `not ready: ${failing.join(', ')}`,
        details: { checks: report.checks },
      },
    });
  });
}
