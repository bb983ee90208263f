import { Type } from '@sinclair/typebox';
import { createDecoder, RawPost, ScoredPost, systemClock, TOPIC_PARTITIONS } from '@pantau/core';
import {
  CommonConfig,
  configSchema,
  createLogger,
  installShutdown,
  loadConfigOrExit,
  metricsConfig,
  repeat,
  startMetrics,
} from '@pantau/runtime';
import { connectStack } from '@pantau/stack';
import { createEnricher, loadHoaxModel, loadTopicModel, normalize, stem } from '@pantau/nlp-id';
import { IssueClusterer } from '@pantau/issues';
import { createRetrainWorker } from '@pantau/alerts';
import {
  FactCheckSync,
  ModelSync,
  runRetrain,
  WatchlistRegistry,
  createAssignStage,
  createEnrichStage,
  importFactChecksCsv,
  restoreClusterer,
} from '@pantau/scorer';

// Scorer: posts.raw → Indonesian enrichment + hoax score + watchlists → posts.scored (every scorer
// process, in parallel) → issue assignment → OpenSearch + posts.enriched (one active assigner: the
// scorer holding posts.scored's single partition; the others stand by).
const config = loadConfigOrExit(
  configSchema({
    ...CommonConfig,
    ...metricsConfig('scorer'),
    HOAX_MODEL_PATH: Type.Optional(
      Type.String({ description: 'model JSON from `pantau hoax train`; default: the shipped model' }),
    ),
    TOPIC_MODEL_PATH: Type.Optional(
      Type.String({ description: 'model JSON from `pantau topics train`; default: the shipped topic model' }),
    ),
    SLANG_LEXICONS: Type.String({ default: '', description: 'comma-separated extra slang,formal CSV files' }),
    WATCHLIST_REFRESH_MS: Type.Integer({ minimum: 200, default: 5000 }),
    FACTCHECKS_CSV: Type.String({
      default: '',
      description: 'id,title,text,verdict,url CSV imported into the factchecks index at start',
    }),
    FACTCHECK_REFRESH_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
    SCORER_BATCH_SIZE: Type.Integer({ minimum: 1, default: 500 }),
    ASSIGN_BATCH_SIZE: Type.Integer({
      minimum: 1,
      default: 2000,
      description: 'posts per assignment batch; each batch is taken in publication order',
    }),
    ASSIGN_LINGER_MS: Type.Integer({
      minimum: 0,
      // 100 ms: every fetch below a full batch waited the whole linger, which went straight into
      // ingest→searchable latency (p50 −0.26 s at 1,000 posts/s, bench:e2e); a backfill fills it anyway.
      default: 100,
      description:
        'how long the assigner lets a fetch fill before sorting it into publication order (0: take what is there)',
    }),
    SCORER_IN_FLIGHT: Type.Integer({
      minimum: 1,
      default: 3,
      description:
        "batches the assigner keeps in flight: the next is assigned while the previous is written (offsets still commit in order); the enricher takes posts.raw's partitions side by side instead",
    }),
    ISSUE_THRESHOLD: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'cosine to join an issue (default 0.15)' }),
    ),
    MODEL_REFRESH_MS: Type.Integer({
      minimum: 1000,
      default: 30_000,
      description: 'how often the scorer looks for a newly promoted hoax model',
    }),
  }),
  'scorer',
);
const logger = createLogger({ service: 'scorer', level: config.LOG_LEVEL, format: config.LOG_FORMAT });

