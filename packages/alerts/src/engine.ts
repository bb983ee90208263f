import { systemClock, toPantauError, type Clock, type IssueEvent } from '@pantau/core';
import type { BatchResult, Decoded } from '@pantau/bus';
import type { Logger } from 'pino';
import type { AlertStore, StoredAlert, WatchlistOwner } from './store';
import type { DeliveryHolder } from './digest';
import { releaseTime } from './quiet';
import { issueEventFirings, rulesOf, type Firing } from './rules';
import type { AgencyEventLog, RuleLog } from './state';
import {
  isCritical,
  jobsFor,
  mergeFirings,
  routedSubscriptions,
  summaryFor,
  toAlertIssue,
  toPayload,
  alertIdFor,
} from './alert-doc';
import type {
  AlertDoc,
  AlertIssue,
  AlertKind,
  AlertPost,
  AlertTrigger,
  AlertWatchlist,
  DeliveryJob,
  DeliveryRecord,
} from './types';

/**
 * Turns issue events and watchlist rule firings into alerts. An alert is a decision — "agency A
 * should know about issue X now" — recorded in OpenSearch before any delivery is enqueued. One alert per (agency, issue), its id derived
 * from both, so a repeated event creates nothing new; within the cooldown nothing is delivered again;
 * after it, an issue that kept growing is an update (version + 1) under the same id — unless the
 * agency acknowledged the alert (no more follow-ups) or snoozed it (follow-ups held until then). An
 * issue that cooled and comes back no bigger than it was alerted does not alert again (no flapping).
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
  /** Holds non-critical deliveries in quiet hours / digests / snoozes (absent: everything goes at once). */
  holder?: DeliveryHolder;
  /** Each agency's live event log (GET /v1/stream). */
  events?: AgencyEventLog;
  /** The log of rule firings: a firing is acted on once (replays fire nothing new) and counted. */
  rules?: RuleLog;
}

export type AlertAction = 'created' | 'escalated' | 'suppressed';

export interface AlertDecision {
  agencyId: string;
  alertId: string;
  action: AlertAction;
  version: number;
  deliveries: number;
  /** Why a decision delivered nothing (cooldown, acknowledged, not growing). */
  why?: string;
}

/** What one decision is about: an issue, the watchlists whose rules fired, why. */
export interface AlertInput {
  issue: AlertIssue;
  samplePostIds: string[];
  watchlists: AlertWatchlist[];
  topics: string[];
  trigger: AlertTrigger;
  firings: { rule: string; watchlistId?: string }[];
  kind: AlertKind;
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

  /**
   * Firings go to the rule log after their decision is recorded (a crash in between re-decides on the
   * replay, which the alert id and cooldown make harmless); the log keeps each firing key once.
   */
  private async logFirings(firings: (Firing & { watchlistId?: string })[]): Promise<void> {
    const { rules } = this.options;
    if (!rules) return;
    for (const f of firings) if (f.watchlistId) await rules.fire(f.watchlistId, f.rule, f.key, f.at);
  }

  /**
   * The alerts on these issues, read once for a batch of events (see createIssueEventStage): each event
   * pushes its news to the agencies alerted on its issue. Empty when there is no live stream to push to.
   */
  async alertsOnIssues(issueIds: string[]): Promise<Map<string, StoredAlert[]>> {
    if (!this.options.events) return new Map();
    return this.options.store.alertsOnIssues(issueIds);
  }

