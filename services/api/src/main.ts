import path from 'node:path';
import {
  AlertEngine,
  createAlertState,
  createAlertStore,
  createDeliveryHolder,
  createRuleStage,
  decodeRulePost,
  createDeliveryQueue,
  createDeliveryWorker,
  createIssueEventStage,
  createRetrainQueue,
  createEmailChannel,
  createSlackChannel,
  createTelegramChannel,
  createWebhookChannel,
} from '@pantau/alerts';
import { buildApp } from '@pantau/api';
import { IssueEvent, createDecoder } from '@pantau/core';
import {
  Health,
  createLogger,
  enableProcessMetrics,
  installShutdown,
  loadConfigOrExit,
} from '@pantau/runtime';
import { closeRedis, connectRedis } from '@pantau/queue';
import { connectSources, createWhatsAppFollowUps } from '@pantau/sources';
import { connectStack, registerStackHealth } from '@pantau/stack';
import { ApiServiceConfig } from './config';

// services/api: the HTTP API, the alert engine fed by the issues topic, and webhook delivery workers.
const config = loadConfigOrExit(ApiServiceConfig, 'api');
const logger = createLogger({ service: 'api', level: config.LOG_LEVEL, format: config.LOG_FORMAT });

async function main(): Promise<void> {
  enableProcessMetrics('api');
  // Requests fail fast with a retriable 503 when a server is down or stuck (issue 12): at most ~4 s.
  const stack = await connectStack(config, logger, 'pantau-api', {
    searchTimeoutMs: 4_000,
    sendTimeoutMs: 4_000,
  });
  const store = createAlertStore(stack.search, stack.names);
  const queue = createDeliveryQueue({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    attempts: config.DELIVERY_ATTEMPTS,
    backoffMs: config.DELIVERY_BACKOFF_MS,
    logger,
  });
  const publicUrl = (config.PUBLIC_URL || `http://${config.HOST}:${config.PORT}`).replace(/\/+$/, '');
  const issueUrl = (id: string) => `${publicUrl}/#/isu/${encodeURIComponent(id)}`;
  const email = createEmailChannel({
    smtpUrl: config.SMTP_URL || undefined,
    from: config.SMTP_FROM,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    issueUrl,
  });
  const worker = createDeliveryWorker({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    store,
    channels: [
      createWebhookChannel({
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        minIntervalMs: config.WEBHOOK_MIN_INTERVAL_MS,
        allowPrivateTargets: config.ALLOW_PRIVATE_WEBHOOKS,
      }),
      createSlackChannel({
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        allowPrivateTargets: config.ALLOW_PRIVATE_WEBHOOKS,
        issueUrl,
        botToken: config.SLACK_BOT_TOKEN || undefined,
        apiUrl: config.SLACK_API_URL,
      }),
      createTelegramChannel({
        botToken: config.TELEGRAM_BOT_TOKEN || undefined,
        apiUrl: config.TELEGRAM_API_URL,
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        issueUrl,
      }),
      email,
    ],
    logger,
    concurrency: config.DELIVERY_CONCURRENCY,
    maxBackoffMs: config.DELIVERY_MAX_BACKOFF_MS,
  });
  const retrain = createRetrainQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, logger });
  const alertState = createAlertState({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, logger });
  // Quiet hours, digests and snoozes hold deliveries; BullMQ delayed jobs release them as one digest.
  const holder = createDeliveryHolder({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    logger,
    deliveries: queue,
  });
  const engine = new AlertEngine({
    store,
    queue,
    logger,
    cooldownMs: config.ALERT_COOLDOWN_MS,
    holder,
    events: alertState.events,
    rules: alertState.rules,
  });
  const consumer = stack.bus.consumer<IssueEvent>({
    groupId: `${config.TOPIC_PREFIX}api-alerts`,
    topics: [stack.topics.issues],
    decode: createDecoder(IssueEvent, 'issue event'),
    dlqTopic: stack.topics.dlq,
    fromBeginning: true,
    handleBatch: createIssueEventStage(engine).handleBatch,
  });
  // Post-level watchlist rules read every enriched post (light decoding: a few fields of each).
  const ruleConsumer = config.RULE_STAGE
    ? stack.bus.consumer({
        groupId: `${config.TOPIC_PREFIX}api-rules`,
        topics: [stack.topics.postsEnriched],
        decode: decodeRulePost,
        dlqTopic: stack.topics.dlq,
        fromBeginning: true,
        handleBatch: createRuleStage({
          engine,
          rules: alertState.rules,
          search: stack.search,
          names: stack.names,
          logger,
        }).handleBatch,
      })
    : undefined;

  const sources = connectSources({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    search: stack.search,
    names: stack.names,
    allowPrivate: config.ALLOW_PRIVATE_SOURCES,
    failingAfter: config.SOURCE_FAILING_AFTER,
    logger,
  });
  const whatsapp =
    config.WHATSAPP_FOLLOWUPS && config.WHATSAPP_TOKEN && config.WHATSAPP_APP_SECRET
      ? createWhatsAppFollowUps({
          redisUrl: config.REDIS_URL,
          prefix: config.QUEUE_PREFIX,
          source: config.WHATSAPP_TIPLINE_SOURCE,
          appSecret: config.WHATSAPP_APP_SECRET,
          token: config.WHATSAPP_TOKEN,
          graphUrl: config.WHATSAPP_GRAPH_URL,
          keepMs: config.WHATSAPP_FOLLOWUP_DAYS * 24 * 3600_000,
          ...(config.WHATSAPP_FOLLOWUP_TEMPLATE
            ? {
                template: {
                  name: config.WHATSAPP_FOLLOWUP_TEMPLATE,
                  language: config.WHATSAPP_FOLLOWUP_TEMPLATE_LANG,
                },
              }
            : {}),
          logger,
        })
      : undefined;
  const health = registerStackHealth(new Health(), stack).register('redis', () => queue.ping());
  // One rate limit across API processes; fail-fast, so a Redis outage lifts the limit, not the API.
  const rateLimitRedis = connectRedis(config.REDIS_URL, logger, 'rate-limit', { failFast: true });
  const app = buildApp({
    config: {
      PANTAU_ADMIN_KEY: config.PANTAU_ADMIN_KEY,
      INGEST_BODY_LIMIT: config.INGEST_BODY_LIMIT,
      ALLOW_PRIVATE_WEBHOOKS: config.ALLOW_PRIVATE_WEBHOOKS,
      ALERT_CHANNELS: [
        'webhook',
        'slack',
        ...(config.SLACK_BOT_TOKEN ? ['slack-app'] : []),
        ...(config.TELEGRAM_BOT_TOKEN ? ['telegram'] : []),
        ...(config.SMTP_URL ? ['email'] : []),
      ],
      WHATSAPP_APP_SECRET: config.WHATSAPP_APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: config.WHATSAPP_VERIFY_TOKEN,
      WHATSAPP_TIPLINE_SOURCE: config.WHATSAPP_TIPLINE_SOURCE,
      WHATSAPP_TOKEN: config.WHATSAPP_TOKEN,
      WHATSAPP_GRAPH_URL: config.WHATSAPP_GRAPH_URL,
    },
    logger,
    search: stack.search,
    names: stack.names,
    producer: stack.bus.producer(),
    topics: stack.topics,
    health,
    alerts: store,
    sources: sources.service,
    ...(whatsapp ? { whatsapp } : {}),
    // The dashboard's build, beside this service (src/ or dist/ → ../../dashboard/dist).
    dashboardDir: path.resolve(__dirname, '../../dashboard/dist'),
    retrain,
    deliveries: queue,
    alertState,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    rateLimitStore: { redis: rateLimitRedis, prefix: config.QUEUE_PREFIX },
  });

  installShutdown(logger, [
    { name: 'http', close: () => app.close() },
    { name: 'rate-limit-redis', close: () => closeRedis(rateLimitRedis) },
    { name: 'consumer', close: () => consumer.close() },
    { name: 'rule-consumer', close: async () => ruleConsumer?.close() },
    { name: 'delivery-holder', close: () => holder.close() },
    { name: 'alert-state', close: () => alertState.close() },
    { name: 'delivery-worker', close: () => worker.close() },
    { name: 'delivery-queue', close: () => queue.close() },
    { name: 'smtp', close: () => email.close() },
    { name: 'sources', close: () => sources.close() },
    { name: 'whatsapp-follow-ups', close: async () => whatsapp?.close() },
    { name: 'retrain-queue', close: () => retrain.close() },
    { name: 'stack', close: () => stack.close() },
  ]);

  await consumer.start();
  await ruleConsumer?.start();
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ address }, 'api listening');
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'api failed to start');
  process.exit(1);
});