async function main() {
  const metricsServer = await startMetrics('scorer', config, logger);
  const stack = await connectStack(config, logger, 'pantau-scorer');
  const enricher = createEnricher({
    ...(config.HOAX_MODEL_PATH ? { model: loadHoaxModel(config.HOAX_MODEL_PATH) } : {}),
    ...(config.TOPIC_MODEL_PATH ? { topicModel: loadTopicModel(config.TOPIC_MODEL_PATH) } : {}),
    extraLexiconFiles: config.SLANG_LEXICONS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  });
  if (config.FACTCHECKS_CSV) {
    const imported = await importFactChecksCsv(stack.search, stack.names, config.FACTCHECKS_CSV, logger);
    logger.info({ file: config.FACTCHECKS_CSV, imported }, 'fact-checks imported');
  }
  const factChecks = new FactCheckSync(stack.search, stack.names, enricher);
  await factChecks.refresh();
  const normalizeTerm = (raw: string) => normalize(raw).tokens.map(stem);
  const watchlists = new WatchlistRegistry(
    stack.search,
    stack.names,
    normalizeTerm,
    logger.child({ component: 'watchlists' }),
  );
  await watchlists.refresh();
  const watchlistReload = repeat(
    'watchlist reload',
    config.WATCHLIST_REFRESH_MS,
    () => watchlists.refresh(),
    logger,
  );
  const factCheckReload = repeat(
    'fact-check reload',
    config.FACTCHECK_REFRESH_MS,
    async () => {
      const changes = await factChecks.refresh();
      if (changes.added || changes.updated || changes.removed) logger.info(changes, 'fact-checks synced');
    },
    logger,
  );

  // Analysts' labels: retrain jobs run here (one at a time); a promoted model serves without a restart.
  const modelSync = new ModelSync(stack.search, stack.names, enricher, logger.child({ component: 'models' }));
  await modelSync.refresh();
  const modelReload = repeat('model reload', config.MODEL_REFRESH_MS, () => modelSync.refresh(), logger);
  const retrainWorker = createRetrainWorker({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    logger,
    run: () =>
      runRetrain({ search: stack.search, names: stack.names, logger, current: () => enricher.model }),
  });

  const enrichStage = createEnrichStage({
    enricher,
    watchlists,
    stemToken: stem,
    producer: stack.bus.producer(),
    topics: stack.topics,
    logger: logger.child({ component: 'enrich' }),
    clock: systemClock,
  });
  const enrichConsumer = stack.bus.consumer({
    groupId: `${config.TOPIC_PREFIX}scorer`,
    topics: [stack.topics.postsRaw],
    decode: createDecoder(RawPost, 'raw post'),
    handleBatch: enrichStage.handleBatch,
    dlqTopic: stack.topics.dlq,
    fromBeginning: true,
    maxBatchSize: config.SCORER_BATCH_SIZE,
    // Every partition's batch side by side: one at a time, a fetch of six partitions waited for six
    // produce round trips in a row, and the posts that arrived meanwhile waited for all of them. The
    // partitions overlap each other's round trips, so one batch in flight each is enough: three each
    // hold up to 9,000 posts under a backlog (scorer peak RSS 916 MB against 673 MB with one, bench:e2e).
    partitionsConcurrently: TOPIC_PARTITIONS.postsRaw,
    inFlight: 1,
  });
  const assignStage = createAssignStage({
    newClusterer: () =>
      new IssueClusterer(config.ISSUE_THRESHOLD !== undefined ? { threshold: config.ISSUE_THRESHOLD } : {}),
    restore: (clusterer) => restoreClusterer(clusterer, stack.search, stack.names, Date.now()),
    search: stack.search,
    names: stack.names,
    producer: stack.bus.producer(),
    topics: stack.topics,
    logger: logger.child({ component: 'assign' }),
  });
  const assignConsumer = stack.bus.consumer({
    groupId: `${config.TOPIC_PREFIX}assigner`,
    topics: [stack.topics.postsScored],
    decode: createDecoder(ScoredPost, 'scored post'),
    handleBatch: assignStage.handleBatch,
    dlqTopic: stack.topics.dlq,
    fromBeginning: true,
    maxBatchSize: config.ASSIGN_BATCH_SIZE,
    inFlight: config.SCORER_IN_FLIGHT,
    // A scored post is ~2 KB: fetch enough for every batch in flight, so the pipeline stays full.
    maxBytesPerPartition: Math.max(1 << 20, config.ASSIGN_BATCH_SIZE * config.SCORER_IN_FLIGHT * 2_048),
    // Scorers interleave their output and each batch is assigned in publication order: gather what
    // arrives for a moment (up to one full batch) so a burst is sorted as a whole, not in slivers.
    lingerMs: config.ASSIGN_LINGER_MS,
    lingerBytes: config.ASSIGN_BATCH_SIZE * 2_048,
  });
  installShutdown(logger, [
    watchlistReload,
    factCheckReload,
    modelReload,
    { name: 'retrain-worker', close: () => retrainWorker.close() },
    { name: 'enrich consumer', close: () => enrichConsumer.close() },
    { name: 'assign consumer', close: () => assignConsumer.close() },
    { name: 'stack', close: () => stack.close() },
    metricsServer,
  ]);
  await Promise.all([enrichConsumer.start(), assignConsumer.start()]);
  logger.info(
    { model: enricher.model.version, watchlists: watchlists.size, factChecks: factChecks.size },
    'scorer running',
  );
}

main().catch((err) => {
  logger.fatal({ err }, 'scorer failed to start');
  process.exit(1);
});
