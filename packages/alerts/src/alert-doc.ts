import { regionsMatch, sha256Hex, type IssueEvent } from '@pantau/core';
import { risingSummary } from './text';
import type {
  AlertDoc,
  AlertIssue,
  AlertPayload,
  AlertTrigger,
  DeliveryJob,
  DeliveryRecord,
  LocalizedText,
  RuleFiring,
  SubscriptionDoc,
} from './types';

/**
 * What an alert document is and says: its id, its issue, the payload every channel renders, its text
 * (Bahasa Indonesia and English), which subscriptions take it and whether it is critical.
 */
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
    ...(event.regions?.length ? { regions: event.regions } : {}),
    ...(event.sources?.length ? { sources: event.sources } : {}),
    ...(event.factChecks?.length ? { factChecks: event.factChecks } : {}),
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
      ...(doc.clarifications?.length ? { clarifications: doc.clarifications } : {}),
      ...(doc.trigger ? { trigger: doc.trigger } : {}),
      ...(doc.clarified ? { clarified: true } : {}),
      ...(doc.critical ? { critical: true } : {}),
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
    },
  };
}

export function jobsFor(doc: AlertDoc, deliveries: DeliveryRecord[]): DeliveryJob[] {
  const payload = toPayload(doc);
  return deliveries.map((d) => ({
    alertId: doc.id,
    version: d.version,
    subscriptionId: d.subscriptionId,
    channel: d.channel,
    payload,
  }));
}

/**
 * Subscriptions that take this alert: those without `watchlistIds`, or whose lists the alert touches;
 * and those without `regions`, or with a region the issue's posts name.
 */
export function routedSubscriptions(
  subs: SubscriptionDoc[],
  alert: { watchlistIds: string[]; issue: { regions?: { id: string }[] } },
): SubscriptionDoc[] {
  return subs.filter(
    (s) =>
      (!s.watchlistIds?.length || s.watchlistIds.some((w) => alert.watchlistIds.includes(w))) &&
      regionsMatch(s.regions, alert.issue.regions),
  );
}

/**
 * Critical alerts go through quiet hours and digests: a claim restating a known hoax, an escalation,
 * or a coordinated issue that is mostly hoax.
 */
export function isCritical(
  input: { issue: AlertIssue; trigger?: AlertTrigger },
  escalation = false,
): boolean {
  if (escalation || input.trigger?.rule === 'claim') return true;
  return input.issue.coordinated && input.issue.hoaxShare >= 0.5;
}

/** The alert's one-line text: the rising summary or the rule's reason, plus escalation and clarification notes. */
export function summaryFor(
  doc: Pick<AlertDoc, 'issue' | 'version' | 'topics' | 'trigger' | 'clarifications' | 'kind'>,
  escalation = false,
): LocalizedText {
  const base =
    doc.kind === 'issue_rising' || !doc.trigger
      ? risingSummary(doc.issue, doc.version, doc.topics ?? [])
      : {
          id: `${doc.version > 1 ? 'Pembaruan: ' : ''}${doc.trigger.reason.id}. Isu "${doc.issue.title}".`,
          en: `${doc.version > 1 ? 'Update: ' : ''}${doc.trigger.reason.en}. Issue "${doc.issue.title}".`,
        };
  const why =
    doc.kind === 'issue_rising' && doc.trigger && doc.trigger.rule !== 'rising'
      ? { id: ` Aturan: ${doc.trigger.reason.id}.`, en: ` Rule: ${doc.trigger.reason.en}.` }
      : doc.kind === 'issue_rising' && doc.trigger
        ? { id: ` Alasan: ${doc.trigger.reason.id}.`, en: ` Why: ${doc.trigger.reason.en}.` }
        : { id: '', en: '' };
  const esc = escalation
    ? {
        id: ' Eskalasi: unggahan berlipat sejak peringatan terakhir.',
        en: ' Escalation: posts multiplied since the last alert.',
      }
    : { id: '', en: '' };
  const c = doc.clarifications?.[0];
  const clar = c
    ? {
        id: ` Sudah ada klarifikasi resmi dari ${c.agencyName}.`,
        en: ` Already clarified officially by ${c.agencyName}.`,
      }
    : { id: '', en: '' };
  return { id: `${base.id}${why.id}${esc.id}${clar.id}`, en: `${base.en}${why.en}${esc.en}${clar.en}` };
}

export function mergeFirings(
  previous: RuleFiring[] | undefined,
  fired: { rule: string; watchlistId?: string }[],
  at: string,
): RuleFiring[] {
  const out = (previous ?? []).map((f) => ({ ...f }));
  for (const f of fired) {
    const seen = out.find((o) => o.rule === f.rule && o.watchlistId === f.watchlistId);
    if (seen) {
      seen.count += 1;
      seen.lastAt = at;
    } else
      out.push({
        rule: f.rule,
        ...(f.watchlistId ? { watchlistId: f.watchlistId } : {}),
        count: 1,
        lastAt: at,
      });
  }
  return out;
}
