import { PantauError } from '@pantau/core';
import {
  getIssue,
  getPostsByIds,
  listIssues,
  postSources,
  searchPosts,
  type IssueDoc,
  type PostHit,
} from '@pantau/store';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { csvStream, exportFileName, ISSUE_CSV, POST_CSV, type CsvTable } from '../export';
import {
  CsvFile,
  type ExportParams,
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

  /**
   * A CSV export of a list: the list's filters, every page read by cursor up to `limit` rows. The first
   * page is read before the answer starts, so a failure there is an error answer in the usual shape;
   * past it the status is sent, and a failing page ends the download early (logged).
   */
  const exportRoute = <Q extends ExportParams, T>(
    url: string,
    what: 'posts' | 'issues',
    querystring: TSchema,
    description: string,
    table: CsvTable<T>,
    list: (filters: Omit<Q, keyof ExportParams> & { size: number; cursor?: string }) => Promise<{
      items: T[];
      nextCursor?: string;
    }>,
  ) =>
    app.get<{ Querystring: Q }>(
      url,
      {
        preHandler: ctx.auth.anyKey,
        schema: { description, querystring, produces: ['text/csv'], response: { 200: CsvFile } },
      },
      async (request, reply) => {
        const { limit = 10_000, delimiter, ...filters } = request.query as Q;
        const size = Math.min(EXPORT_PAGE, limit);
        const page = (cursor?: string) => list({ ...filters, size, ...(cursor ? { cursor } : {}) });
        const first = await page();
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${exportFileName(what, new Date())}"`)
          .header('cache-control', 'no-store')
          .send(
            csvStream({
              table,
              first,
              page,
              limit,
              delimiter: delimiter === 'semicolon' ? ';' : ',',
              onError: (err) => request.log.error({ err, what }, 'export stopped by a failing page'),
            }),
          );
      },
    );
  /** Rows per page read for an export (the lists' largest page). */
  const EXPORT_PAGE = 200;

  exportRoute<PostsExportQuery, PostHit>(
    '/v1/posts/export',
    'posts',
    PostsExportQuery,
    'The posts GET /v1/posts finds, as a CSV file (in its order: the best matches of `q` first, else the newest; at most `limit` rows).',
    POST_CSV,
    (filters) => searchPosts(search, names, filters),
  );
  exportRoute<IssuesExportQuery, IssueDoc>(
    '/v1/issues/export',
    'issues',
    IssuesExportQuery,
    'The issues GET /v1/issues lists, as a CSV file (latest activity first; at most `limit` rows).',
    ISSUE_CSV,
    (filters) => listIssues(search, names, filters),
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
