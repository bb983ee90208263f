import type { SearchClient } from './opensearch';

/**
 * Reading every document of an index that matches a query, page by page.
 *
 * Why: a plain search returns at most `index.max_result_window` hits (10,000). The scorer's fact-checks
 * and watchlists, the rule stage's watchlists, the source registry and the labels for retraining were
 * each read in one page of 10,000 and silently stopped there — a fact-check database past 10,000
 * debunks (national ones are) lost every claim beyond, and retraining never saw the newest labels.
 *
 * How: the scroll API (a consistent view of the index for the whole read, any sort, no deep-paging
 * cost); the scroll context is released at the end, also when the caller stops early or a page fails.
 */
export interface ScanRequest {
  index: string;
  /** Default: every document. */
  query?: Record<string, unknown>;
  /** Default: index order (`_doc`, the cheapest). */
  sort?: unknown[];
  /** Fields to return (false: ids only). Default: the whole source. */
  source?: string[] | false;
  /** Hits per page (default 1,000). */
  pageSize?: number;
  /** How long OpenSearch keeps the view between two pages (default 1m). */
  keepAlive?: string;
  /** Return each hit's `_seq_no` and `_primary_term` (for optimistic concurrency). */
  seqNoPrimaryTerm?: boolean;
  /** An index that does not exist (yet) reads as empty instead of failing. */
  ignoreUnavailable?: boolean;
}

export interface ScanHit<T> {
  id: string;
  source: T;
  seqNo?: number;
  primaryTerm?: number;
}

interface RawHit {
  _id: string;
  _source?: unknown;
  _seq_no?: number;
  _primary_term?: number;
}

interface HitsBody {
  _scroll_id?: string;
  hits: { total?: { value: number; relation: string } | number; hits: RawHit[] };
}

const toHit = <T>(h: RawHit): ScanHit<T> => ({
  id: h._id,
  source: (h._source ?? {}) as T,
  ...(h._seq_no !== undefined ? { seqNo: h._seq_no, primaryTerm: h._primary_term ?? 1 } : {}),
});

const bodyOf = (req: ScanRequest, size: number) => ({
  size,
  query: req.query ?? { match_all: {} },
  sort: req.sort ?? ['_doc'],
  ...(req.source !== undefined ? { _source: req.source } : {}),
  ...(req.seqNoPrimaryTerm ? { seq_no_primary_term: true } : {}),
});

/** Every matching document, one page at a time (errors are the client's: callers map them). */
export async function* scanPages<T>(client: SearchClient, req: ScanRequest): AsyncGenerator<ScanHit<T>[]> {
  const keepAlive = req.keepAlive ?? '1m';
  let scrollId: string | undefined;
  try {
    let res = await client.search({
      index: req.index,
      scroll: keepAlive,
      ...(req.ignoreUnavailable ? { ignore_unavailable: true, allow_no_indices: true } : {}),
      body: bodyOf(req, req.pageSize ?? 1_000),
    } as never);
    for (;;) {
      const body = res.body as unknown as HitsBody;
      scrollId = body._scroll_id ?? scrollId;
      const hits = body.hits.hits;
      if (hits.length === 0) return;
      yield hits.map((h) => toHit<T>(h));
      if (!scrollId) return;
      res = await client.scroll({ body: { scroll_id: scrollId, scroll: keepAlive } } as never);
    }
  } finally {
    // A context left open holds segments and heap on the node until it times out.
    if (scrollId)
      await client.clearScroll({ body: { scroll_id: [scrollId] } } as never).catch(() => undefined);
  }
}

/**
 * Every matching document, in the request's order: one plain search when they fit in one page (the
 * usual case, one request, as cheap as before), a scan when they do not.
 */
export async function searchAll<T>(client: SearchClient, req: ScanRequest): Promise<ScanHit<T>[]> {
  const pageSize = req.pageSize ?? 10_000;
  const res = await client.search({
    index: req.index,
    ...(req.ignoreUnavailable ? { ignore_unavailable: true, allow_no_indices: true } : {}),
    body: { ...bodyOf(req, pageSize), track_total_hits: true },
  } as never);
  const body = res.body as unknown as HitsBody;
  const total = typeof body.hits.total === 'number' ? body.hits.total : (body.hits.total?.value ?? 0);
  if (total <= body.hits.hits.length) return body.hits.hits.map((h) => toHit<T>(h));
  const out: ScanHit<T>[] = [];
  for await (const page of scanPages<T>(client, { ...req, pageSize: Math.min(pageSize, 5_000) }))
    for (const hit of page) out.push(hit);
  return out;
}
