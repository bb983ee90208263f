/**
 * CSV exports of posts and issues, for the reports agencies write from them (a spreadsheet is where
 * those reports start). The same filters as the JSON lists, every page read by cursor up to a limit,
 * streamed as it is read.
 *
 * - UTF-8 with a byte-order mark: without it Excel reads the file as the machine's code page and the
 *   Indonesian texts' emoji and quotes come out garbled.
 * - `delimiter=semicolon` for spreadsheets set to Indonesian, whose list separator is ";" and decimal
 *   separator "," (numbers are written so: 0,912); comma and 0.912 by default.
 * - No author: the JSON lists do not give who posted (Pantau follows issues, not people; the detector
 *   keeps only hashes of accounts), and a file that leaves the system must not either.
 * - Formula injection: posts are anyone's words. A cell a spreadsheet would take for a formula (text
 *   starting with =, +, -, @, a tab or a carriage return) is prefixed with "'", as OWASP advises, so
 *   "=HYPERLINK(…)" in a tweet stays text on the analyst's machine.
 */
import { Readable } from 'node:stream';
import type { AlertDoc } from '@pantau/alerts';
import type { IssueDoc, PostHit } from '@pantau/store';
import type { TSchema } from '@sinclair/typebox';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { CsvFile, type ExportParams } from './schemas';

export type CsvCell = string | number | boolean | undefined;

