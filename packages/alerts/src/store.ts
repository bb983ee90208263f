import {
  decodeCursor,
  getPostsByIds,
  nextCursorOf,
  searchAll,
  type IndexNames,
  type SearchClient,
  storeError,
} from '@pantau/store';
import type { WatchlistRule } from './rules';
import type {
  AlertDoc,
  AlertPost,
  AlertWatchlist,
  Clarification,
  DeliveryRecord,
  SubscriptionDoc,
} from './types';

/**
 * OpenSearch access for alerts, subscriptions and watchlists as the alert engine and the delivery
 * worker need them. Agency scoping is the caller's job (every query here takes the agency id).
 */
export interface StoredAlert {
  doc: AlertDoc;
  seqNo: number;
  primaryTerm: number;
}

export interface WatchlistOwner extends AlertWatchlist {
  agencyId: string;
  /** Absent = the default, `[{type: 'rising'}]`. */
  rules?: WatchlistRule[];
}

export interface AlertStore {
  getAlert(id: string): Promise<StoredAlert | null>;
  /** Creates the alert; false when it already exists (someone else decided first). */
  createAlert(doc: AlertDoc): Promise<boolean>;
  /** Replaces the alert if nobody changed it since it was read; false on a concurrent change. */
  replaceAlert(doc: AlertDoc, seen: Pick<StoredAlert, 'seqNo' | 'primaryTerm'>): Promise<boolean>;
  /** Sets the outcome of one delivery (matched by subscription, version and clarification). */
  recordDelivery(alertId: string, delivery: DeliveryRecord): Promise<void>;
  /** The agency's alerts, latest change first; a full page carries `nextCursor` for the next. */
  listAlerts(
    agencyId: string,
    size?: number,
    cursor?: string,
  ): Promise<{ items: AlertDoc[]; nextCursor?: string }>;
  watchlistOwners(watchlistIds: string[]): Promise<WatchlistOwner[]>;
  /** Agencies with at least one of these topics of interest, and their topics. */
  agenciesByTopics(topicIds: string[]): Promise<{ id: string; topics: string[] }[]>;
  subscriptionsOf(agencyId: string): Promise<SubscriptionDoc[]>;
  getSubscription(id: string): Promise<SubscriptionDoc | null>;
  postsByIds(ids: string[]): Promise<AlertPost[]>;
  /** Every agency's alert on one issue (clarifications go to all of them). */
  alertsOnIssue(issueId: string): Promise<StoredAlert[]>;
  /** The same for several issues in one request (a batch of issue events): every issue asked for, [] when none. */
  alertsOnIssues(issueIds: string[]): Promise<Map<string, StoredAlert[]>>;
  putClarification(doc: Clarification): Promise<void>;
  /** The issue's clarifications, newest first. */
  clarificationsOf(issueId: string): Promise<Clarification[]>;
}

const isConflict = (err: unknown) => (err as { meta?: { statusCode?: number } }).meta?.statusCode === 409;

/** The posts an alert shows, by id (the query itself lives in the store). */
export async function fetchPostsByIds(
  client: SearchClient,
  names: IndexNames,
  ids: string[],
): Promise<AlertPost[]> {
  return getPostsByIds(client, names, ids);
}

