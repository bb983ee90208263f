import { PantauError, toPantauError } from '@pantau/core';
import { preparePosts, publishRawPosts } from '@pantau/ingest';
import type { FastifyInstance } from 'fastify';
import { IngestResult, MAX_INGEST_ITEMS } from '../schemas';
import type { RouteContext } from '../deps';

export function ingestRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Body: unknown }>(
    '/v1/ingest/posts',
    {
      preHandler: ctx.auth.anyKey,
      bodyLimit: ctx.config.INGEST_BODY_LIMIT ?? 5 * 1024 * 1024,
      schema: {
        body: { type: ['object', 'array'] },
        response: { 202: IngestResult },
      },
    },
    async (request, reply) => {
      const items: unknown[] = Array.isArray(request.body) ? request.body : [request.body];
      if (items.length > MAX_INGEST_ITEMS) {
        throw new PantauError(
          'PAYLOAD_TOO_LARGE',
          `at most ${MAX_INGEST_ITEMS} posts per request, got ${items.length}`,
        );
      }
      const { accepted, rejected, warnings } = preparePosts(items);
      if (accepted.length > 0) {
        try {
          await publishRawPosts(ctx.producer, ctx.topics.postsRaw, accepted);
        } catch (err) {
          throw toPantauError(err, 'BUS_UNAVAILABLE');
        }
      }
      request.log.info({ accepted: accepted.length, rejected: rejected.length }, 'posts ingested');
      return reply.status(202).send({
        accepted: accepted.length,
        ids: accepted.map((p) => p.id),
        rejected: rejected.map(({ index, code, message }) => ({ index, code, message })),
        ...(warnings.length ? { warnings } : {}),
      });
    },
  );
}
