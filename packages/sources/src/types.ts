import type { PostInput } from '@pantau/core';
import type { Logger } from 'pino';
import type { HttpClient } from './http';

/**
 * A source is data: what kind of connector reads it, its per-kind config, how often, and the NAME of
 * the environment variable that holds its credentials (never the credentials themselves).
 */
export const SOURCE_KINDS = [
  'rss',
  'factcheck',
  'mastodon',
  'reddit',
  'telegram',
  'x',
  'youtube',
  'tipline',
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface SourceDoc {
  id: string;
  kind: SourceKind;
  name: string;
  config: Record<string, unknown>;
  intervalSeconds: number;
  credentialsEnv?: string;
  paused: boolean;
  /** Where its posts are from: a province or city id (each post carries it as `region`). */
  region?: string;
  createdAt: string;
  updatedAt: string;
  /** Came from PANTAU_SOURCES (the file is the truth for its fields, except pause). */
  seeded?: boolean;
}

export type SourceStatus = 'ok' | 'backoff' | 'failing' | 'paused';

export interface SourceHealth {
  status: SourceStatus;
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  lastError: { code: string; message: string } | null;
  itemsTotal: number;
  itemsLastHour: number;
  /** now − newest item seen, in seconds; null before any item. */
  lagSeconds: number | null;
}

/** What a connector remembers between polls (ETag, since ids, last seen guids …), JSON in Redis. */
export type Cursor = Record<string, unknown>;

/** One item as a connector reads it; the poller adds `source`/`sourceKind` and validates it. */
export type ConnectorItem = Omit<PostInput, 'source' | 'sourceKind'>;

/** A fact-check article as the `factchecks` index stores it. */
export interface FactCheckDoc {
  id: string;
  title: string;
  /** The claim checked (the title without its verdict tag); `title` carries the same text. */
  claim: string;
  text: string;
  verdict: string;
  url?: string;
  publishedAt?: string;
  sourceId: string;
}

export interface FetchContext {
  source: SourceDoc;
  cursor: Cursor;
  http: HttpClient;
  /** The value of `credentialsEnv`, when the source names one and it is set. */
  credential?: string;
  logger: Logger;
  now: Date;
}

export interface Skipped {
  ref: string;
  reason: string;
}

export interface FetchResult {
  items: ConnectorItem[];
  factChecks?: FactCheckDoc[];
  skipped: Skipped[];
  /** Written only after Kafka (or the index) acknowledged the items. */
  cursor: Cursor;
  /** The server said nothing changed (304). */
  notModified?: boolean;
  /** Runs once the items are acknowledged and the cursor stored (the tipline thanks its senders). */
  afterAck?: () => Promise<void>;
}

/** One file per platform, each implementing this. */
export interface Connector {
  readonly kind: SourceKind;
  /** Whether `credentialsEnv` must name a set variable. */
  readonly credentials: 'required' | 'none';
  /** Checks the kind's config; returns problems (empty = fine). */
  validate(config: Record<string, unknown>): string[];
  /** The URLs this source will fetch first (safety-checked when a source is created). */
  urls(config: Record<string, unknown>): string[];
  fetch(ctx: FetchContext): Promise<FetchResult>;
  /**
   * Kinds whose items came from people who can be answered (the tipline): sends `message.text` back to
   * the senders of the items `message.refs` names (their sourceIds). Throws a retriable error to be run
   * again later; what was sent is in `ctx.done` by then, so a retry does not send it twice.
   */
  followUp?(ctx: FollowUpContext, message: FollowUpMessage): Promise<FollowUpResult>;
}

/** A message for the people behind some of a source's items (an official clarification of their report). */
export interface FollowUpMessage {
  /** What the message is about (a clarification id): each recipient gets it once. */
  key: string;
  text: string;
  /** sourceIds of the items whose senders are answered. */
  refs: string[];
}

export interface FollowUpContext {
  source: SourceDoc;
  http: HttpClient;
  credential?: string;
  logger: Logger;
  /** Recipients already answered for this message (kept in Redis across retries and processes). */
  done: { has(recipient: string): Promise<boolean>; add(recipient: string): Promise<void> };
}

export interface FollowUpResult {
  sent: number;
  /** Recipients that cannot be answered (blocked the bot, chat gone): not retried. */
  skipped: Skipped[];
}
