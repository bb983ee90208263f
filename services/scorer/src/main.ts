import { Type } from '@sinclair/typebox';
import { createDecoder, RawPost, systemClock } from '@pantau/core';
import {
  CommonConfig,
  configSchema,
  createLogger,
  installShutdown,
  loadConfigOrExit,
  repeat,
} from '@pantau/runtime';
import { connectStack } from '@pantau/stack';
import { recentIssues } from '@pantau/store';
import { createEnricher, loadHoaxModel, normalize, stem } from '@pantau/nlp-id';
import { createRetrainWorker } from '@pantau/alerts';
import {
  FactCheckSync,
  IssueAssigner,
  ModelSync,
  runRetrain,
  NearDuplicateIndex,
  WatchlistRegistry,
  createScorerStage,
  importFactChecksCsv,
} from '@pantau/scorer';

// Scorer: posts.raw → Indonesian enrichment + hoax score + issue + watchlists → OpenSearch + posts.enriched.
const config = loadConfigOrExit(
  configSchema({
    ...CommonConfig,
    HOAX_MODEL_PATH: Type.Optional(
      Type.String({ description: 'model JSON from `pantau hoax train`; default: the shipped model' }),
    ),
    SLANG_LEXICONS: Type.String({ default: '', description: 'comma-separated extra slang,formal CSV files' }),
    WATCHLIST_REFRESH_MS: Type.Integer({ minimum: 200, default: 5000 }),
    FACTCHECKS_CSV: Type.String({
      default: '',
      description: 'id,title,text,verdict,url CSV imported into the factchecks index at start',
    }),
    FACTCHECK_REFRESH_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
    SCORER_BATCH_SIZE: Type.Integer({ minimum: 1, default: 500 }),
    MODEL_REFRESH_MS: Type.Integer({
      minimum: 1000,
      default: 30_000,
      description: 'how often the scorer looks for a newly promoted hoax model',
    }),
  }),
  'scorer',
);
const logger = createLogger({ service: 'scorer', level: config.LOG_LEVEL });

async function main() {
  const stack = await connectStack(config, logger, 'pantau-scorer');
  const enricher = createEnricher({
    ...(config.HOAX_MODEL_PATH ? { model: loadHoaxModel(config.HOAX_MODEL_PATH) } : {}),
    extraLexiconFiles: config.SLANG_LEXICONS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  });
  if (config.FACTCHECKS_CSV) {
    const imported = await importFactChecksCsv(stack.search, stack.names, config.FACTCHECKS_CSV, logger);
    logger.info({ file: config.FACTCHECKS_CSV, imported }, 'fact-checks imported');
  }
  const factChecks = new FactCheckSync(stack.search, stack.names, (items) => enricher.addFactChecks(items));
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
    () => factChecks.refresh(),
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

  // Re-learn the issues of the last day so running stories keep their issue across a restart.
  const assigner = new IssueAssigner();
  const known = await recentIssues(
    stack.search,
    stack.names,
    new Date(Date.now() - 24 * 3600_000).toISOString(),
  );
  for (const issue of known)
    assigner.seed(issue.id, issue.state?.termCounts ?? issue.terms.map((t) => [t, 1]), issue.count);

  const stage = createScorerStage({
    enricher,
    assigner,
    nearDuplicates: new NearDuplicateIndex(),
    watchlists,
    stemToken: stem,
    search: stack.search,
    names: stack.names,
    producer: stack.bus.producer(),
    topics: stack.topics,
    logger: logger.child({ component: 'stage' }),
    clock: systemClock,
  });
  const consumer = stack.bus.consumer({
    groupId: `${config.TOPIC_PREFIX}scorer`,
    topics: [stack.topics.postsRaw],
    decode: createDecoder(RawPost, 'raw post'),
    handleBatch: stage.handleBatch,
    dlqTopic: stack.topics.dlq,
    fromBeginning: true,
    maxBatchSize: config.SCORER_BATCH_SIZE,
  });
  installShutdown(logger, [
    watchlistReload,
    factCheckReload,
    modelReload,
    { name: 'retrain-worker', close: () => retrainWorker.close() },
    { name: 'consumer', close: () => consumer.close() },
    { name: 'stack', close: () => stack.close() },
  ]);
  await consumer.start();
  logger.info(
    { model: enricher.model.version, watchlists: watchlists.size, factChecks: factChecks.size },
    'scorer running',
  );
}

main().catch((err) => {
  logger.fatal({ err }, 'scorer failed to start');
  process.exit(1);
});
