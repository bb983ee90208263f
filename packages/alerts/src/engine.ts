import { sha256Hex, systemClock, toPantauError, type Clock, type IssueEvent } from '@pantau/core';
import type { BatchResult, Decoded } from '@pantau/bus';
import type { Logger } from 'pino';
import type { AlertStore, WatchlistOwner } from './store';
import { risingSummary } from './text';
import type {
  AlertDoc,
  AlertIssue,
  AlertPayload,
  AlertPost,
  DeliveryJob,
  DeliveryRecord,
  SubscriptionDoc,
} from './types';

/**
 * Turns issue events into alerts. An alert is a decision — "agency A should know about issue X now" —
 * recorded in OpenSearch before any delivery is enqueued. One alert per (agency, issue), its id derived
 * from both, so a repeated event creates nothing new; within the cooldown nothing is delivered again;
 * after it, an issue that kept rising is an update (version + 1) under the same id.
 */
export interface DeliveryEnqueuer {
  enqueue(jobs: DeliveryJob[]): Promise<void>;
}

export interface AlertEngineOptions {
  store: AlertStore;
  queue: DeliveryEnqueuer;
  logger: Logger;
  clock?: Clock;
  cooldownMs?: number;
  /** Sample posts carried in an alert. */
  maxPosts?: number;
}

export type AlertAction = 'created' | 'escalated' | 'suppressed';

export interface AlertDecision {
  agencyId: string;
  alertId: string;
  action: AlertAction;
  version: number;
  deliveries: number;
}

export function alertIdFor(agencyId: string, issueId: string): string {
  return `al_${sha256Hex(`${agencyId}|${issueId}`).slice(0, 24)}`;
}

export function toAlertIssue(event: IssueEvent): AlertIssue {
  return {
    id: event.issueId,
    title: event.title,
    terms: event.terms,
    status: event.type,
    windowMs: event.windowMs,
    windowCount: event.windowCount,
    total: event.total,
    baseline: event.baseline,
    score: event.score,
    growth: event.growth,
    hoaxShare: event.hoaxShare,
    distinctAuthors: event.distinctAuthors,
    coordinated: event.coordinated,
    ...(event.topics?.length ? { topics: event.topics } : {}),
    firstSeen: event.firstSeen,
    lastSeen: event.lastSeen,
  };
}

export function toPayload(doc: AlertDoc): AlertPayload {
  const [first] = doc.watchlists;
  return {
    alert: {
      id: doc.id,
      version: doc.version,
      kind: doc.kind,
      issue: doc.issue,
      ...(first ? { watchlist: first } : {}),
      watchlists: doc.watchlists,
      ...(doc.topics?.length ? { topics: doc.topics } : {}),
      posts: doc.posts,
      summary: doc.summary,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
    },
  };
}

function jobsFor(doc: AlertDoc, deliveries: DeliveryRecord[]): DeliveryJob[] {
  const payload = toPayload(doc);
  return deliveries.map((d) => ({
    alertId: doc.id,
    version: d.version,
    subscriptionId: d.subscriptionId,
    channel: d.channel,
    payload,
  }));
}

export class AlertEngine {
  private readonly clock: Clock;
  private readonly cooldownMs: number;
  private readonly maxPosts: number;
  private readonly logger: Logger;

  constructor(private readonly options: AlertEngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.cooldownMs = options.cooldownMs ?? 30 * 60_000;
    this.maxPosts = options.maxPosts ?? 5;
    this.logger = options.logger.child({ component: 'alert-engine' });
  }

  async handleIssueEvent(event: IssueEvent): Promise<AlertDecision[]> {
    const issueTopics = (event.topics ?? []).map((t) => t.id);
    if (event.type !== 'rising' || (event.watchlistIds.length === 0 && issueTopics.length === 0)) return [];
    const owners =
      event.watchlistIds.length > 0
        ? await this.options.store.watchlistOwners([...new Set(event.watchlistIds)])
        : [];
    const byAgency = new Map<string, WatchlistOwner[]>();
    for (const w of owners) byAgency.set(w.agencyId, [...(byAgency.get(w.agencyId) ?? []), w]);
    // Agencies whose topics of interest the issue is about get it too, without any keyword watchlist.
    const topicsByAgency = new Map<string, string[]>();
    for (const agency of await this.options.store.agenciesByTopics(issueTopics)) {
      topicsByAgency.set(
        agency.id,
        issueTopics.filter((t) => agency.topics.includes(t)),
      );
      if (!byAgency.has(agency.id)) byAgency.set(agency.id, []);
    }
    const decisions: AlertDecision[] = [];
    for (const [agencyId, watchlists] of byAgency) {
      decisions.push(await this.decide(agencyId, watchlists, event, topicsByAgency.get(agencyId) ?? []));
    }
    for (const d of decisions) this.logger.info({ ...d, issueId: event.issueId }, `alert ${d.action}`);
    return decisions;
  }

