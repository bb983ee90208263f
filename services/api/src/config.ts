import { Type } from '@sinclair/typebox';
import { CommonConfig, configSchema } from '@pantau/runtime';

/** Everything services/api reads from the environment (checked once at start). */
export const ApiServiceConfig = configSchema({
  ...CommonConfig,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  PANTAU_ADMIN_KEY: Type.String({ minLength: 16, description: "the operator's API key" }),
  ALERT_COOLDOWN_MS: Type.Integer({ minimum: 0, default: 30 * 60_000 }),
  DELIVERY_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 50, default: 6 }),
  DELIVERY_BACKOFF_MS: Type.Integer({ minimum: 1, default: 5_000 }),
  DELIVERY_MAX_BACKOFF_MS: Type.Integer({ minimum: 1, default: 15 * 60_000 }),
  DELIVERY_CONCURRENCY: Type.Integer({ minimum: 1, default: 8 }),
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  WEBHOOK_MIN_INTERVAL_MS: Type.Integer({
    minimum: 0,
    default: 0,
    description: 'per-subscription spacing of webhook deliveries (rounded up to whole seconds)',
  }),
  INGEST_BODY_LIMIT: Type.Integer({ minimum: 1024, default: 5 * 1024 * 1024 }),
  ALLOW_PRIVATE_SOURCES: Type.Boolean({
    default: false,
    description: 'accept source URLs on private/loopback addresses (development and tests only)',
  }),
  SOURCE_FAILING_AFTER: Type.Integer({ minimum: 1, default: 5, description: 'failures in a row → failing' }),
  WHATSAPP_APP_SECRET: Type.String({
    default: '',
    description: 'Meta app secret: verifies the tipline webhook',
  }),
  WHATSAPP_VERIFY_TOKEN: Type.String({
    default: '',
    description: 'token Meta echoes when verifying the webhook',
  }),
  WHATSAPP_TOKEN: Type.String({
    default: '',
    description: 'Cloud API token for thank-you replies; empty = none',
  }),
  WHATSAPP_GRAPH_URL: Type.String({ default: 'https://graph.facebook.com/v20.0' }),
  WHATSAPP_TIPLINE_SOURCE: Type.String({ default: 'tipline-whatsapp', pattern: '^[a-z0-9][a-z0-9._-]*$' }),
  WHATSAPP_FOLLOWUPS: Type.Boolean({
    default: true,
    description:
      'send clarifications back to WhatsApp reporters (needs WHATSAPP_TOKEN and WHATSAPP_APP_SECRET; senders kept sealed in Redis meanwhile)',
  }),
  WHATSAPP_FOLLOWUP_DAYS: Type.Integer({
    minimum: 1,
    maximum: 365,
    default: 30,
    description:
      'how long a WhatsApp sender can still get a clarification (their number is kept, sealed, that long)',
  }),
  WHATSAPP_FOLLOWUP_TEMPLATE: Type.String({
    default: '',
    description:
      'approved template for senders past the 24 h window ({{1}} agency, {{2}} clarification); empty = those are skipped',
  }),
  WHATSAPP_FOLLOWUP_TEMPLATE_LANG: Type.String({ default: 'id', pattern: '^[a-z]{2,3}(_[A-Z]{2})?$' }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({
    minimum: 0,
    default: 600,
    description: 'API requests per key per minute (0 = no limit; ingest and tipline are not counted)',
  }),
  RULE_STAGE: Type.Boolean({
    default: true,
    description: 'judge post-level watchlist rules (volume, spike, hoax, claim, match) on posts.enriched',
  }),
  ALLOW_PRIVATE_WEBHOOKS: Type.Boolean({
    default: false,
    description: 'accept webhook targets on private/loopback addresses (development and tests only)',
  }),
  PUBLIC_URL: Type.String({
    default: '',
    description: 'where people open Pantau (issue links in alerts); empty = http://HOST:PORT',
  }),
  TELEGRAM_BOT_TOKEN: Type.String({
    default: '',
    description: "the Pantau bot's token; empty = no Telegram",
  }),
  TELEGRAM_API_URL: Type.String({ default: 'https://api.telegram.org' }),
  SLACK_BOT_TOKEN: Type.String({
    default: '',
    description:
      "the Pantau Slack app's bot token (xoxb-…) for subscriptions by slackChannel; empty = webhooks only",
  }),
  SLACK_API_URL: Type.String({ default: 'https://slack.com/api' }),
  SMTP_URL: Type.String({
    default: '',
    description: 'smtp(s)://[user:pass@]host:port for e-mail alerts; empty = none',
  }),
  SMTP_FROM: Type.String({ default: 'Pantau <pantau@localhost>' }),
});
