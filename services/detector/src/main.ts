import { Type } from '@sinclair/typebox';
import { createDecoder, EnrichedPost, systemClock, TOPIC_PARTITIONS } from '@pantau/core';
import {
  CommonConfig,
  configSchema,
  createLogger,
  installShutdown,
  loadConfigOrExit,
  metrics,
  metricsConfig,
  repeat,
  startMetrics,
} from '@pantau/runtime';
import { connectStack } from '@pantau/stack';
import {
  DEFAULT_DETECTOR_SETTINGS,
  IssueTracker,
  createDetectorStage,
  CountedRecall,
} from '@pantau/detector';

// Detector: posts.enriched → per-issue windows against each issue's baseline → issues topic + index.
const d = DEFAULT_DETECTOR_SETTINGS;
const config = loadConfigOrExit(
  configSchema({
    ...CommonConfig,
    ...metricsConfig('detector'),
    DETECTOR_BUCKET_MS: Type.Integer({ minimum: 100, default: d.bucketMs }),
    DETECTOR_WINDOW_BUCKETS: Type.Integer({ minimum: 1, default: d.windowBuckets }),
    DETECTOR_BASELINE_BUCKETS: Type.Integer({ minimum: 1, default: d.baselineBuckets }),
    DETECTOR_RISING_MIN: Type.Integer({ minimum: 1, default: d.risingMinCount }),
    DETECTOR_RISING_RATIO: Type.Number({ exclusiveMinimum: 1, default: d.risingRatio }),
    DETECTOR_QUICK_MIN: Type.Integer({
      minimum: 0,
      default: d.quickMinCount,
      description:
        'a new issue also rises with this many posts by as many authors within one bucket span (0: off)',
    }),
    DETECTOR_QUICK_COPIES: Type.Integer({
      minimum: 0,
      default: d.quickCopyMinAuthors,
      description:
        'a new issue also rises when this many accounts post one text within one bucket span (0: off)',
    }),
    DETECTOR_QUICK_TERM_CHANCE: Type.Number({
      minimum: 0,
      maximum: 1,
      default: d.quickTermChance,
      description:
        "a new issue also rises when a word rare in the stream is in DETECTOR_QUICK_MIN accounts' posts across several issues within one bucket span, with at most this chance at its usual share (0: off)",
    }),
    DETECTOR_QUICK_MAX_PRIOR: Type.Integer({
      minimum: 0,
      default: d.quickMaxPrior,
      description:
        'the quick rules (DETECTOR_QUICK_MIN, DETECTOR_QUICK_COPIES, DETECTOR_QUICK_TERM_CHANCE) are for issues with fewer posts than this before the quick span (0: any)',
    }),
    DETECTOR_TICK_MS: Type.Integer({ minimum: 100, default: 10_000 }),
    DETECTOR_BATCH_SIZE: Type.Integer({
      minimum: 1,
      default: 1000,
      description: 'posts per handled batch: an issue is written at most once per batch',
    }),
    DETECTOR_FLUSH_MS: Type.Integer({
      minimum: 0,
      // 5 s, not 1 s: under load the issue documents were a third of OpenSearch's writes and slowed the
      // posts' own bulk requests (ingest→searchable p99 3.8–4.0 s → 2.3–2.5 s at 1,000 posts/s, bench:e2e).
      default: 5000,
      description: 'least time between two writes of issue documents; events are written and sent at once',
    }),
    DETECTOR_RECALL_MS: Type.Integer({
      minimum: 0,
      default: 10 * 60_000,
      description:
        'at start, the ids of posts counted within this span before the committed offsets are read back, so a duplicate of one is not counted again',
    }),
    DETECTOR_RECALL_MAX: Type.Integer({
      minimum: 0,
      default: 20_000,
      description:
        'at most this many posts read back per posts.enriched partition, at start and on a takeover (0: no recall)',
    }),
    DETECTOR_IN_FLIGHT: Type.Integer({
      minimum: 1,
      default: 2,
      description: 'batches in flight: batches arriving while issues are being written share the next write',
    }),
  }),
  'detector',
);
const logger = createLogger({ service: 'detector', level: config.LOG_LEVEL, format: config.LOG_FORMAT });

