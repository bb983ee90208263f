import { TOPIC_PARTITIONS, topicNames, type Topics } from '@pantau/core';
import { createKafkaBus, type Bus } from '@pantau/bus';
import { createSearchClient, installIndices, type IndexNames, type SearchClient } from '@pantau/store';
import type { Health, Logger } from '@pantau/runtime';

/**
 * What every service connects to: the bus, the search store, their names. Creating topics and
 * indices is idempotent, so every service does it at start and any one can start first.
 */
export interface StackConfig {
  KAFKA_BROKERS: string;
  OPENSEARCH_URL: string;
  TOPIC_PREFIX: string;
  INDEX_PREFIX: string;
  /** refresh_interval of new monthly posts indices; absent = the template's. */
  POSTS_REFRESH_INTERVAL?: string;
}

export interface Stack {
  bus: Bus;
  search: SearchClient;
  names: IndexNames;
  topics: Topics;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Longest one OpenSearch request may take (default 30 s; the API uses less, to answer 503 fast). */
  searchTimeoutMs?: number;
  /** Longest one Kafka send may wait for its acknowledgement (default 4 s). */
  sendTimeoutMs?: number;
}

export async function connectStack(
  config: StackConfig,
  logger: Logger,
  clientId: string,
  options: StackOptions = {},
): Promise<Stack> {
  const bus = createKafkaBus({
    brokers: config.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    clientId,
    logger,
    ...(options.sendTimeoutMs === undefined ? {} : { sendTimeoutMs: options.sendTimeoutMs }),
  });
  const search = createSearchClient(config.OPENSEARCH_URL, options.searchTimeoutMs);
  const topics = topicNames(config.TOPIC_PREFIX);
  await bus.ensureTopics(
    (Object.keys(topics) as (keyof Topics)[]).map((k) => ({
      topic: topics[k],
      partitions: TOPIC_PARTITIONS[k],
    })),
  );
  const names = await installIndices(search, {
    prefix: config.INDEX_PREFIX,
    ...(config.POSTS_REFRESH_INTERVAL ? { postsRefreshInterval: config.POSTS_REFRESH_INTERVAL } : {}),
  });
  // Closing twice (a signal arriving while the process is already finishing) must not hang.
  let closing: Promise<void> | undefined;
  return {
    bus,
    search,
    names,
    topics,
    close() {
      closing ??= (async () => {
        await bus.close();
        await search.close();
      })();
      return closing;
    },
  };
}

/** Readiness of the servers a service needs, for /readyz and logs. */
export function registerStackHealth(health: Health, stack: Stack): Health {
  return health
    .register('kafka', () => stack.bus.ping())
    .register('opensearch', async () => {
      await stack.search.cluster.health({});
    });
}