  private async samplePosts(event: IssueEvent): Promise<AlertPost[]> {
    const ids = event.samplePostIds.slice(0, this.maxPosts);
    const found = new Map((await this.options.store.postsByIds(ids)).map((p) => [p.id, p]));
    return ids.map((id) => found.get(id) ?? { id });
  }

  private pending(subs: SubscriptionDoc[], version: number, at: string): DeliveryRecord[] {
    return subs.map((s) => ({
      subscriptionId: s.id,
      channel: s.channel,
      version,
      status: 'pending',
      attempts: 0,
      updatedAt: at,
    }));
  }

  private async decide(
    agencyId: string,
    owned: WatchlistOwner[],
    event: IssueEvent,
    topics: string[] = [],
  ): Promise<AlertDecision> {
    const { store, queue } = this.options;
    const id = alertIdFor(agencyId, event.issueId);
    const watchlists = owned.map((w) => ({ id: w.id, name: w.name }));
    // A concurrent decision on the same alert (another api process) makes us read again and decide anew.
    for (let round = 0; round < 5; round += 1) {
      const existing = await store.getAlert(id);
      const now = this.clock.now();
      const at = new Date(now).toISOString();

      if (!existing) {
        const issue = toAlertIssue(event);
        const subs = await store.subscriptionsOf(agencyId);
        const deliveries = this.pending(subs, 1, at);
        const doc: AlertDoc = {
          id,
          agencyId,
          issueId: event.issueId,
          kind: 'issue_rising',
          version: 1,
          watchlistIds: watchlists.map((w) => w.id),
          watchlists,
          ...(topics.length ? { topics } : {}),
          issue,
          posts: await this.samplePosts(event),
          summary: risingSummary(issue, 1, topics),
          createdAt: at,
          updatedAt: at,
          versionAt: at,
          deliveries,
        };
        if (!(await store.createAlert(doc))) continue;
        await queue.enqueue(jobsFor(doc, deliveries));
        return { agencyId, alertId: id, action: 'created', version: 1, deliveries: deliveries.length };
      }

      const current = existing.doc;
      const inCooldown = now - Date.parse(current.versionAt) < this.cooldownMs;
      const keptRising = event.windowCount > current.issue.windowCount || event.total > current.issue.total;
      if (inCooldown || !keptRising) {
        // Deliveries recorded but maybe never enqueued (a crash in between): enqueue again; the job id
        // makes this a no-op for those already queued.
        const stillPending = current.deliveries.filter(
          (d) => d.version === current.version && d.status === 'pending',
        );
        if (stillPending.length > 0) await queue.enqueue(jobsFor(current, stillPending));
        return { agencyId, alertId: id, action: 'suppressed', version: current.version, deliveries: 0 };
      }

      const version = current.version + 1;
      const issue = toAlertIssue(event);
      const subs = await store.subscriptionsOf(agencyId);
      const deliveries = this.pending(subs, version, at);
      const mergedWatchlists = [...current.watchlists];
      for (const w of watchlists) if (!mergedWatchlists.some((m) => m.id === w.id)) mergedWatchlists.push(w);
      const mergedTopics = [...new Set([...(current.topics ?? []), ...topics])];
      const doc: AlertDoc = {
        ...current,
        version,
        watchlists: mergedWatchlists,
        watchlistIds: mergedWatchlists.map((w) => w.id),
        ...(mergedTopics.length ? { topics: mergedTopics } : {}),
        issue,
        posts: await this.samplePosts(event),
        summary: risingSummary(issue, version, mergedTopics),
        updatedAt: at,
        versionAt: at,
        deliveries: [...current.deliveries, ...deliveries],
      };
      if (!(await store.replaceAlert(doc, existing))) continue;
      await queue.enqueue(jobsFor(doc, deliveries));
      return { agencyId, alertId: id, action: 'escalated', version, deliveries: deliveries.length };
    }
    this.logger.warn({ alertId: id }, 'alert kept changing under us; leaving it as it is');
    return { agencyId, alertId: id, action: 'suppressed', version: 0, deliveries: 0 };
  }
}

/**
 * The alert engine as a stream stage over the `issues` topic: a retriable failure (a server down)
 * retries the whole batch — decisions are idempotent, so events already handled decide nothing new —
 * while an event that can never be handled is dead-lettered alone.
 */
export function createIssueEventStage(engine: Pick<AlertEngine, 'handleIssueEvent'>) {
  return {
    async handleBatch(batch: Decoded<IssueEvent>[]): Promise<BatchResult> {
      const failed: NonNullable<BatchResult['failed']> = [];
      for (const { message, value } of batch) {
        try {
          await engine.handleIssueEvent(value);
        } catch (err) {
          const error = toPantauError(err);
          if (error.retriable) throw error;
          failed.push({ message, error });
        }
      }
      return { failed };
    },
  };
}
