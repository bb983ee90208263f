import { PantauError } from '@pantau/core';
import {
  getIssue,
  getPostsByIds,
  listIssues,
  postSources,
  relatedIssues,
  searchPosts,
  type IssueDoc,
  type PostHit,
} from '@pantau/store';
import type { FastifyInstance } from 'fastify';
import { csvExportRoute, ISSUE_CSV, POST_CSV } from '../export';
import {
  IdParams,
  IssueDetail,
  IssueList,
  IssuesExportQuery,
  IssuesQuery,
  PostList,
  PostSourceList,
  PostSourcesQuery,
  PostsExportQuery,
  PostsQuery,
  RelatedIssueList,
  RelatedIssuesQuery,
} from '../schemas';
import type { RouteContext } from '../deps';

/** Posts and issues are public data: shared across agencies, readable with any key. */
export function readRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { search, names } = ctx;
  app.get<{ Querystring: PostsQuery }>(
    '/v1/posts',
    { preHandler: ctx.auth.anyKey, schema: { querystring: PostsQuery, response: { 200: PostList } } },
    async (request) => searchPosts(search, names, request.query),
  );

  app.get<{ Querystring: PostSourcesQuery }>(
    '/v1/posts/sources',
    {
      preHandler: ctx.auth.anyKey,
      schema: {
        description:
          'The sources posts came from (default: the last 7 days), busiest first: the choices of a source filter.',
        querystring: PostSourcesQuery,
        response: { 200: PostSourceList },
      },
    },
    async (request) => ({ items: await postSources(search, names, request.query) }),
  );

  app.get<{ Querystring: IssuesQuery }>(
    '/v1/issues',
    { preHandler: ctx.auth.anyKey, schema: { querystring: IssuesQuery, response: { 200: IssueList } } },
    async (request) => listIssues(search, names, request.query),
  );

  csvExportRoute<PostsExportQuery, PostHit>(app, ctx.auth.anyKey, {
    url: '/v1/posts/export',
    what: 'posts',
    querystring: PostsExportQuery,
    description:
      'The posts GET /v1/posts finds, as a CSV file (in its order: the best matches of `q` first, else the newest; at most `limit` rows).',
    table: POST_CSV,
    list: (filters) => searchPosts(search, names, filters),
  });
  csvExportRoute<IssuesExportQuery, IssueDoc>(app, ctx.auth.anyKey, {
    url: '/v1/issues/export',
    what: 'issues',
    querystring: IssuesExportQuery,
    description:
      'The issues GET /v1/issues lists, as a CSV file (latest activity first; at most `limit` rows).',
    table: ISSUE_CSV,
    list: (filters) => listIssues(search, names, filters),
  });

  app.get<{ Params: IdParams; Querystring: RelatedIssuesQuery }>(
    '/v1/issues/:id/related',
    {
      preHandler: ctx.auth.anyKey,
      schema: {
        description:
          'Issues within a week of this one that share at least two of its keywords or a fact-check its posts restate, best match first, with what they share: other wordings of its story and the stories around the same people and places (issues never merge).',
        params: IdParams,
        querystring: RelatedIssuesQuery,
        response: { 200: RelatedIssueList },
      },
    },
    async (request) => {
      const issue = await getIssue(search, names, request.params.id);
      if (!issue) throw new PantauError('NOT_FOUND', `no issue ${request.params.id}`);
      const related = await relatedIssues(search, names, issue, request.query.size ?? 5);
      return {
        items: related.map((r) => ({
          ...r.issue,
          sharedTerms: r.sharedTerms,
          sharedFactChecks: r.sharedFactChecks,
        })),
      };
    },
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
