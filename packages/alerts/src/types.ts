import type { HoaxSignal, IssueStatus } from '@pantau/core';

/** What an alert says about its issue at the time of its latest version. */
export interface AlertIssue {
  id: string;
  title: string;
  terms: string[];
  status: IssueStatus;
  windowMs: number;
  windowCount: number;
  total: number;
  baseline: number;
  score: number;
  growth: number;
  hoaxShare: number;
  distinctAuthors: number;
  coordinated: boolean;
  /** The issue's topic mix (share of its posts per topic), when the detector reports it. */
  topics?: { id: string; count: number; share: number }[];
  /** Provinces and cities a good share of its posts name, when the detector reports them. */
  regions?: { id: string; name: string; count: number; share: number }[];
  /** Where its posts come from (posts per source, busiest first), when the detector reports it. */
  sources?: { source: string; count: number; share: number }[];
  /** Fact-checks the issue's posts restate (most posts first), when the detector reports them. */
  factChecks?: { id: string; title: string; url?: string; posts: number }[];
  firstSeen: string;
  lastSeen: string;
}

export interface AlertPost {
  id: string;
  source?: string;
  text?: string;
  url?: string;
  publishedAt?: string;
  hoaxScore?: number;
  /** Why the post looks like a hoax (the scorer's signals) and the fact-checks it restates, when stored. */
  signals?: HoaxSignal[];
  claimMatches?: { factCheckId: string; title: string; similarity: number; url?: string }[];
}

export interface AlertWatchlist {
  id: string;
  name: string;
}

/** `issue_rising`: a rising issue; `watchlist_rule`: another rule of a watchlist fired (see `trigger`). */
export type AlertKind = 'issue_rising' | 'watchlist_rule';

/**
 * One agency's official clarification of an issue (*narasi tunggal*): attached to the issue, pushed to
 * every agency alerted on it, and carried in every later alert for it.
 */
export interface Clarification {
  id: string;
  issueId: string;
  agencyId: string;
  agencyName: string;
  text: string;
  url?: string;
  actor: string;
  createdAt: string;
}

/** Alert texts: Bahasa Indonesia first, English available. */
export interface LocalizedText {
  id: string;
  en: string;
}

/** `held`: kept back by quiet hours, a digest or a snooze; sent later as one digest. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'held';

/** One delivery of one alert version to one subscription; the final outcome is kept here. */
export interface DeliveryRecord {
  subscriptionId: string;
  channel: string;
  version: number;
  /** Set on the push of a new clarification (a delivery of its own beside the alert version's). */
  clarificationId?: string;
  status: DeliveryStatus;
  attempts: number;
  lastError?: string;
  lastStatus?: number;
  deliveredAt?: string;
  /**
   * The channel's id of the message it sent (Telegram message_id, e-mail Message-ID): a follow-up
   * edits that message (Telegram) or replies in its thread (e-mail) instead of repeating it.
   */
  messageId?: string;
  updatedAt: string;
  /** Set on a held delivery: when it goes out (in a digest). */
  heldUntil?: string;
}

/** The alerts index document: one per (agency, issue), id derived from both. */
export interface AlertDoc {
  id: string;
  agencyId: string;
  issueId: string;
  kind: AlertKind;
  version: number;
  watchlistIds: string[];
  watchlists: AlertWatchlist[];
  /** The agency's topics of interest the issue is about (an alert may come from topics alone, no watchlist). */
  topics?: string[];
  issue: AlertIssue;
  posts: AlertPost[];
  summary: LocalizedText;
  createdAt: string;
  updatedAt: string;
  /** When the latest version was decided (cooldowns count from here). */
  versionAt: string;
  deliveries: DeliveryRecord[];
  /** Which rule fired (latest) and why, in plain words. */
  trigger?: AlertTrigger;
  /** Each (watchlist, rule) that fired on this alert and how often. */
  firings?: RuleFiring[];
  /** Clarifications published for the issue, newest first (narasi tunggal). */
  clarifications?: Clarification[];
  /** The issue already has an official clarification: later posts restate a clarified issue. */
  clarified?: boolean;
  /** Critical alerts go through quiet hours and digests. */
  critical?: boolean;
  /** Acknowledged: no more follow-ups (updates, escalations) for this alert. */
  ackedAt?: string;
  ackedBy?: string;
  /** Follow-ups are held until then. */
  snoozedUntil?: string;
}

