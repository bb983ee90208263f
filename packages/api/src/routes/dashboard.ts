import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

// Everything the dashboard loads comes from this server: no CDN, no inline script.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The analysts' dashboard (services/dashboard, built into its dist/): index.html at `/`, bundles
 * under `/assets/`. The API key never travels in a URL: the page keeps it in session storage and sends
 * it as a bearer header. Without a build, `/` says how to make one.
 */
export function dashboardRoutes(app: FastifyInstance, dir: string | undefined): void {
  const index = dir ? path.join(dir, 'index.html') : undefined;
  app.get('/', async (_request, reply) => {
    void reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff');
    if (!index || !existsSync(index)) {
      return reply
        .status(503)
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><meta charset="utf-8"><title>Pantau</title><p>Dasbor belum dibangun — the dashboard ' +
            'is not built yet: run <code>npm run build:dashboard</code> (npm start does it for you).</p>',
        );
    }
    return reply.type('text/html; charset=utf-8').send(readFileSync(index));
  });
  if (dir && existsSync(path.join(dir, 'assets'))) {
    void app.register(fastifyStatic, {
      root: path.join(dir, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      maxAge: 60_000,
    });
  }
}
