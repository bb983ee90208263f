import type { RedisConnection } from '@pantau/queue';
import type { AlertDoc, AlertState, AlertStore, DeliveryEnqueuer } from '@pantau/alerts';
import type { Producer } from '@pantau/bus';
import type { Topics } from '@pantau/core';
import type { Health } from '@pantau/runtime';
import type { IndexNames, SearchClient } from '@pantau/store';
import type { SourceService, WhatsAppFollowUps } from '@pantau/sources';
import type { Logger } from 'pino';
import type { Authenticator } from './auth';

/** What the API reads from configuration (a subset of the service's config). */
export interface ApiConfig {
  readonly PANTAU_ADMIN_KEY: string;
  /** Largest accepted ingest body in bytes (default 5 MB). */
  readonly INGEST_BODY_LIMIT?: number;
  /** Accept webhook URLs on private/loopback addresses (local development and tests only). */
  readonly ALLOW_PRIVATE_WEBHOOKS?: boolean;
  /**
   * Alert channels this server can deliver to (Telegram needs a bot token, e-mail SMTP_URL; `slack-app`:
   * Slack subscriptions by `slackChannel`, SLACK_BOT_TOKEN); unset = all.
   */
  readonly ALERT_CHANNELS?: readonly string[];
  /** WhatsApp Cloud API tipline webhook (unset = the route answers 404). */
  readonly WHATSAPP_APP_SECRET?: string;
  readonly WHATSAPP_VERIFY_TOKEN?: string;
  /** Cloud API access token for the thank-you replies (unset = no replies) and the Graph API base. */
  readonly WHATSAPP_TOKEN?: string;
  readonly WHATSAPP_GRAPH_URL?: string;
  /** The `source` its posts carry (default tipline-whatsapp). */
  readonly WHATSAPP_TIPLINE_SOURCE?: string;
}

/** The alert read side the API needs; `createAlertStore` from @pantau/alerts implements it. */
export interface AlertService {
  listAlerts(
    agencyId: string,
    size?: number,
    cursor?: string,
  ): Promise<{ items: AlertDoc[]; nextCursor?: string }>;
}

export interface ApiDeps {
  config: ApiConfig;
  logger: Logger;
  search: SearchClient;
  names: IndexNames;
  producer: Producer;
  topics: Topics;
  health: Health;
  alerts?: AlertService;
  /**
   * WhatsApp tipline follow-ups (createWhatsAppFollowUps from @pantau/sources): senders kept sealed for
   * the follow-up window, clarifications sent back to them. Absent = WhatsApp reporters get no follow-up.
   */
  whatsapp?: WhatsAppFollowUps;
  /** Source management (POST/GET/PATCH/DELETE /v1/sources); absent = those routes answer 503. */
  sources?: SourceService;
  /** The dashboard's build (services/dashboard/dist), served at `/`; none = `/` explains how to build it. */
  dashboardDir?: string;
  /** Enqueues a hoax-model retrain (createRetrainQueue from @pantau/alerts); absent = 503 QUEUE_UNAVAILABLE. */
  retrain?: { enqueue(job: { requestedBy: string; requestedAt: string }): Promise<string> };
  /** Delivery queue for clarification pushes (createDeliveryQueue); absent = 503 QUEUE_UNAVAILABLE. */
  deliveries?: DeliveryEnqueuer;
  /** Redis alert state: live stream events and the rule log (createAlertState); absent = stream 503. */
  alertState?: AlertState;
  /** Per-key request limit per minute (default 600; 0 = off). */
  rateLimitPerMinute?: number;
  /**
   * Where the rate limit counts (a fail-fast connection: connectRedis(url, logger, role, { failFast })):
   * shared by every API process. Absent: in memory, per process. While Redis is down requests are not
   * limited rather than refused.
   */
  rateLimitStore?: { redis: RedisConnection; prefix: string };
}

/** Shared by every route plugin. */
export interface RouteContext extends ApiDeps {
  auth: Authenticator;
  alerts: AlertService;
  /** The full alert store (ack, snooze, clarifications). */
  alertStore: AlertStore;
}