export interface CsvTable<T> {
  columns: string[];
  row: (item: T) => CsvCell[];
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell as a spreadsheet will show it: never a formula. */
export function safeCell(value: CsvCell): string | number | boolean | undefined {
  if (typeof value !== 'string') return value;
  return FORMULA_START.test(value) ? `'${value}` : value;
}

const list = (values: (string | undefined)[] | undefined) => (values ?? []).filter(Boolean).join('; ');
const round = (n: number | undefined, digits = 3) =>
  n === undefined || !Number.isFinite(n) ? undefined : Math.round(n * 10 ** digits) / 10 ** digits;

type ExportedPost = PostHit & { claimMatches?: { title: string; similarity: number; url?: string }[] };

export const POST_CSV: CsvTable<ExportedPost> = {
  columns: [
    'id',
    'publishedAt',
    'source',
    'sourceKind',
    'url',
    'text',
    'hoaxScore',
    'hoaxSignals',
    'factCheck',
    'factCheckUrl',
    'issueId',
    'topics',
    'regions',
    'language',
  ],
  row: (p) => {
    const claim = [...(p.claimMatches ?? [])].sort((a, b) => b.similarity - a.similarity)[0];
    return [
      p.id,
      p.publishedAt,
      p.source,
      p.sourceKind,
      p.url,
      p.text,
      round(p.hoaxScore),
      list((p.signals ?? []).map((s) => s.label?.id)),
      claim?.title,
      claim?.url,
      p.issueId,
      list((p.topics ?? []).map((t) => t.id)),
      list((p.regions ?? []).map((r) => r.name)),
      p.language,
    ];
  },
};

export const ISSUE_CSV: CsvTable<IssueDoc> = {
  columns: [
    'id',
    'title',
    'status',
    'firstSeen',
    'lastSeen',
    'posts',
    'postsInWindow',
    'growth',
    'hoaxShare',
    'distinctAuthors',
    'coordinated',
    'keywords',
    'topics',
    'regions',
    'sources',
    'factChecks',
  ],
  row: (i) => [
    i.id,
    i.title,
    i.status,
    i.firstSeen,
    i.lastSeen,
    i.count,
    i.windowCount,
    round(i.growth, 2),
    round(i.hoaxShare),
    i.distinctAuthors,
    i.coordinated,
    list(i.terms),
    list((i.topics ?? []).map((t) => t.id)),
    list((i.regions ?? []).map((r) => r.name)),
    list((i.sources ?? []).map((s) => `${s.source} ${Math.round(s.share * 100)}%`)),
    list((i.factChecks ?? []).map((f) => f.title)),
  ],
};

export interface CsvExport<T> {
  table: CsvTable<T>;
  /** The first page, read before the answer starts (so a failure still answers with an error). */
  first: { items: T[]; nextCursor?: string };
  /** The page after a cursor. */
  page: (cursor: string) => Promise<{ items: T[]; nextCursor?: string }>;
  /** At most this many rows. */
  limit: number;
  delimiter: ',' | ';';
  onError?: (err: unknown) => void;
}

/** The CSV text as a stream: the header, then each page's rows as they are read. */
export function csvStream<T>(exp: CsvExport<T>): Readable {
  const { table, limit, delimiter } = exp;
  // With ";" the spreadsheet reads "," as the decimal separator (0,912), as Indonesian ones do.
  const cell =
    delimiter === ';'
      ? (v: CsvCell) => (typeof v === 'number' ? String(v).replace('.', ',') : safeCell(v))
      : safeCell;
  const rows = (items: T[]) =>
    items.length
      ? stringify(
          items.map((item) => table.row(item).map(cell)),
          { delimiter },
        )
      : '';
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${stringify([table.columns], { delimiter })}`;
    let page = exp.first;
    let left = limit;
    for (;;) {
      const items = page.items.slice(0, left);
      left -= items.length;
      yield rows(items);
      if (left <= 0 || !page.nextCursor || page.items.length === 0) return;
      page = await exp.page(page.nextCursor);
    }
  }
  const stream = Readable.from(lines(), { objectMode: false });
  if (exp.onError) stream.on('error', exp.onError);
  return stream;
}

/** `pantau-posts-2026-12-02.csv`, the date in Jakarta. */
export function exportFileName(what: string, now: Date): string {
  const jakarta = new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
  return `pantau-${what}-${jakarta}.csv`;
}

/** Rows per page read for an export (the lists' largest page). */
const EXPORT_PAGE = 200;

/**
 * Registers a CSV export of a list: the list's filters, every page read by cursor up to `limit` rows.
 * The first page is read before the answer starts, so a failure there is an error answer in the usual
 * shape; past it the status is sent, and a failing page ends the download early (logged).
 */
export function csvExportRoute<Q extends ExportParams, T>(
  app: FastifyInstance,
  preHandler: preHandlerHookHandler,
  route: {
    url: string;
    /** The file's name: pantau-<what>-<date>.csv. */
    what: string;
    querystring: TSchema;
    description: string;
    table: CsvTable<T>;
    list: (
      filters: Omit<Q, keyof ExportParams> & { size: number; cursor?: string },
      request: FastifyRequest,
    ) => Promise<{ items: T[]; nextCursor?: string }>;
  },
): void {
  const { what, table } = route;
  app.get<{ Querystring: Q }>(
    route.url,
    {
      preHandler,
      schema: {
        description: route.description,
        querystring: route.querystring,
        produces: ['text/csv'],
        response: { 200: CsvFile },
      },
    },
    async (request, reply) => {
      const { limit = 10_000, delimiter, ...filters } = request.query as Q;
      const size = Math.min(EXPORT_PAGE, limit);
      const page = (cursor?: string) =>
        route.list({ ...filters, size, ...(cursor ? { cursor } : {}) }, request);
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
}

/** Where the alert's current version went, and how that went. */
const currentDeliveries = (a: AlertDoc) =>
  a.deliveries
    .filter((d) => !d.clarificationId && d.version === a.version)
    .map((d) => `${d.channel}: ${d.status}${d.deliveredAt ? ` ${d.deliveredAt}` : ''}`);

/** An agency's alerts, for its reports: what fired, when, why, who acknowledged it, where it went. */
export const ALERT_CSV: CsvTable<AlertDoc> = {
  columns: [
    'id',
    'createdAt',
    'updatedAt',
    'kind',
    'version',
    'critical',
    'issueId',
    'issueTitle',
    'issueStatus',
    'trigger',
    'watchlists',
    'topics',
    'hoaxShare',
    'clarified',
    'ackedAt',
    'ackedBy',
    'snoozedUntil',
    'deliveries',
  ],
  row: (a) => [
    a.id,
    a.createdAt,
    a.updatedAt,
    a.kind,
    a.version,
    a.critical ?? false,
    a.issueId,
    a.issue.title,
    a.issue.status,
    a.trigger?.reason.id ?? a.summary.id,
    list(a.watchlists.map((w) => w.name)),
    list(a.topics),
    round(a.issue.hoaxShare),
    a.clarified ?? false,
    a.ackedAt,
    a.ackedBy,
    a.snoozedUntil,
    list(currentDeliveries(a)),
  ],
};
