import { PantauError } from '@pantau/core';
import { getIssue, getPostsByIds, listIssues, searchPosts } from '@pantau/store';
import type { FastifyInstance } from 'fastify';
import { IdParams, IssueDetail, IssueList, IssuesQuery, PostList, PostsQuery } from '../schemas';
import type { RouteContext } from '../deps';

/** Posts and issues are public data: shared across agencies, readable with any key. */
export function readRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { search, names } = ctx;
  app.get<{ Querystring: PostsQuery }>(
    '/v1/posts',
    { preHandler: ctx.auth.anyKey, schema: { querystring: PostsQuery, response: { 200: PostList } } },
    async (request) => searchPosts(search, names, request.query),
  );

  app.get<{ Querystring: IssuesQuery }>(
    '/v1/issues',
    { preHandler: ctx.auth.anyKey, schema: { querystring: IssuesQuery, response: { 200: IssueList } } },
    async (request) => listIssues(search, names, request.query),
  );

  app.get<{ Params: IdParams }>(
    '/v1/issues/:id',
    { preHandler: ctx.auth.anyKey, schema: { params: IdParams, response: { 200: IssueDetail } } },
    async (request) => {
      const issue = await getIssue(search, names, request.params.id);
      if (!issue) throw new PantauError('NOT_FOUND', `no issue ${request.params.id}`);
      const posts = await getPostsByIds(search, names, (issue.samplePostIds ?? []).slice(0, 20));
      const clarifications = await ctx.alertStore.clarificationsOf(issue.id);
      // Posts published after the first clarification restate an issue that was already clarified.
      const firstAt = clarifications.map((c) => c.createdAt).sort()[0];
      return {
        ...issue,
        timeline: issue.timeline ?? [],
        posts: posts.map((p) =>
          firstAt && p.publishedAt && p.publishedAt > firstAt ? { ...p, alreadyClarified: true } : p,
        ),
        clarifications,
        clarified: clarifications.length > 0,
      };
    },
  );
}
