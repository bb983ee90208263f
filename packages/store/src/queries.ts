import { PantauError, utcInstant, type HoaxSignal } from '@pantau/core';
import type { IndexNames } from './indices';
import { type SearchClient, storeError } from './opensearch';
import { scanPages, searchAll } from './scan';

/** Read-side queries the API serves: post search and issue listing. */
export interface PostQuery {
  q?: string;
  from?: string;
  to?: string;
  source?: string;
  minHoax?: number;
  issueId?: string;
  /** Posts carrying this topic id (above its threshold). */
  topic?: string;
  /** Posts about this province or city (named in the text or the source's region). */
  region?: string;
  size?: number;
  /** Where the previous page ended (its `nextCursor`). */
  cursor?: string;
}

export interface PostHit {
  id: string;
  source: string;
  sourceKind?: string;
  text: string;
  publishedAt: string;
  hoaxScore: number;
  signals: HoaxSignal[];
  issueId: string;
  url?: string;
  author?: { id?: string; handle?: string; name?: string };
  hashtags: string[];
  language: string;
  topics?: { id: string; score: number; words?: string[] }[];
  region?: string;
  regions?: { id: string; name: string }[];
}

export async function searchPosts(
  client: SearchClient,
  names: IndexNames,
  query: PostQuery,
): Promise<{ total: number; items: PostHit[]; nextCursor?: string }> {
  const filter: unknown[] = [];
  if (query.source) filter.push({ term: { source: query.source } });
  if (query.issueId) filter.push({ term: { issueId: query.issueId } });
  if (query.topic) filter.push({ term: { 'topics.id': query.topic } });
  if (query.region) filter.push({ term: { 'regions.id': query.region } });
  if (query.minHoax !== undefined) filter.push({ range: { hoaxScore: { gte: query.minHoax } } });
  if (query.from || query.to)
    filter.push({
      range: {
        publishedAt: {
          ...(query.from ? { gte: utcInstant(query.from) } : {}),
          ...(query.to ? { lte: utcInstant(query.to) } : {}),
        },
      },
    });
  const must = query.q
    ? [{ multi_match: { query: query.q, fields: ['text', 'normalizedText'], operator: 'and' } }]
    : [{ match_all: {} }];
  // The post id breaks ties, so a page ends at one exact post and the next starts after it.
  const sort = query.q
    ? ['_score', { publishedAt: 'desc' }, { id: 'asc' }]
    : [{ publishedAt: 'desc' }, { id: 'asc' }];
  const size = Math.min(query.size ?? 20, 200);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.q ? 'nns' : 'ns');
  try {
    const res = await client.search({
      index: names.posts,
      ignore_unavailable: true,
      allow_no_indices: true,
      body: {
        size,
        track_total_hits: true,
        query: { bool: { must, filter } },
        sort,
        _source: POST_FIELDS,
        ...(after ? { search_after: after } : {}),
      } as never,
    });
    const hits = res.body.hits;
    const total = typeof hits.total === 'number' ? hits.total : (hits.total?.value ?? 0);
    return {
      total,
      items: hits.hits.map((h) => h._source as PostHit),
      ...nextCursorOf(hits.hits, size),
    };
  } catch (err) {
    throw storeError(err, 'searching posts');
  }
}

/**
 * Paging by cursor (search_after), not by offset: any depth costs the same, there is no 10,000-hit
 * wall, and posts arriving meanwhile do not shift the pages. The cursor is the last hit's sort values,
 * opaque to clients (base64url JSON); a page shorter than asked is the last and has no cursor.
 */
export function nextCursorOf(hits: { sort?: unknown[] }[], size: number): { nextCursor?: string } {
  const last = hits[hits.length - 1];
  if (hits.length < size || !last?.sort) return {};
  return { nextCursor: Buffer.from(JSON.stringify(last.sort)).toString('base64url') };
}

/** `shape`: the type of each sort value, 'n' a number (a date, a score), 's' a string (an id). */
export function decodeCursor(cursor: string, shape: string): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (
    !Array.isArray(values) ||
    values.length !== shape.length ||
    !values.every((v, i) =>
      shape[i] === 'n' ? typeof v === 'number' && Number.isFinite(v) : typeof v === 'string',
    )
  )
    throw new PantauError(
      'VALIDATION',
      'cursor is not one this listing gave: pass the nextCursor of the previous page, with the same filters',
    );
  return values;
}