async function main() {
  const metricsServer = await startMetrics('detector', config, logger);
  const stack = await connectStack(config, logger, 'pantau-detector');
  // Issue events by type, counted where they leave the detector.
  const busProducer = stack.bus.producer();
  const producer: typeof busProducer = {
    async send(topic, messages) {
      await busProducer.send(topic, messages);
      if (topic !== stack.topics.issues) return;
      for (const m of messages) {
        const type = (JSON.parse(m.value.toString()) as { type?: string }).type ?? 'unknown';
        metrics.issueEvents.inc({ type });
      }
    },
  };
  const tracker = new IssueTracker(
    {
      ...d,
      bucketMs: config.DETECTOR_BUCKET_MS,
      windowBuckets: config.DETECTOR_WINDOW_BUCKETS,
      baselineBuckets: config.DETECTOR_BASELINE_BUCKETS,
      risingMinCount: config.DETECTOR_RISING_MIN,
      risingRatio: config.DETECTOR_RISING_RATIO,
      quickMinCount: config.DETECTOR_QUICK_MIN,
      quickCopyMinAuthors: config.DETECTOR_QUICK_COPIES,
      quickMaxPrior: config.DETECTOR_QUICK_MAX_PRIOR,
      quickTermChance: config.DETECTOR_QUICK_TERM_CHANCE,
    },
    systemClock,
  );
  const groupId = `${config.TOPIC_PREFIX}detector`;
  const recall = new CountedRecall(
    stack.bus,
    tracker,
    {
      groupId,
      topic: stack.topics.postsEnriched,
      windowMs: config.DETECTOR_RECALL_MS,
      maxPerPartition: config.DETECTOR_RECALL_MAX,
    },
    logger.child({ component: 'recall' }),
  );
  // Best effort: without it only a duplicate that straddles this restart could be counted twice.
  await recall
    .atStart()
    .catch((err: unknown) => logger.warn({ err }, 'could not read back the posts counted before this start'));
  const stage = createDetectorStage({
    tracker,
    search: stack.search,
    names: stack.names,
    producer,
    topics: stack.topics,
    logger: logger.child({ component: 'stage' }),
    minFlushIntervalMs: config.DETECTOR_FLUSH_MS,
    recall,
  });
  const consumer = stack.bus.consumer({
    groupId,
    topics: [stack.topics.postsEnriched],
    decode: createDecoder(EnrichedPost, 'enriched post'),
    handleBatch: stage.handleBatch,
    dlqTopic: stack.topics.dlq,
    fromBeginning: true,
    maxBatchSize: config.DETECTOR_BATCH_SIZE,
    inFlight: config.DETECTOR_IN_FLIGHT,
    // Every partition's batches wait for the same write of issue documents: handle them side by side.
    partitionsConcurrently: TOPIC_PARTITIONS.postsEnriched,
    // An enriched post is ~2 KB: fetch enough for every batch in flight.
    maxBytesPerPartition: Math.max(1 << 20, config.DETECTOR_BATCH_SIZE * config.DETECTOR_IN_FLIGHT * 2_048),
  });
  // Quiet issues get no posts to trigger a judgement: re-judge everything on a timer so they cool.
  const ticker = repeat('detector tick', config.DETECTOR_TICK_MS, () => stage.tick(), logger);
  installShutdown(logger, [
    ticker,
    { name: 'consumer', close: () => consumer.close() },
    { name: 'stack', close: () => stack.close() },
    metricsServer,
  ]);
  await consumer.start();
  logger.info('detector running');
}

main().catch((err) => {
  logger.fatal({ err }, 'detector failed to start');
  process.exit(1);
});