export function createAlertStore(client: SearchClient, names: IndexNames): AlertStore {
  const alerts = names.of('alerts');
  /** Every agency's alert on each of these issues, in one request ([] for an issue without alerts). */
  async function alertsOnIssues(issueIds: string[]): Promise<Map<string, StoredAlert[]>> {
    const byIssue = new Map<string, StoredAlert[]>(issueIds.map((id) => [id, []]));
    if (issueIds.length === 0) return byIssue;
    try {
      // One alert per agency and issue: usually one page, however many agencies and events.
      const hits = await searchAll<AlertDoc>(client, {
        index: alerts,
        query: { terms: { issueId: issueIds } },
        seqNoPrimaryTerm: true,
      });
      for (const h of hits)
        byIssue
          .get(h.source.issueId)
          ?.push({ doc: h.source, seqNo: h.seqNo ?? 0, primaryTerm: h.primaryTerm ?? 1 });
      return byIssue;
    } catch (err) {
      throw storeError(err, `reading alerts on ${issueIds.length} issue(s)`);
    }
  }
  return {
    async getAlert(id) {
      try {
        const res = await client.get({ index: alerts, id }, { ignore: [404] });
        const body = res.body as {
          found?: boolean;
          _source?: AlertDoc;
          _seq_no?: number;
          _primary_term?: number;
        };
        if (!body.found || !body._source) return null;
        return { doc: body._source, seqNo: body._seq_no ?? 0, primaryTerm: body._primary_term ?? 1 };
      } catch (err) {
        throw storeError(err, `reading alert ${id}`);
      }
    },
    async createAlert(doc) {
      try {
        await client.index({
          index: alerts,
          id: doc.id,
          body: doc as never,
          op_type: 'create',
          refresh: 'wait_for',
        });
        return true;
      } catch (err) {
        if (isConflict(err)) return false;
        throw storeError(err, `creating alert ${doc.id}`);
      }
    },
    async replaceAlert(doc, seen) {
      try {
        await client.index({
          index: alerts,
          id: doc.id,
          body: doc as never,
          if_seq_no: seen.seqNo,
          if_primary_term: seen.primaryTerm,
          refresh: 'wait_for',
        });
        return true;
      } catch (err) {
        if (isConflict(err)) return false;
        throw storeError(err, `updating alert ${doc.id}`);
      }
    },
    async recordDelivery(alertId, delivery) {
      try {
        await client.update({
          index: alerts,
          id: alertId,
          retry_on_conflict: 10,
          // No refresh wait: readers get the alert by id (real time); searches see it within a second.
          body: {
            script: {
              lang: 'painless',
              source: `
                if (ctx._source.deliveries == null) { ctx._source.deliveries = []; }
                boolean found = false;
                for (def d : ctx._source.deliveries) {
                  if (d.subscriptionId == params.d.subscriptionId && d.version == params.d.version
                      && d.clarificationId == params.d.clarificationId) {
                    d.clear(); d.putAll(params.d); found = true;
                  }
                }
                if (!found) { ctx._source.deliveries.add(params.d); }`,
              params: { d: delivery },
            },
          } as never,
        });
      } catch (err) {
        throw storeError(err, `recording delivery of alert ${alertId}`);
      }
    },
    async listAlerts(agencyId, size = 50, cursor) {
      const pageSize = Math.min(size, 200);
      // The id breaks ties, so pages neither repeat nor skip an alert updated in the same millisecond.
      const after = cursor === undefined ? undefined : decodeCursor(cursor, 'ns');
      try {
        const res = await client.search({
          index: alerts,
          body: {
            size: pageSize,
            query: { term: { agencyId } },
            sort: [{ updatedAt: 'desc' }, { id: 'asc' }],
            ...(after ? { search_after: after } : {}),
          } as never,
        });
        const hits = res.body.hits.hits;
        return { items: hits.map((h) => h._source as AlertDoc), ...nextCursorOf(hits, pageSize) };
      } catch (err) {
        throw storeError(err, 'listing alerts');
      }
    },
    async watchlistOwners(watchlistIds) {
      if (watchlistIds.length === 0) return [];
      try {
        const res = await client.search({
          index: names.of('watchlists'),
          body: {
            size: watchlistIds.length,
            query: { ids: { values: watchlistIds } },
            _source: ['id', 'agencyId', 'name', 'rules'],
          } as never,
        });
        return res.body.hits.hits.map((h) => h._source as WatchlistOwner);
      } catch (err) {
        throw storeError(err, 'reading watchlists');
      }
    },
    async agenciesByTopics(topicIds) {
      if (topicIds.length === 0) return [];
      try {
        const hits = await searchAll<{ id: string; topics: string[] }>(client, {
          index: names.of('agencies'),
          query: { terms: { topics: topicIds } },
          source: ['id', 'topics'],
        });
        return hits.map((h) => h.source);
      } catch (err) {
        throw storeError(err, 'reading agencies by topic');
      }
    },
    async subscriptionsOf(agencyId) {
      try {
        const res = await client.search({
          index: names.of('subscriptions'),
          body: { size: 100, query: { term: { agencyId } }, sort: [{ createdAt: 'asc' }] } as never,
        });
        return res.body.hits.hits.map((h) => h._source as SubscriptionDoc);
      } catch (err) {
        throw storeError(err, 'reading subscriptions');
      }
    },
    async getSubscription(id) {
      try {
        const res = await client.get({ index: names.of('subscriptions'), id }, { ignore: [404] });
        const body = res.body as { found?: boolean; _source?: SubscriptionDoc };
        return body.found && body._source ? body._source : null;
      } catch (err) {
        throw storeError(err, `reading subscription ${id}`);
      }
    },
    postsByIds: (ids) => fetchPostsByIds(client, names, ids),
    alertsOnIssue: async (issueId) => (await alertsOnIssues([issueId])).get(issueId) ?? [],
    alertsOnIssues,
    async putClarification(doc) {
      try {
        await client.index({
          index: names.of('clarifications'),
          id: doc.id,
          body: doc as never,
          op_type: 'create',
          // Rare writes that must be visible at once (the issue shows it, the next alert carries it).
          refresh: 'true',
        });
      } catch (err) {
        throw storeError(err, 'writing clarification');
      }
    },
    async clarificationsOf(issueId) {
      try {
        const res = await client.search({
          index: names.of('clarifications'),
          // An index made before clarifications existed is created at the next start; until then: none.
          ignore_unavailable: true,
          body: { size: 50, query: { term: { issueId } }, sort: [{ createdAt: 'desc' }] } as never,
        });
        return res.body.hits.hits.map((h) => h._source as Clarification);
      } catch (err) {
        throw storeError(err, `reading clarifications of issue ${issueId}`);
      }
    },
  };
}