const POST_FIELDS = [
  'id',
  'source',
  'sourceKind',
  'text',
  'publishedAt',
  'hoaxScore',
  'signals',
  'issueId',
  'url',
  'author',
  'hashtags',
  'language',
  'topics',
  'claimMatches',
  'region',
  'regions',
];

/**
 * The sources posts came from since `from` (default: the last 7 days), busiest first, at most `size`:
 * what a source filter can offer an analyst, who may not read the source registry.
 */
export async function postSources(
  client: SearchClient,
  names: IndexNames,
  query: { from?: string; size?: number } = {},
): Promise<{ source: string; posts: number }[]> {
  const from = query.from ? utcInstant(query.from) : new Date(Date.now() - 7 * 24 * 3600_000).toISOString();
  try {
    const res = await client.search({
      index: names.posts,
      ignore_unavailable: true,
      allow_no_indices: true,
      body: {
        size: 0,
        query: { range: { publishedAt: { gte: from } } },
        aggs: { sources: { terms: { field: 'source', size: Math.min(query.size ?? 100, 500) } } },
      } as never,
    });
    const buckets =
      (res.body.aggregations as { sources?: { buckets?: { key: string; doc_count: number }[] } } | undefined)
        ?.sources?.buckets ?? [];
    return buckets.map((b) => ({ source: b.key, posts: b.doc_count }));
  } catch (err) {
    throw storeError(err, 'listing the sources of posts');
  }
}

/** Posts by id, in the order asked, from the alias (missing ones are left out). */
export async function getPostsByIds(
  client: SearchClient,
  names: IndexNames,
  ids: string[],
): Promise<PostHit[]> {
  const byId = await postsByIds<PostHit>(client, names, ids, POST_FIELDS, 'reading posts by id');
  return ids.flatMap((id) => {
    const p = byId.get(id);
    return p ? [{ ...p, id }] : [];
  });
}

/**
 * Posts by id with the given fields. An ids query on the alias, not mget: the alias spans the monthly
 * indices. However many ids (a plain search would stop at 10,000).
 */
async function postsByIds<T>(
  client: SearchClient,
  names: IndexNames,
  ids: string[],
  fields: string[],
  what: string,
): Promise<Map<string, T>> {
  if (ids.length === 0) return new Map();
  try {
    const hits = await searchAll<T>(client, {
      index: names.posts,
      query: { ids: { values: ids } },
      source: fields,
      ignoreUnavailable: true,
    });
    return new Map(hits.map((h) => [h.id, h.source]));
  } catch (err) {
    throw storeError(err, what);
  }
}

export type IssueStatusName = 'new' | 'rising' | 'growing' | 'peaked' | 'cooled';

export interface IssueTimelineEntry {
  at: string;
  type: IssueStatusName;
  windowCount: number;
  count: number;
  baseline: number;
  reason?: string;
  reasonId?: string;
}

export interface IssueDoc {
  id: string;
  title: string;
  terms: string[];
  status: IssueStatusName;
  count: number;
  windowCount: number;
  baseline: number;
  score: number;
  growth: number;
  hoaxShare: number;
  distinctAuthors: number;
  coordinated: boolean;
  watchlistIds: string[];
  /** Topic mix of the issue's posts (absent on documents written before topics). */
  topics?: { id: string; count: number; share: number }[];
  /** Provinces and cities its posts name (absent on documents written before regions, or none). */
  regions?: { id: string; name: string; count: number; share: number }[];
  /** Posts per source, busiest first (the top 20; absent on documents written before it was kept). */
  sources?: { source: string; count: number; share: number }[];
  /** Fact-checked claims its posts restate, most posts first (the top 10). */
  factChecks?: { id: string; title: string; url?: string; posts: number }[];
  samplePostIds: string[];
  firstSeen: string;
  lastSeen: string;
  updatedAt: string;
  timeline: IssueTimelineEntry[];
  /** The detector's working state, so a restarted detector continues where it stopped (never served by the API). */
  state?: IssueTrackerState;
}

export interface IssueTrackerState {
  buckets: [number, number][];
  hoaxCount: number;
  status: IssueStatusName | null;
  peakWindow: number;
  lastRisingWindow: number;
  termCounts: [string, number][];
  /** Hashes of the first accounts (older documents: the "source:handle" strings). */
  authors: (number | string)[];
  /** Posts per region id with the region's name (the busiest SNAPSHOT_REGIONS). */
  regionCounts?: [string, number, string][];
  /** Highest posts.enriched offset counted, per partition: a replay after a crash skips what was counted. */
  offsets?: [number, string][];
  /** Events of the last write, re-published (same ids) if the detector died before publishing them. */
  pendingEvents?: unknown[];
  lastGrowingWindow?: number;
  lastEventAt?: number;
  /** The count includes the issue's founding post without the detector having seen it (see IssueTracker). */
  founderAssumed?: boolean;
}