  /**
   * A detector event: each watchlist touching the issue whose `rising`/`growing` rule it meets fires;
   * agencies with the issue's topics get rising issues too. One decision per agency, however many of
   * its watchlists fired. Agencies already alerted on the issue see its other lifecycle events live.
   *
   * `known`: the alerts on the batch's issues, read before it (alertsOnIssues). An issue not in it is
   * read here; an event that decides an alert takes its issue out, so the next event reads it again.
   */
  async handleIssueEvent(event: IssueEvent, known?: Map<string, StoredAlert[]>): Promise<AlertDecision[]> {
    const issueTopics = event.type === 'rising' ? (event.topics ?? []).map((t) => t.id) : [];
    const owners =
      event.watchlistIds.length > 0
        ? await this.options.store.watchlistOwners([...new Set(event.watchlistIds)])
        : [];
    const byAgency = new Map<
      string,
      { watchlists: WatchlistOwner[]; firings: (Firing & { watchlistId?: string; watchlistName?: string })[] }
    >();
    for (const w of owners) {
      for (const f of issueEventFirings(rulesOf(w), event)) {
        const entry = byAgency.get(w.agencyId) ?? { watchlists: [], firings: [] };
        if (!entry.watchlists.some((x) => x.id === w.id)) entry.watchlists.push(w);
        entry.firings.push({ ...f, watchlistId: w.id, watchlistName: w.name });
        byAgency.set(w.agencyId, entry);
      }
    }
    // Agencies whose topics of interest the issue is about get it too, without any keyword watchlist.
    const topicsByAgency = new Map<string, string[]>();
    for (const agency of await this.options.store.agenciesByTopics(issueTopics)) {
      topicsByAgency.set(
        agency.id,
        issueTopics.filter((t) => agency.topics.includes(t)),
      );
      if (!byAgency.has(agency.id)) {
        const [f] = issueEventFirings([{ type: 'rising' }], event);
        byAgency.set(agency.id, { watchlists: [], firings: f ? [f] : [] });
      }
    }
    const decisions: AlertDecision[] = [];
    const issue = toAlertIssue(event);
    for (const [agencyId, { watchlists, firings }] of byAgency) {
      const [first] = firings;
      if (!first) continue;
      decisions.push(
        await this.decide(agencyId, {
          issue,
          samplePostIds: event.samplePostIds,
          watchlists: watchlists.map((w) => ({ id: w.id, name: w.name })),
          topics: topicsByAgency.get(agencyId) ?? [],
          trigger: {
            rule: first.rule,
            ...(first.watchlistId
              ? { watchlistId: first.watchlistId, watchlistName: first.watchlistName }
              : {}),
            reason: first.reason,
            at: event.at,
          },
          firings: firings.map((f) => ({
            rule: f.rule,
            ...(f.watchlistId ? { watchlistId: f.watchlistId } : {}),
          })),
          kind: event.type === 'rising' ? 'issue_rising' : 'watchlist_rule',
        }),
      );
      await this.logFirings(firings);
    }
    await this.publishIssueUpdate(event, new Set(byAgency.keys()), known);
    if (decisions.length > 0) known?.delete(event.issueId);
    for (const d of decisions) this.logger.info({ ...d, issueId: event.issueId }, `alert ${d.action}`);
    return decisions;
  }

  /** Lifecycle news of an issue goes to the live stream of every agency alerted on it. */
  private async publishIssueUpdate(
    event: IssueEvent,
    decided: Set<string>,
    known?: Map<string, StoredAlert[]>,
  ): Promise<void> {
    const { events, store } = this.options;
    if (!events) return;
    const alerts = known?.get(event.issueId) ?? (await store.alertsOnIssue(event.issueId));
    for (const alert of alerts) {
      if (decided.has(alert.doc.agencyId)) continue;
      await events.publish(alert.doc.agencyId, 'issue', {
        alertId: alert.doc.id,
        issue: toAlertIssue(event),
        reason: { id: event.reasonId ?? '', en: event.reason ?? '' },
      });
    }
  }

