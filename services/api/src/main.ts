import {
  AlertEngine,
  createAlertStore,
  createDeliveryQueue,
  createDeliveryWorker,
  createWebhookChannel,
} from '@pantau/alerts';
import { buildApp } from '@pantau/api';
import { createKafkaBus, type BusMessage } from '@pantau/bus';
import {
  IssueEvent,
  PantauError,
  TOPIC_PARTITIONS,
  createDecoder,
  toPantauError,
  topicNames,
  type Topics,
} from '@pantau/core';
import { Health, createLogger, installShutdown, loadConfigOrExit } from '@pantau/runtime';
import { createSearchClient, installIndices } from '@pantau/store';
import { ApiServiceConfig } from './config';

// services/api: the HTTP API, the alert engine fed by the issues topic, and webhook delivery workers.
const config = loadConfigOrExit(ApiServiceConfig, 'api');
const logger = createLogger({ service: 'api', level: config.LOG_LEVEL });

async function main(): Promise<void> {
  const bus = createKafkaBus({
    brokers: config.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    clientId: 'pantau-api',
    logger,
  });
  const search = createSearchClient(config.OPENSEARCH_URL);
  const topics = topicNames(config.TOPIC_PREFIX);
  await bus.ensureTopics(
    (Object.keys(topics) as (keyof Topics)[]).map((k) => ({
      topic: topics[k],
      partitions: TOPIC_PARTITIONS[k],
    })),
  );
  const names = await installIndices(search, { prefix: config.INDEX_PREFIX });

  const store = createAlertStore(search, names);
  const queue = createDeliveryQueue({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    attempts: config.DELIVERY_ATTEMPTS,
    backoffMs: config.DELIVERY_BACKOFF_MS,
    logger,
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
    ],
    logger,
    concurrency: config.DELIVERY_CONCURRENCY,
    maxBackoffMs: config.DELIVERY_MAX_BACKOFF_MS,
  });
  const engine = new AlertEngine({ store, queue, logger, cooldownMs: config.ALERT_COOLDOWN_MS });

  const consumer = bus.consumer<IssueEvent>({
    groupId: `${config.TOPIC_PREFIX}api-alerts`,
    topics: [topics.issues],
    decode: createDecoder(IssueEvent, 'issue event'),
    dlqTopic: topics.dlq,
    fromBeginning: true,
    handleBatch: async (batch) => {
      const failed: { message: BusMessage; error: PantauError }[] = [];
      for (const { message, value } of batch) {
        try {
          await engine.handleIssueEvent(value);
        } catch (err) {
          const error = toPantauError(err);
          if (error.retriable) throw error; // the batch is retried; decisions are idempotent
          failed.push({ message, error });
        }
      }
      return { failed };
    },
  });

  const health = new Health()
    .register('kafka', () => bus.ping())
    .register('opensearch', async () => {
      await search.ping();
    })
    .register('redis', () => queue.ping());

  const app = buildApp({
    config: {
      PANTAU_ADMIN_KEY: config.PANTAU_ADMIN_KEY,
      INGEST_BODY_LIMIT: config.INGEST_BODY_LIMIT,
      ALLOW_PRIVATE_WEBHOOKS: config.ALLOW_PRIVATE_WEBHOOKS,
    },
    logger,
    search,
    names,
    producer: bus.producer(),
    topics,
    health,
    alerts: store,
  });

  installShutdown(logger, [
    { name: 'http', close: () => app.close() },
    { name: 'consumer', close: () => consumer.close() },
    { name: 'delivery-worker', close: () => worker.close() },
    { name: 'delivery-queue', close: () => queue.close() },
    { name: 'bus', close: () => bus.close() },
    { name: 'opensearch', close: () => search.close() },
  ]);

  await consumer.start();
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ address }, 'api listening');
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'api failed to start');
  process.exit(1);
});
