import { Type } from '@sinclair/typebox';
import {
  CommonConfig,
  configSchema,
  createLogger,
  installShutdown,
  loadConfigOrExit,
  metrics,
  metricsConfig,
  startMetrics,
} from '@pantau/runtime';
import { connectStack } from '@pantau/stack';
import { replayJsonl } from '@pantau/ingest';
import type { Producer } from '@pantau/bus';

// Ingest: source connectors → posts.raw. Today: JSONL replay (push arrives through the API's
// POST /v1/ingest/posts). Replay settings can also be given as flags: --file, --speed, --retime.
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
  const metricsServer = await startMetrics('ingest', config, logger);
  const stack = await connectStack(config, logger, 'pantau-ingest');
  const abort = new AbortController();
  const shutdown = installShutdown(logger, [
    { name: 'replay', close: () => abort.abort() },
    { name: 'stack', close: () => stack.close() },
    metricsServer,
  ]);
  const file = flag('file') ?? config.REPLAY_FILE;
  if (!file) {
    logger.info('no replay file configured; nothing to ingest (posts can be pushed to the API)');
    await shutdown.close();
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
