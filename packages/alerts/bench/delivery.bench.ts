/**
 * Alert delivery throughput (`npm run bench -- alerts`): signed webhook deliveries through the real
 * delivery queue + worker (BullMQ on the real Redis, concurrency 50) to a local receiver in another
 * process, against BullMQ's own rate for the same number of no-op jobs (add + process, same job
 * options, same concurrency) measured in the same run; the ratio says how much of BullMQ's ceiling
 * the delivery path keeps. Delivery outcomes are recorded in an in-memory store here (the OpenSearch
 * bookkeeping is measured separately when OpenSearch answers: `withOpenSearch`).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import pino from 'pino';
import { servers } from '@pantau/testkit';
import { Queue, Worker, closeRedis, connectRedis, obliterateQueue } from '@pantau/queue';
import { bulkIndex, createSearchClient, dropIndices, installIndices } from '@pantau/store';
import {
  createAlertStore,
  createDeliveryQueue,
  createDeliveryWorker,
  createWebhookChannel,
  type AlertStore,
  type DeliveryJob,
  type DeliveryRecord,
  type SubscriptionDoc,
} from '../src';
import { alertPayload } from '../test/fixture';

const REDIS_URL = servers.redisUrl;
const OPENSEARCH_URL = servers.opensearchUrl;
const N = 5000;
const WARM_UP = 500;
const ROUNDS = 3;
const CONCURRENCY = 50;
const logger = pino({ level: 'silent' });
const run = `${Date.now().toString(36)}`;
let rounds = 0;

/** A run that stops making progress fails the bench instead of hanging it. */
async function stalled(work: Promise<void>, what: string, ms = 180_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A receiver in its own process (it must not share this event loop): answers 204 to every POST. */
async function startReceiver(): Promise<{ url: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s=require('node:http').createServer((q,r)=>{q.resume();q.on('end',()=>r.writeHead(204).end())});
       s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}/hook`, stop: () => child.kill() };
}

/** BullMQ alone: N no-op jobs added in bulk and processed at the same concurrency. */
async function rawBullmq(N: number): Promise<number> {
  const prefix = `bench-raw-${run}-${N}-${(rounds += 1)}`;
  const connection = connectRedis(REDIS_URL, logger, 'bench');
  const workerConnection = connectRedis(REDIS_URL, logger, 'bench-worker');
  const queue = new Queue('raw', { connection, prefix });
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((resolve) => (finished = resolve));
  const worker = new Worker('raw', async () => undefined, {
    connection: workerConnection,
    prefix,
    concurrency: CONCURRENCY,
  });
  worker.on('completed', () => {
    done += 1;
    if (done === N) finished();
  });
  await worker.waitUntilReady();
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i += 500)
    await queue.addBulk(
      Array.from({ length: Math.min(500, N - i) }, (_, k) => ({
        name: 'noop',
        data: { i: i + k },
        opts: {
          jobId: `raw.${i + k}`,
          attempts: 6,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: { age: 3600, count: 50_000 },
        },
      })),
    );
  await stalled(all, `${N} raw jobs`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await worker.close();
  await queue.close();
  await closeRedis(connection);
  await closeRedis(workerConnection);
  await obliterateQueue(REDIS_URL, prefix, 'raw');
  return N / seconds;
}

/** The in-memory bookkeeping: subscriptions by id, delivered outcomes counted. */
function memoryStore(subscriptions: SubscriptionDoc[], onDelivered: () => void): AlertStore {
  const byId = new Map(subscriptions.map((s) => [s.id, s]));
  return {
    getSubscription: async (id) => byId.get(id) ?? null,
    recordDelivery: async (_alertId, record: DeliveryRecord) => {
      if (record.status === 'delivered') onDelivered();
      if (record.status === 'failed') throw new Error(`delivery failed: ${record.lastError}`);
    },
    getAlert: async () => null,
  } as Partial<AlertStore> as AlertStore;
}

async function deliveries(
  N: number,
  url: string,
  store?: (n: number, subs: SubscriptionDoc[], onDelivered: () => void) => Promise<AlertStore>,
): Promise<number> {
  const prefix = `bench-del-${run}-${N}-${store ? 'os' : 'mem'}-${(rounds += 1)}`;
  const subscriptions: SubscriptionDoc[] = Array.from({ length: 100 }, (_, i) => ({
    id: `sub_bench_${i}`,
    agencyId: 'ag_bench',
    channel: 'webhook',
    createdAt: new Date().toISOString(),
    config: { url, secret: 'bench-secret-1234567890' },
  }));
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((resolve) => (finished = resolve));
  const onDelivered = () => {
    done += 1;
    if (done === N) finished();
  };
  const alertStore = store
    ? await store(N, subscriptions, onDelivered)
    : memoryStore(subscriptions, onDelivered);
  const queue = createDeliveryQueue({ redisUrl: REDIS_URL, prefix, logger });
  const worker = createDeliveryWorker({
    redisUrl: REDIS_URL,
    prefix,
    store: alertStore,
    channels: [createWebhookChannel({ allowPrivateTargets: true })],
    logger,
    concurrency: CONCURRENCY,
  });
  const payload = alertPayload();
  const jobs: DeliveryJob[] = Array.from({ length: N }, (_, i) => ({
    // Two subscriptions per alert, as an agency with Slack + e-mail would have.
    alertId: `al_bench_${Math.floor(i / 2)}`,
    version: 1,
    subscriptionId: subscriptions[i % subscriptions.length]!.id,
    channel: 'webhook',
    payload: {
      ...payload,
      alert: { ...payload.alert, id: `al_bench_${Math.floor(i / subscriptions.length)}` },
    },
  }));
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i += 500) await queue.enqueue(jobs.slice(i, i + 500));
  await stalled(all, `${N} deliveries`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await worker.close();
  await queue.close();
  await obliterateQueue(REDIS_URL, prefix, 'deliveries');
  return N / seconds;
}

/** The same deliveries with their outcomes recorded on alert documents in the real OpenSearch. */
async function openSearchStore(n: number, subs: SubscriptionDoc[], onDelivered: () => void) {
  const client = createSearchClient(OPENSEARCH_URL);
  const prefix = `bench-${run}-`;
  const names = await installIndices(client, { prefix });
  cleanup.push(async () => {
    await dropIndices(client, prefix);
    await client.close();
  });
  const real = createAlertStore(client, names);
  const now = new Date().toISOString();
  const base = alertPayload().alert;
  const docs = Array.from({ length: Math.ceil(n / 2) }, (_, i) => ({
    index: names.of('alerts'),
    id: `al_bench_${i}`,
    doc: {
      ...base,
      id: `al_bench_${i}`,
      agencyId: 'ag_bench',
      issueId: base.issue.id,
      watchlistIds: [],
      versionAt: now,
      deliveries: [],
    },
  }));
  for (let i = 0; i < docs.length; i += 1000)
    await bulkIndex(client, docs.slice(i, i + 1000), { refresh: i + 1000 >= docs.length });
  const byId = new Map(subs.map((s) => [s.id, s]));
  return {
    ...real,
    getSubscription: async (id: string) => byId.get(id) ?? null,
    recordDelivery: async (alertId: string, record: DeliveryRecord) => {
      await real.recordDelivery(alertId, record);
      if (record.status === 'delivered') onDelivered();
    },
  } as AlertStore;
}
const cleanup: (() => Promise<void>)[] = [];

async function main() {
  const receiver = await startReceiver();
  try {
    // Warm-up (connections, Lua scripts, JIT), not measured.
    await rawBullmq(WARM_UP);
    await deliveries(WARM_UP, receiver.url);
    // Interleaved rounds, best of each: the machine is shared and noisy, and a neighbour's burst
    // should not land on one side of the comparison only.
    let raw = 0;
    let delivered = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      raw = Math.max(raw, await rawBullmq(N));
      delivered = Math.max(delivered, await deliveries(N, receiver.url));
    }
    let withOpenSearch: number | undefined;
    try {
      withOpenSearch = await deliveries(N, receiver.url, openSearchStore);
    } catch (err) {
      console.log(`OpenSearch variant skipped: ${(err as Error).message}`);
    }
    const ratio = delivered / raw;
    console.log(`deliveries=${N} concurrency=${CONCURRENCY} best of ${ROUNDS} interleaved rounds`);
    console.log(`BullMQ raw (add + no-op process): ${Math.round(raw)} jobs/s`);
    console.log(`webhook deliveries (signed POST, local receiver): ${Math.round(delivered)} /s`);
    if (withOpenSearch)
      console.log(`… with outcomes recorded in OpenSearch: ${Math.round(withOpenSearch)} /s`);
    console.log(`deliveries/raw: ${ratio.toFixed(2)}`);
    console.log(
      JSON.stringify({
        bench: 'alerts.delivery',
        deliveries: N,
        concurrency: CONCURRENCY,
        rounds: ROUNDS,
        rawJobsPerSec: Math.round(raw),
        deliveriesPerSec: Math.round(delivered),
        ...(withOpenSearch ? { deliveriesPerSecWithOpenSearch: Math.round(withOpenSearch) } : {}),
        ratio: Number(ratio.toFixed(2)),
      }),
    );
  } finally {
    receiver.stop();
    for (const c of cleanup) await c().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
