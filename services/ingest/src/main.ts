import { Type } from '@sinclair/typebox';
import {
  CommonConfig,
  configSchema,
  createLogger,
  credentialFromEnv,
  installShutdown,
  loadConfigOrExit,
  metrics,
  metricsConfig,
  startMetrics,
} from '@pantau/runtime';
import { connectStack } from '@pantau/stack';
import { replayJsonl } from '@pantau/ingest';
import type { Producer } from '@pantau/bus';
import { closeRedis, connectRedis } from '@pantau/queue';
import {
  CONNECTORS,
  SourceMetrics,
  connectSources,
  createHttpClient,
  createPoller,
  createRedisHostGate,
  createSourceWorker,
  loadSourcesFile,
} from '@pantau/sources';

// Ingest: source connectors → posts.raw. Sources (managed through the API, optionally seeded from
// PANTAU_SOURCES) are polled by BullMQ repeatable jobs; any number of ingest processes share them.
// Given a JSONL file (--file, --speed, --retime or REPLAY_*), the process is a one-shot replay
// instead: it replays the file and exits.
const config = loadConfigOrExit(
  configSchema({
    ...CommonConfig,
    ...metricsConfig('ingest'),
    REPLAY_FILE: Type.String({ default: '', description: 'JSONL file of posts to replay; empty = none' }),
    REPLAY_SPEED: Type.Number({
      minimum: 0,
      default: 0,
      description: '0 = as fast as possible, N = N× real time',
    }),
    REPLAY_RETIME: Type.Boolean({ default: false, description: 'shift timestamps so the first post is now' }),
    SOURCES_ENABLED: Type.Boolean({ default: true, description: 'run the source workers' }),
    PANTAU_SOURCES: Type.String({
      default: '',
      description: 'sources.yaml seeded into the registry at start',
    }),
    ALLOW_PRIVATE_SOURCES: Type.Boolean({
      default: false,
      description: 'allow source URLs on loopback/private addresses (development and tests only)',
    }),
    SOURCE_CONCURRENCY: Type.Integer({ minimum: 1, default: 4, description: 'polls at once per process' }),
    SOURCE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 20_000 }),
    SOURCE_MAX_BYTES: Type.Integer({ minimum: 1024, default: 5 * 1024 * 1024 }),
    SOURCE_FAILING_AFTER: Type.Integer({
      minimum: 1,
      default: 5,
      description: 'failures in a row → failing',
    }),
    SOURCE_BACKOFF_BASE_MS: Type.Integer({ minimum: 1, default: 30_000 }),
    SOURCE_BACKOFF_MAX_MS: Type.Integer({ minimum: 1, default: 30 * 60_000 }),
    SOURCE_FAILING_RETRY_MS: Type.Integer({ minimum: 1, default: 60 * 60_000 }),
  }),
  'ingest',
);
const logger = createLogger({ service: 'ingest', level: config.LOG_LEVEL, format: config.LOG_FORMAT });

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? 'true') : undefined;
}

/** Counts what leaves for posts.raw (the replay is one source: `replay`). */
function countingProducer(inner: Producer): Producer {
  return {
    async send(topic, messages) {
      await inner.send(topic, messages);
      metrics.postsPublished.inc({ source: 'replay' }, messages.length);
    },
  };
}

async function main() {
  // A bad sources file stops the start before anything connects.
  const seed = config.PANTAU_SOURCES ? loadSourcesFile(config.PANTAU_SOURCES) : [];
  const metricsServer = await startMetrics('ingest', config, logger);
  const stack = await connectStack(config, logger, 'pantau-ingest');
  const abort = new AbortController();
  const closers: { name: string; close: () => Promise<void> | void }[] = [
    { name: 'replay', close: () => abort.abort() },
  ];

  const file = flag('file') ?? config.REPLAY_FILE;
  if (config.SOURCES_ENABLED && !file) {
    const sources = connectSources({
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      search: stack.search,
      names: stack.names,
      allowPrivate: config.ALLOW_PRIVATE_SOURCES,
      failingAfter: config.SOURCE_FAILING_AFTER,
      logger,
    });
    const { scheduled, ...seeded } = await sources.service.start(seed);
    if (seed.length) logger.info(seeded, 'sources seeded from PANTAU_SOURCES');
    const sourceMetrics = new SourceMetrics();
    const poller = createPoller({
      connectors: CONNECTORS,
      state: sources.state,
      http: createHttpClient({
        allowPrivate: config.ALLOW_PRIVATE_SOURCES,
        timeoutMs: config.SOURCE_TIMEOUT_MS,
        maxBytes: config.SOURCE_MAX_BYTES,
        gate: createRedisHostGate(sources.kv, config.QUEUE_PREFIX),
      }),
      producer: stack.bus.producer(),
      topic: stack.topics.postsRaw,
      search: stack.search,
      names: stack.names,
      credential: credentialFromEnv,
      logger,
      metrics: sourceMetrics,
      policy: {
        failingAfter: config.SOURCE_FAILING_AFTER,
        backoffBaseMs: config.SOURCE_BACKOFF_BASE_MS,
        backoffMaxMs: config.SOURCE_BACKOFF_MAX_MS,
        failingRetryMs: config.SOURCE_FAILING_RETRY_MS,
        lockMs: config.SOURCE_TIMEOUT_MS * 6,
      },
    });
    const workerConnection = connectRedis(config.REDIS_URL, logger, 'source-worker');
    const worker = createSourceWorker({
      connection: workerConnection,
      prefix: config.QUEUE_PREFIX,
      registry: sources.registry,
      poller,
      logger,
      concurrency: config.SOURCE_CONCURRENCY,
    });
    closers.push(
      { name: 'source-worker', close: () => worker.close() },
      { name: 'source-worker-redis', close: () => closeRedis(workerConnection) },
      { name: 'sources', close: () => sources.close() },
    );
    logger.info({ scheduled, kinds: [...CONNECTORS.keys()] }, 'source workers running');
  }
  closers.push({ name: 'stack', close: () => stack.close() }, metricsServer);
  const shutdown = installShutdown(logger, closers);

  if (!file) {
    if (!config.SOURCES_ENABLED) {
      logger.info('no replay file and sources disabled; nothing to ingest (posts can be pushed to the API)');
      await shutdown.close();
    }
    return;
  }
  const speed = Number(flag('speed') ?? config.REPLAY_SPEED);
  const retime = flag('retime') !== undefined ? flag('retime') !== 'false' : config.REPLAY_RETIME;
  logger.info({ file, speed, retime }, 'replay starting');
  const result = await replayJsonl({
    file,
    topic: stack.topics.postsRaw,
    producer: countingProducer(stack.bus.producer()),
    logger,
    speed,
    retime,
    signal: abort.signal,
  });
  logger.info(result, 'replay finished');
  await shutdown.close();
}

main().catch((err) => {
  logger.fatal({ err }, 'ingest failed');
  process.exit(1);
});