/** Which rule of which watchlist made an alert, and why ("84 posts in 10 min, 12× its usual level, 31 accounts"). */
export interface AlertTrigger {
  rule: string;
  watchlistId?: string;
  watchlistName?: string;
  reason: LocalizedText;
  at: string;
}

export interface RuleFiring {
  rule: string;
  watchlistId?: string;
  count: number;
  lastAt: string;
}

/** What a channel sends: `{alert: …}`; the same for every channel, each renders it its own way. */
export interface AlertPayload {
  alert: {
    id: string;
    version: number;
    kind: AlertKind;
    issue: AlertIssue;
    watchlist?: AlertWatchlist;
    watchlists: AlertWatchlist[];
    topics?: string[];
    posts: AlertPost[];
    summary: LocalizedText;
    /** Clarifications already published for this issue, newest first. */
    clarifications?: Clarification[];
    trigger?: AlertTrigger;
    clarified?: boolean;
    critical?: boolean;
    createdAt: string;
    updatedAt: string;
  };
  /**
   * What this message is: an alert (new or updated), or the push of a new clarification on an issue
   * the subscriber was alerted about (then `clarification` holds it). Absent means 'alert'.
   */
  type?: 'alert' | 'clarification' | 'digest';
  clarification?: Clarification;
  /** `type: 'digest'`: alerts held by quiet hours or a digest setting, sent as one message (`alert` is the newest). */
  digest?: { alerts: AlertPayload['alert'][]; heldSince: string };
}

export type ChannelName = 'webhook' | 'slack' | 'telegram' | 'email';
export const CHANNEL_NAMES: readonly ChannelName[] = ['webhook', 'slack', 'telegram', 'email'];
export type Language = 'id' | 'en';

/**
 * Channel options: webhook `url` + `secret`; slack `url` (the incoming-webhook URL, itself a secret);
 * telegram `chatId`; email `to`.
 */
export interface SubscriptionConfig {
  url?: string;
  secret?: string;
  chatId?: string;
  to?: string[];
  /** A Slack conversation id (C…/G…) for Pantau's Slack app, instead of an incoming-webhook `url`. */
  slackChannel?: string;
}

/** A subscription as stored (config holds channel options, including secrets). */
export interface SubscriptionDoc {
  id: string;
  agencyId: string;
  channel: ChannelName;
  createdAt: string;
  config: SubscriptionConfig;
  /** Language of the messages: Bahasa Indonesia unless 'en' (absent = 'id'). */
  language?: Language;
  /** Hygiene (issue 10): batch non-critical alerts hourly/daily … */
  digest?: 'none' | 'hourly' | 'daily';
  /** … hold them during quiet hours (local time in `tz`) and send one digest after … */
  quietHours?: { start: string; end: string; tz: string };
  /** … and only alerts from these watchlists (absent = all). */
  watchlistIds?: string[];
  /**
   * Province/city ids (the gazetteer's: `jatim`, `surabaya`) this subscription cares about: it gets only
   * alerts on issues whose posts name one of them (a city counts for its province). Absent = all.
   */
  regions?: string[];
}

/** One delivery job: no secrets here (they stay in OpenSearch), only what to send and to whom. */
export interface DeliveryJob {
  alertId: string;
  version: number;
  subscriptionId: string;
  channel: string;
  payload: AlertPayload;
  /** The push of one clarification (its own job id and delivery record). */
  clarificationId?: string;
  /** One digest release (its own job id). */
  digestId?: string;
  /**
   * A digest: every held delivery it stands for. Each records the digest's outcome (until 2026-12-02
   * only the newest alert's did, and the others stayed `held`).
   */
  covers?: { alertId: string; version: number; clarificationId?: string }[];
}

export function deliveryJobId(
  job: Pick<DeliveryJob, 'alertId' | 'version' | 'subscriptionId' | 'clarificationId' | 'digestId'>,
): string {
  // BullMQ job ids may not contain ':' (it separates Redis key parts). A clarification push and a
  // digest release are jobs of their own beside the alert version's.
  const suffix = job.clarificationId ? `.c${job.clarificationId}` : job.digestId ? `.d${job.digestId}` : '';
  return `${job.alertId}.v${job.version}.${job.subscriptionId}${suffix}`;
}
