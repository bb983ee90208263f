import {
  closeRedis,
  connectRedis,
  createKeyValue,
  createScheduler,
  type KeyValue,
  type RedisConnection,
} from '@pantau/queue';
import type { IndexNames, SearchClient } from '@pantau/store';
import type { Logger } from 'pino';
import { CONNECTORS } from './connectors';
import { SourceRegistry } from './registry';
import { createSourceService, type PollJob, type SourceService } from './service';
import { SourceState } from './state';
import { SOURCES_QUEUE } from './worker';

/** What both the API (manage, read health) and ingest (poll) connect to for sources. */
export interface SourcesRuntime {
  service: SourceService;
  registry: SourceRegistry;
  state: SourceState;
  kv: KeyValue;
  connection: RedisConnection;
  close(): Promise<void>;
}

export interface SourcesRuntimeOptions {
  redisUrl: string;
  /** QUEUE_PREFIX: BullMQ and the source keys share it. */
  prefix: string;
  search: SearchClient;
  names: IndexNames;
  allowPrivate: boolean;
  failingAfter: number;
  logger: Logger;
  queueName?: string;
  /** How often a follow-up job is tried and the first wait (tests shorten it). */
  followUpRetry?: { attempts: number; backoffMs: number };
}

export function connectSources(options: SourcesRuntimeOptions): SourcesRuntime {
  const logger = options.logger.child({ component: 'sources' });
  const connection = connectRedis(options.redisUrl, logger, 'sources');
  const kv = createKeyValue(connection);
  const registry = new SourceRegistry(options.search, options.names);
  const state = new SourceState(kv, options.prefix);
  const scheduler = createScheduler<PollJob>({
    connection,
    prefix: options.prefix,
    name: options.queueName ?? SOURCES_QUEUE,
    logger,
  });
  const service = createSourceService({
    registry,
    state,
    scheduler,
    connectors: CONNECTORS,
    allowPrivate: options.allowPrivate,
    failingAfter: options.failingAfter,
    ...(options.followUpRetry ? { followUpRetry: options.followUpRetry } : {}),
  });
  return {
    service,
    registry,
    state,
    kv,
    connection,
    async close() {
      await scheduler.close();
      await closeRedis(connection);
    },
  };
}