  /**
   * Post-level rules of one watchlist fired on one matching post (the rule stage calls this). The
   * issue is the post's; its current document gives the counts (a brand-new issue may have none yet).
   */
  async handlePostFirings(
    watchlist: WatchlistOwner,
    issue: AlertIssue,
    samplePostIds: string[],
    firings: Firing[],
  ): Promise<AlertDecision | null> {
    const fresh = firings;
    const [first] = fresh;
    if (!first) return null;
    const decision = await this.decide(watchlist.agencyId, {
      issue,
      samplePostIds,
      watchlists: [{ id: watchlist.id, name: watchlist.name }],
      topics: [],
      trigger: {
        rule: first.rule,
        watchlistId: watchlist.id,
        watchlistName: watchlist.name,
        reason: first.reason,
        at: new Date(this.clock.now()).toISOString(),
      },
      firings: fresh.map((f) => ({ rule: f.rule, watchlistId: watchlist.id })),
      kind: 'watchlist_rule',
    });
    await this.logFirings(fresh.map((f) => ({ ...f, watchlistId: watchlist.id })));
    this.logger.info({ ...decision, issueId: issue.id, rule: first.rule }, `alert ${decision.action}`);
    return decision;
  }

  private async samplePosts(ids: string[]): Promise<AlertPost[]> {
    const wanted = ids.slice(0, this.maxPosts);
    const found = new Map((await this.options.store.postsByIds(wanted)).map((p) => [p.id, p]));
    return wanted.map((id) => found.get(id) ?? { id });
  }

  /**
   * Deliveries of one alert version: routed subscriptions only; non-critical ones held in quiet
   * hours or for a digest, all held while the alert is snoozed.
   */
  private async plan(
    doc: AlertDoc,
    version: number,
    at: string,
  ): Promise<{ records: DeliveryRecord[]; hold: [DeliveryRecord, number][] }> {
    const now = this.clock.now();
    const subs = routedSubscriptions(await this.options.store.subscriptionsOf(doc.agencyId), doc);
    const snoozed =
      doc.snoozedUntil && Date.parse(doc.snoozedUntil) > now ? Date.parse(doc.snoozedUntil) : undefined;
    const records: DeliveryRecord[] = [];
    const hold: [DeliveryRecord, number][] = [];
    for (const s of subs) {
      const release = this.options.holder
        ? (snoozed ?? (doc.critical ? undefined : releaseTime(s, now)))
        : undefined;
      const record: DeliveryRecord = {
        subscriptionId: s.id,
        channel: s.channel,
        version,
        status: release ? 'held' : 'pending',
        attempts: 0,
        updatedAt: at,
        ...(release ? { heldUntil: new Date(release).toISOString() } : {}),
      };
      records.push(record);
      if (release) hold.push([record, release]);
    }
    return { records, hold };
  }

  private async send(
    doc: AlertDoc,
    records: DeliveryRecord[],
    hold: [DeliveryRecord, number][],
  ): Promise<void> {
    await this.options.queue.enqueue(
      jobsFor(
        doc,
        records.filter((r) => r.status === 'pending'),
      ),
    );
    for (const [record, release] of hold) {
      const [job] = jobsFor(doc, [record]);
      await this.options.holder!.hold(job!, release);
    }
    await this.options.events?.publish(doc.agencyId, 'alert', toPayload(doc).alert);
  }

