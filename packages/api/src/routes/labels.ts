import { PantauError } from '@pantau/core';
import { getPostsByIds, listModels, putLabel, type LabelDoc } from '@pantau/store';
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit';
import { agencyOf } from '../auth';
import type { RouteContext } from '../deps';
import { IdParams, Label, LabelBody, ModelList, RetrainAccepted } from '../schemas';

/** Analysts label posts (hoax / not_hoax); the labels feed retraining, whose results `GET /v1/models` shows. */
export function labelRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { search, names, logger, auth } = ctx;

  app.post<{ Params: IdParams; Body: LabelBody }>(
    '/v1/posts/:id/labels',
    {
      preHandler: auth.agency('admin', 'analyst'),
      schema: { params: IdParams, body: LabelBody, response: { 201: Label } },
    },
    async (request, reply) => {
      const agencyId = agencyOf(request);
      const postId = request.params.id;
      const [post] = await getPostsByIds(search, names, [postId]);
      if (!post) throw new PantauError('NOT_FOUND', `no post ${postId}`);
      const principal = request.principal!;
      const doc: LabelDoc = {
        id: `${agencyId}:${postId}`,
        postId,
        agencyId,
        label: request.body.label,
        ...(request.body.note ? { note: request.body.note } : {}),
        text: post.text,
        actor: principal.actor,
        at: new Date().toISOString(),
      };
      await putLabel(search, names, doc);
      await audit(search, names, logger, principal, {
        action: 'label.create',
        target: postId,
        details: { label: doc.label, ...(doc.note ? { note: doc.note } : {}) },
      });
      const { text: _text, ...visible } = doc;
      return reply.status(201).send(visible);
    },
  );

  app.post(
    '/v1/models/retrain',
    { preHandler: auth.agency('admin'), schema: { response: { 202: RetrainAccepted } } },
    async (request, reply) => {
      if (!ctx.retrain) throw new PantauError('QUEUE_UNAVAILABLE', 'no retrain queue configured');
      const principal = request.principal!;
      const jobId = await ctx.retrain.enqueue({
        requestedBy: principal.actor,
        requestedAt: new Date().toISOString(),
      });
      await audit(search, names, logger, principal, { action: 'model.retrain', target: jobId });
      return reply.status(202).send({ jobId });
    },
  );

  app.get(
    '/v1/models',
    {
      preHandler: auth.agency('admin', 'analyst', 'automation'),
      schema: { response: { 200: ModelList } },
    },
    async () => {
      const items = await listModels(search, names);
      const inUse = items.find((m) => m.status === 'promoted')?.version ?? 'shipped default';
      return { inUse, items };
    },
  );
}
