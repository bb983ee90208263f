import { systemClock, type Clock } from '@pantau/core';
import type { Logger } from 'pino';
import { routedSubscriptions, summaryFor, toPayload } from './alert-doc';
import type { DeliveryEnqueuer } from './engine';
import type { AgencyEventLog } from './state';
import type { AlertStore, StoredAlert } from './store';
import type { Clarification, DeliveryJob, DeliveryRecord } from './types';

/**
 * Narasi tunggal: one agency's official clarification of an issue, stored with the issue and pushed
 * AT ONCE (no quiet hours, no digest: the point is one voice, early) to every agency alerted on that
 * issue, each through its own subscriptions. Every alert on the issue carries it from now on and says
 * the issue is already clarified.
 */
export interface ClarificationDeps {
  store: AlertStore;
  queue: DeliveryEnqueuer;
  logger: Logger;
  events?: AgencyEventLog;
  clock?: Clock;
}

export interface ClarificationOutcome {
  /** Alerts (one per agency) the clarification was attached to. */
  alerts: number;
  /** Deliveries enqueued (one per subscription of those agencies). */
  deliveries: number;
}

export async function publishClarification(
  deps: ClarificationDeps,
  clarification: Clarification,
): Promise<ClarificationOutcome> {
  const { store, queue, events } = deps;
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger.child({ component: 'clarifications' });
  await store.putClarification(clarification);
  let alerts = 0;
  let deliveries = 0;
  const notified = new Set<string>();
  // Every alerted agency at once (each attach waits for its own index refresh).
  const attach = async (seen: StoredAlert): Promise<void> => {
    let stored: StoredAlert | null = seen;
    // Attach to the alert (retrying on a concurrent change), then push to the agency's subscriptions.
    for (let round = 0; round < 5 && stored; round += 1) {
      const current = stored.doc;
      if (current.clarifications?.some((c) => c.id === clarification.id)) break;
      const at = new Date(clock.now()).toISOString();
      const subs = routedSubscriptions(await store.subscriptionsOf(current.agencyId), current);
      const records: DeliveryRecord[] = subs.map((s) => ({
        subscriptionId: s.id,
        channel: s.channel,
        version: current.version,
        status: 'pending',
        attempts: 0,
        updatedAt: at,
        clarificationId: clarification.id,
      }));
      const clarifications = [clarification, ...(current.clarifications ?? [])];
      const doc = {
        ...current,
        clarifications,
        clarified: true,
        summary: summaryFor({ ...current, clarifications }),
        deliveries: [...current.deliveries, ...records],
      };
      if (!(await store.replaceAlert(doc, stored))) {
        stored = await store.getAlert(current.id);
        continue;
      }
      const alert = toPayload(doc).alert;
      const jobs: DeliveryJob[] = records.map((r) => ({
        alertId: doc.id,
        version: r.version,
        subscriptionId: r.subscriptionId,
        channel: r.channel,
        clarificationId: clarification.id,
        payload: { type: 'clarification', alert, clarification },
      }));
      await queue.enqueue(jobs);
      await events?.publish(doc.agencyId, 'clarification', { alertId: doc.id, clarification });
      notified.add(doc.agencyId);
      alerts += 1;
      deliveries += jobs.length;
      break;
    }
  };
  await Promise.all((await store.alertsOnIssue(clarification.issueId)).map(attach));
  if (!notified.has(clarification.agencyId))
    await events?.publish(clarification.agencyId, 'clarification', { clarification });
  logger.info(
    { issueId: clarification.issueId, clarificationId: clarification.id, alerts, deliveries },
    'clarification published',
  );
  return { alerts, deliveries };
}