  private async decide(agencyId: string, input: AlertInput): Promise<AlertDecision> {
    const { store, queue } = this.options;
    const id = alertIdFor(agencyId, input.issue.id);
    // A concurrent decision on the same alert (another api process) makes us read again and decide anew.
    for (let round = 0; round < 5; round += 1) {
      const existing = await store.getAlert(id);
      const now = this.clock.now();
      const at = new Date(now).toISOString();

      if (!existing) {
        const clarifications = await store.clarificationsOf(input.issue.id);
        const draft: AlertDoc = {
          id,
          agencyId,
          issueId: input.issue.id,
          kind: input.kind,
          version: 1,
          watchlistIds: input.watchlists.map((w) => w.id),
          watchlists: input.watchlists,
          ...(input.topics.length ? { topics: input.topics } : {}),
          issue: input.issue,
          posts: await this.samplePosts(input.samplePostIds),
          summary: { id: '', en: '' },
          createdAt: at,
          updatedAt: at,
          versionAt: at,
          deliveries: [],
          trigger: input.trigger,
          firings: mergeFirings([], input.firings, at),
          ...(clarifications.length ? { clarifications, clarified: true } : {}),
          ...(isCritical(input) ? { critical: true } : {}),
        };
        draft.summary = summaryFor(draft);
        const { records, hold } = await this.plan(draft, 1, at);
        const doc = { ...draft, deliveries: records };
        if (!(await store.createAlert(doc))) continue;
        await this.send(doc, records, hold);
        return { agencyId, alertId: id, action: 'created', version: 1, deliveries: records.length };
      }

      const current = existing.doc;
      const inCooldown = now - Date.parse(current.versionAt) < this.cooldownMs;
      const grew =
        input.issue.windowCount > current.issue.windowCount || input.issue.total > current.issue.total;
      const why = current.ackedAt
        ? 'acknowledged'
        : inCooldown
          ? 'cooldown'
          : !grew
            ? 'not growing'
            : undefined;
      if (why) {
        // Deliveries recorded but maybe never enqueued (a crash in between): enqueue again; the job id
        // makes this a no-op for those already queued.
        const stillPending = current.deliveries.filter(
          (d) => d.version === current.version && d.status === 'pending' && !d.clarificationId,
        );
        if (stillPending.length > 0) await queue.enqueue(jobsFor(current, stillPending));
        return { agencyId, alertId: id, action: 'suppressed', version: current.version, deliveries: 0, why };
      }

      const version = current.version + 1;
      // Escalation: the issue's window at least doubled since the last version went out.
      const escalation =
        input.issue.status === 'rising' && input.issue.windowCount >= 2 * current.issue.windowCount;
      const mergedWatchlists = [...current.watchlists];
      for (const w of input.watchlists)
        if (!mergedWatchlists.some((m) => m.id === w.id)) mergedWatchlists.push(w);
      const mergedTopics = [...new Set([...(current.topics ?? []), ...input.topics])];
      const draft: AlertDoc = {
        ...current,
        version,
        kind: current.kind === 'issue_rising' || input.kind === 'issue_rising' ? 'issue_rising' : input.kind,
        watchlists: mergedWatchlists,
        watchlistIds: mergedWatchlists.map((w) => w.id),
        ...(mergedTopics.length ? { topics: mergedTopics } : {}),
        issue: input.issue,
        posts: await this.samplePosts(input.samplePostIds),
        updatedAt: at,
        versionAt: at,
        trigger: input.trigger,
        firings: mergeFirings(current.firings, input.firings, at),
        ...(isCritical(input, escalation) || current.critical ? { critical: true } : {}),
      };
      draft.summary = summaryFor(draft, escalation);
      const { records, hold } = await this.plan(draft, version, at);
      const doc = { ...draft, deliveries: [...current.deliveries, ...records] };
      if (!(await store.replaceAlert(doc, existing))) continue;
      await this.send(doc, records, hold);
      return { agencyId, alertId: id, action: 'escalated', version, deliveries: records.length };
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
export function createIssueEventStage(engine: Pick<AlertEngine, 'handleIssueEvent' | 'alertsOnIssues'>) {
  return {
    async handleBatch(batch: Decoded<IssueEvent>[]): Promise<BatchResult> {
      const failed: NonNullable<BatchResult['failed']> = [];
      // One read of the alerts on the batch's issues instead of one per event: the detector's tick can
      // cool hundreds of quiet issues at once, and each OpenSearch request costs the API ~0.5 ms of CPU.
      const known = await engine.alertsOnIssues([...new Set(batch.map((b) => b.value.issueId))]);
      for (const { message, value } of batch) {
        try {
          await engine.handleIssueEvent(value, known);
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