export async function getIssues(client: SearchClient, names: IndexNames, ids: string[]): Promise<IssueDoc[]> {
  if (ids.length === 0) return [];
  try {
    const res = await client.mget({ index: names.of('issues'), body: { ids } });
    return (res.body.docs as { found?: boolean; _source?: IssueDoc }[])
      .filter((d) => d.found && d._source)
      .map((d) => d._source!);
  } catch (err) {
    throw storeError(err, 'reading issues');
  }
}

export async function putIssue(
  client: SearchClient,
  names: IndexNames,
  issue: IssueDoc,
  refresh = false,
): Promise<void> {
  try {
    await client.index({
      index: names.of('issues'),
      id: issue.id,
      body: issue,
      refresh: refresh ? 'true' : undefined,
    });
  } catch (err) {
    throw storeError(err, `writing issue ${issue.id}`);
  }
}

export async function getIssue(
  client: SearchClient,
  names: IndexNames,
  id: string,
): Promise<IssueDoc | null> {
  try {
    const res = await client.get({ index: names.of('issues'), id }, { ignore: [404] });
    return res.body.found ? (res.body._source as IssueDoc) : null;
  } catch (err) {
    throw storeError(err, `reading issue ${id}`);
  }
}

export async function listIssues(
  client: SearchClient,
  names: IndexNames,
  query: {
    status?: IssueStatusName;
    topic?: string;
    region?: string;
    source?: string;
    /** Every word in the title or among the issue's keywords. */
    q?: string;
    /** Only issues at least this share of whose posts scored as likely hoaxes (0–1). */
    minHoax?: number;
    coordinated?: boolean;
    /** Only issues active in [from, to]: seen last at or after `from`, first at or before `to`. */
    from?: string;
    to?: string;
    size?: number;
    cursor?: string;
  },
): Promise<{ items: IssueDoc[]; nextCursor?: string }> {
  const filter: unknown[] = [];
  if (query.status) filter.push({ term: { status: query.status } });
  if (query.q?.trim()) {
    // Every word in the title or among the issue's keywords: "banjir jakarta" finds the issue titled
    // "Banjir rob di Jakarta Utara", and one titled "Genangan di Jakarta" whose keywords say "banjir".
    const words = query.q
      .toLowerCase()
      .split(/[^\p{L}\p{N}#@_]+/u)
      .filter(Boolean)
      .slice(0, 20);
    // A stop word ("di", "yang") the title's analyser drops matches every issue instead of none.
    for (const word of words)
      filter.push({
        bool: {
          should: [{ match: { title: { query: word, zero_terms_query: 'all' } } }, { term: { terms: word } }],
          minimum_should_match: 1,
        },
      });
  }
  if (query.minHoax !== undefined && query.minHoax > 0)
    filter.push({ range: { hoaxShare: { gte: query.minHoax } } });
  if (query.coordinated !== undefined) filter.push({ term: { coordinated: query.coordinated } });
  if (query.from) filter.push({ range: { lastSeen: { gte: query.from } } });
  if (query.to) filter.push({ range: { firstSeen: { lte: query.to } } });
  if (query.source) filter.push({ term: { 'sources.source': query.source } });
  if (query.topic) filter.push({ term: { 'topics.id': query.topic } });
  // A province or city the issue's posts name (a city's issues are also its province's).
  if (query.region) filter.push({ term: { 'regions.id': query.region } });
  const sort = [{ lastSeen: 'desc' }, { id: 'asc' }];
  const size = Math.min(query.size ?? 20, 200);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 'ns');
  try {
    const res = await client.search({
      index: names.of('issues'),
      body: {
        size,
        query: filter.length ? { bool: { filter } } : { match_all: {} },
        sort,
        ...(after ? { search_after: after } : {}),
      } as never,
    });
    const hits = res.body.hits.hits;
    return { items: hits.map((h) => h._source as IssueDoc), ...nextCursorOf(hits, size) };
  } catch (err) {
    throw storeError(err, 'listing issues');
  }
}

/** An issue beside another, and what they share. */
export interface RelatedIssue {
  issue: IssueDoc;
  /** Keywords both issues have. */
  sharedTerms: string[];
  /** Fact-checks the posts of both restate (ids). */
  sharedFactChecks: string[];
}

/** How far apart in time two issues may be and still be offered as related. */
const RELATED_WITHIN_MS = 7 * 24 * 3600_000;

/**
 * Issues told around the same things as this one, within a week of it: at least two of its keywords,
 * or a fact-check the posts of both restate. Scored by OpenSearch (a rare shared keyword counts more
 * than a common one, a title in the same words adds), best first. The issue engine never merges issues
 * (packages/issues/README.md): an analyst sees here the other wordings of a story and the stories
 * around the same people and places — on the 2019 election stream a quarter of such pairs were one
 * labelled topic, the rest neighbouring ones.
 */
export async function relatedIssues(
  client: SearchClient,
  names: IndexNames,
  issue: IssueDoc,
  size = 5,
): Promise<RelatedIssue[]> {
  const terms = issue.terms.slice(0, 20);
  const factChecks = (issue.factChecks ?? []).map((f) => f.id);
  if (terms.length < 2 && factChecks.length === 0) return [];
  const from = new Date(Date.parse(issue.firstSeen) - RELATED_WITHIN_MS).toISOString();
  const to = new Date(Date.parse(issue.lastSeen) + RELATED_WITHIN_MS).toISOString();
  try {
    const res = await client.search({
      index: names.of('issues'),
      body: {
        // More than asked: the rule of two shared keywords is checked on the hits.
        size: Math.min(size * 4, 100),
        // The detector's working state and the timeline are no part of a list.
        _source: { excludes: ['state', 'timeline'] },
        query: {
          bool: {
            must_not: [{ ids: { values: [issue.id] } }],
            filter: [{ range: { lastSeen: { gte: from } } }, { range: { firstSeen: { lte: to } } }],
            should: [
              ...terms.map((t) => ({ term: { terms: t } })),
              { match: { title: { query: issue.title } } },
              ...(factChecks.length ? [{ terms: { 'factChecks.id': factChecks, boost: 3 } }] : []),
            ],
            minimum_should_match: 1,
          },
        },
      } as never,
    });
    const mine = new Set(terms);
    const checks = new Set(factChecks);
    return (res.body.hits.hits as { _source: IssueDoc }[])
      .map(({ _source: other }) => ({
        issue: other,
        sharedTerms: other.terms.filter((t) => mine.has(t)),
        sharedFactChecks: (other.factChecks ?? []).map((f) => f.id).filter((id) => checks.has(id)),
      }))
      .filter((r) => r.sharedTerms.length >= 2 || r.sharedFactChecks.length > 0)
      .slice(0, size);
  } catch (err) {
    throw storeError(err, `finding issues related to ${issue.id}`);
  }
}

/** What the issue assigner re-learns from an indexed post. */
export interface AssignedPostHit {
  id: string;
  publishedAt: string;
  terms: string[];
  hashtags: string[];
  mentions: string[];
  urls?: string[];
  signature: string[];
  issueId: string;
  issueTitle?: string;
  text?: string;
}

const ASSIGNED_POST_FIELDS = [
  'text',
  'id',
  'publishedAt',
  'terms',
  'hashtags',
  'mentions',
  'urls',
  'signature',
  'issueId',
  'issueTitle',
];

/** Posts by id with what the issue assigner re-learns of them (missing ones are left out). */
export async function getAssignedPosts(
  client: SearchClient,
  names: IndexNames,
  ids: string[],
): Promise<AssignedPostHit[]> {
  const byId = await postsByIds<AssignedPostHit>(
    client,
    names,
    ids,
    ASSIGNED_POST_FIELDS,
    'reading posts to restore',
  );
  return [...byId.values()];
}

/**
 * Posts published since `since`, oldest first, page by page (search_after), at most `max`: a newly
 * started or promoted issue assigner replays them to rebuild its issues. When the window holds more
 * than `max`, the newest `max` are replayed (the scan starts at the publication time that many posts
 * back, estimated by a percentile), not the oldest: the live stories are the recent ones.
 */
export async function scanRecentPosts(
  client: SearchClient,
  names: IndexNames,
  since: string,
  onPage: (posts: AssignedPostHit[]) => void,
  max = 500_000,
): Promise<number> {
  let after: unknown[] | undefined;
  let seen = 0;
  try {
    const counted = await client.count({
      index: names.posts,
      ignore_unavailable: true,
      allow_no_indices: true,
      body: { query: { range: { publishedAt: { gte: since } } } },
    } as never);
    const total = (counted.body as { count?: number }).count ?? 0;
    if (total > max) {
      const res = await client.search({
        index: names.posts,
        ignore_unavailable: true,
        allow_no_indices: true,
        body: {
          size: 0,
          query: { range: { publishedAt: { gte: since } } },
          aggs: { cut: { percentiles: { field: 'publishedAt', percents: [100 * (1 - max / total)] } } },
        },
      } as never);
      const values = (res.body.aggregations as { cut?: { values?: Record<string, number | null> } })?.cut
        ?.values;
      const cut = values ? Object.values(values)[0] : undefined;
      if (typeof cut === 'number' && Number.isFinite(cut) && cut > Date.parse(since))
        since = new Date(cut).toISOString();
    }
    while (seen < max) {
      const res = await client.search({
        index: names.posts,
        ignore_unavailable: true,
        allow_no_indices: true,
        body: {
          size: Math.min(5_000, max - seen),
          query: { range: { publishedAt: { gte: since } } },
          sort: [{ publishedAt: 'asc' }, { id: 'asc' }],
          _source: ASSIGNED_POST_FIELDS,
          ...(after ? { search_after: after } : {}),
        } as never,
      });
      const hits = res.body.hits.hits;
      if (hits.length === 0) break;
      onPage(hits.map((h) => h._source as AssignedPostHit));
      seen += hits.length;
      after = hits[hits.length - 1]!.sort as unknown[];
    }
    return seen;
  } catch (err) {
    throw storeError(err, 'scanning recent posts');
  }
}

/** What a restarted issue assigner needs of an issue whose posts it did not replay. */
export interface RecentIssueHit {
  id: string;
  title?: string;
  count?: number;
  firstSeen?: string;
  lastSeen?: string;
  /** The issue's first posts. */
  samplePostIds?: string[];
  /** The detector's keyword counts (absent on documents written before it kept them). */
  state?: { termCounts?: [string, number][] };
}

/**
 * Issues last seen in [since, until], most recently seen first, page by page (only the fields a
 * restarted issue assigner needs: the detector's working state holds up to 1,000 account hashes an
 * issue, which this does not read). `onPage` answers false to stop.
 */
export async function scanRecentIssues(
  client: SearchClient,
  names: IndexNames,
  since: string,
  until: string,
  onPage: (issues: RecentIssueHit[]) => boolean | void | Promise<boolean | void>,
): Promise<number> {
  let seen = 0;
  try {
    for await (const page of scanPages<RecentIssueHit>(client, {
      index: names.of('issues'),
      query: { range: { lastSeen: { gte: since, lte: until } } },
      sort: [{ lastSeen: 'desc' }],
      source: ['id', 'title', 'count', 'firstSeen', 'lastSeen', 'samplePostIds', 'state.termCounts'],
      pageSize: 2_000,
      ignoreUnavailable: true,
    })) {
      seen += page.length;
      if ((await onPage(page.map((h) => ({ ...h.source, id: h.source.id ?? h.id })))) === false) break;
    }
    return seen;
  } catch (err) {
    throw storeError(err, 'scanning recent issues');
  }
}

/**
 * The reports of one kind of source (the tipline's) in an issue, grouped by source: the sourceIds of
 * each source's posts, so the people who reported can be answered. At most `max` of them.
 */
export async function reportsInIssue(
  client: SearchClient,
  names: IndexNames,
  issueId: string,
  sourceKind: string,
  max = 10_000,
): Promise<Map<string, string[]>> {
  try {
    const res = await client.search({
      index: names.posts,
      ignore_unavailable: true,
      allow_no_indices: true,
      body: {
        size: max,
        query: { bool: { filter: [{ term: { issueId } }, { term: { sourceKind } }] } },
        _source: ['source', 'sourceId'],
      },
    } as never);
    const bySource = new Map<string, string[]>();
    for (const hit of res.body.hits.hits as { _source?: { source?: string; sourceId?: string } }[]) {
      const { source, sourceId } = hit._source ?? {};
      if (!source || !sourceId) continue;
      bySource.set(source, [...(bySource.get(source) ?? []), sourceId]);
    }
    return bySource;
  } catch (err) {
    throw storeError(err, 'reading reports in an issue');
  }
}
