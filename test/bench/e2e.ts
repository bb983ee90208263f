/**
 * `npm run bench:e2e` — Pantau end to end against a raw passthrough, in the same run, on the same
 * servers (the running Kafka, OpenSearch and Redis; every topic, index, group and queue of the run is
 * named after one unique prefix and removed at the end).
 *
 *  (a) raw:    kafkajs produce of N posts → consume → `_bulk` of the enriched documents Pantau would
 *              write (computed before the clock starts) into an index with the posts template, until
 *              `_count` says all N are searchable. Transport and store only: the floor of the servers.
 *  (b) Pantau: the api, scorer and detector as real processes (as `npm start` runs them); N posts through
 *              `POST /v1/ingest/posts` (500 a request, 4 connections) until all N are searchable and the
 *              detector has committed every enriched post (its issues are written).
 *  (c) latency: a fixed offered load (default 1,000 posts/s for 60 s), one request every 100 ms;
 *              ingest→searchable per post (send time → the first poll that finds it; polls every 100 ms).
 *
 * Then: peak RSS of every service (VmHWM) with its RSS over the latency phase, and a check that issue
 * counts are exact (each issue document's count = its posts in the index).
 * The machine is shared and noisy: the ratio raw/Pantau of one run is the figure to compare.
 * The last stdout line is one JSON object.
 *
 *   npm run bench:e2e -- [--posts 20000] [--rate 1000] [--seconds 60] [--data DIR] [--keep]
 *                        [--env SCORER_IN_FLIGHT=1 ...] [--scorers 1] [--skip-raw] [--raw-only] [--profile DIR]
 *                        [--history 500000] [--warmup 10000] [--latency-csv FILE]
 *
 * --warmup N: before the clock starts, N posts of *other* texts (news headlines and MAFINDO claims from
 * ../shared/data/hoax, never the measured ones) go through the running services untimed, so the
 * throughput phase meets a scorer in its steady state (JIT-compiled, word caches holding everyday
 * vocabulary) instead of a cold one; the measured texts stay new to it. Compare with a run without.
 *
 * --history N: before Pantau starts, N earlier posts (the same texts, enriched and assigned in-process,
 * published over the 10 days before the run) are indexed under the run's prefix, so the run meets an
 * index, an assigner restore and issues that already hold a history; compare its posts/s with a run
 * without. Only the run's own posts (source "bench") are counted and checked.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import IORedis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { postId, topicNames } from '@pantau/core';
import { IndexNames, bulkIndex, createSearchClient, dropIndices, installIndices } from '@pantau/store';
import { createEnricher, readLabelledCsv, stem } from '@pantau/nlp-id';
import { IssueClusterer } from '@pantau/issues';
import { assignIssue, scorePost } from '@pantau/scorer';
import { servers, sleep, uniqueName } from '@pantau/testkit';
import { consumerLag } from '../support/kafka-lag';
import {
  randomPort,
  repoRoot,
  stackEnv,
  startService,
  stopService,
  tail,
  type ServiceProcess,
} from '../support/processes';

const { values: args } = parseArgs({
  options: {
    posts: { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    data: { type: 'string' },
    keep: { type: 'boolean' },
    'skip-raw': { type: 'boolean' },
    'raw-only': { type: 'boolean' },
    profile: { type: 'string' },
    'latency-csv': { type: 'string' },
    scorers: { type: 'string' },
    history: { type: 'string' },
    warmup: { type: 'string' },
    // --env KEY=VALUE (repeatable): extra environment for the services, to compare settings.
    env: { type: 'string', multiple: true },
  },
});
const N = Number(args.posts ?? 20_000);
const HISTORY = Number(args.history ?? 0);
const WARMUP = Number(args.warmup ?? 0);
const RATE = Number(args.rate ?? 1_000);
const SECONDS = Number(args.seconds ?? 60);
const PER_REQUEST = 500;
const CONNECTIONS = 4;
const ADMIN_KEY = 'pk_admin_bench_0123456789abcdef';
const log = (msg: string) =>
  process.stderr.write(`[bench:e2e ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

// ---- posts: real Indonesian texts (../shared/data, read in place), else the bundled sample ----------
function sharedDir(): string | undefined {
  const candidates = args.data
    ? [path.resolve(args.data)]
    : [path.resolve(repoRoot, '../shared/data'), path.resolve(repoRoot, '../../shared/data')];
  return candidates.find((d) => existsSync(path.join(d, 'issues/election2019-topics-train.jsonl')));
}
function loadTexts(): { texts: string[]; source: string } {
  const dir = sharedDir();
  if (dir) {
    const tweets = readFileSync(path.join(dir, 'issues/election2019-topics-train.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { text: string }).text);
    const reviewsFile = path.join(dir, 'text/indonlu-smsa-train.tsv');
    const reviews = existsSync(reviewsFile)
      ? readFileSync(reviewsFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split('\t')[0]!)
      : [];
    // Interleaved: many small stories among unrelated chatter, as in a real stream.
    const texts = tweets.flatMap((t, i) => (reviews[i] ? [t, reviews[i]!] : [t]));
    return { texts: [...texts, ...reviews.slice(tweets.length)], source: dir };
  }
  const file = path.join(repoRoot, 'packages/ingest/data/sample-posts.jsonl');
  const texts = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { text: string }).text);
  return { texts, source: file };
}
const { texts, source: dataSource } = loadTexts();

const SOURCE = 'bench';
/** Zero-padded, so a keyword range over sourceId follows the sequence. */
const seqId = (i: number) => `b${String(i).padStart(9, '0')}`;
function postInput(i: number, at: Date) {
  return {
    source: SOURCE,
    sourceId: seqId(i),
    text: texts[i % texts.length]!,
    publishedAt: at.toISOString(),
    author: { handle: `warga${i % 5_000}` },
    url: `https://contoh.pantau.id/bench/${i}`,
  };
}

// ---- helpers ----------------------------------------------------------------------------------
const prefix = uniqueName('bench');
const env = {
  ...stackEnv(prefix, servers, ADMIN_KEY),
  ...Object.fromEntries(
    (args.env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  ),
};
const topics = topicNames(env.TOPIC_PREFIX);
const search = createSearchClient(servers.opensearchUrl, 60_000);
const kafka = new Kafka({ clientId: 'bench-e2e', brokers: servers.kafkaBrokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
const fmtStage = (q?: { p50: unknown; p95: unknown; p99: unknown }) =>
  q ? `${String(q.p50)}/${String(q.p95)}/${String(q.p99)}` : '–';

/** The month's posts index is made before the clock starts, for both (its creation is not throughput). */
async function createIndex(index: string): Promise<void> {
  await search.indices.create({ index } as never).catch((err: { meta?: { body?: unknown } }) => {
    if (!JSON.stringify(err.meta?.body ?? '').includes('resource_already_exists')) throw err;
  });
}

async function countDocs(index: string, source?: string): Promise<number> {
  const res = await search.count({
    index,
    ignore_unavailable: true,
    allow_no_indices: true,
    ...(source ? { body: { query: { term: { source } } } } : {}),
  } as never);
  return (res.body as unknown as { count: number }).count;
}

const lag = (groupId: string, topic: string): Promise<number> => consumerLag(admin, groupId, topic);

/** CPU seconds (user + system) a process (or, with a `task/N` path, one of its threads) has used so far. */
function cpuOf(pid: number | string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds a JVM's JIT compiler threads (C1, C2) have used so far. A young server is still
 * compiling the code paths a phase exercises (OpenSearch's gets, searches and small bulks in the
 * Pantau phase): most of its CPU there in the first run after `services.sh up`, a fifth a few
 * runs later, none after an hour. Printed beside the cores so a run can be read either way.
 */
function jitCpuOf(pid: number): number {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  let seconds = 0;
  for (const tid of tasks) {
    try {
      if (/^C[12] CompilerThre/.test(readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8')))
        seconds += cpuOf(`${pid}/task/${tid}`);
    } catch {
      // the thread ended
    }
  }
  return seconds;
}

/**
 * The servers scripts/services.sh started (their pid files), so the bench can say where the machine's
 * cores went in each phase; servers started some other way are simply not listed.
 */
const runDir = path.join(process.env.PANTAU_DATA_DIR ?? path.resolve(__dirname, '../../.data'), 'run');
function serverPids(): Record<string, number> {
  const pids: Record<string, number> = {};
  for (const name of ['opensearch', 'kafka', 'redis']) {
    try {
      const pid = Number(readFileSync(path.join(runDir, `${name}.pid`), 'utf8').trim());
      if (pid > 0) pids[name] = pid;
    } catch {
      // not started by scripts/services.sh
    }
  }
  return pids;
}
/** Starts measuring; the function it returns gives the cores each process used since: 1.0 = one core all along. */
function coreMeter(
  pids: Record<string, number>,
  cpu: (pid: number) => number = cpuOf,
): () => Record<string, number> {
  const read = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpu(pid)]));
  const before = read();
  const at = Date.now();
  return () => {
    const after = read();
    const seconds = (Date.now() - at) / 1000;
    return Object.fromEntries(
      Object.keys(after).map((k) => [k, Number(((after[k]! - before[k]!) / seconds).toFixed(2))]),
    );
  };
}

/** Cores the JIT compilers of the Java servers (OpenSearch, Kafka) used since it was called. */
function jitMeter(): () => Record<string, number> {
  const { redis: _notJava, ...javaServers } = serverPids();
  return coreMeter(javaServers, jitCpuOf);
}

/**
 * What OpenSearch itself did over a phase, from its node stats: requests by kind (bulk, search, get,
 * refresh, merge) with their count and the milliseconds it reports for them. Cores say how busy the
 * server was; this says on what, so the raw and the Pantau phase can be compared post for post.
 */
async function openSearchMeter(): Promise<() => Promise<Record<string, { ops: number; ms: number }>>> {
  const read = async () => {
    const res = await search.nodes.stats({ metric: ['indices'] } as never);
    const nodes = Object.values(
      (res.body as unknown as { nodes: Record<string, { indices: Record<string, Record<string, number>> }> })
        .nodes,
    );
    const sum = (section: string, count: string, ms: string) => ({
      ops: nodes.reduce((s, n) => s + (n.indices[section]?.[count] ?? 0), 0),
      ms: nodes.reduce((s, n) => s + (n.indices[section]?.[ms] ?? 0), 0),
    });
    return {
      indexDocs: sum('indexing', 'index_total', 'index_time_in_millis'),
      bulkRequests: sum('bulk', 'total_operations', 'total_time_in_millis'),
      searches: sum('search', 'query_total', 'query_time_in_millis'),
      gets: sum('get', 'total', 'time_in_millis'),
      refreshes: sum('refresh', 'total', 'total_time_in_millis'),
      merges: sum('merges', 'total', 'total_time_in_millis'),
    };
  };
  const before = await read();
  return async () => {
    const after = await read();
    return Object.fromEntries(
      Object.entries(after).map(([k, v]) => [
        k,
        { ops: v.ops - before[k as keyof typeof before].ops, ms: v.ms - before[k as keyof typeof before].ms },
      ]),
    );
  };
}

function rssOf(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

// ---- (a) raw passthrough ---------------------------------------------------------------------------
async function rawPassthrough(): Promise<{
  perSec: number;
  ms: number;
  serverCores: Record<string, number>;
  jitCores: Record<string, number>;
  openSearch: Record<string, { ops: number; ms: number }>;
}> {
  log(`raw: enriching ${N} posts in-process (before the clock starts)`);
  const enricher = createEnricher({});
  const clusterer = new IssueClusterer({});
  const at = Date.now();
  const docs: string[] = [];
  const raws: string[] = [];
  for (let i = 0; i < N; i++) {
    const input = postInput(i, new Date(at + i));
    const raw = {
      v: 1 as const,
      id: postId(input.source, input.sourceId),
      ...input,
      fetchedAt: new Date(at).toISOString(),
    };
    const scored = scorePost(raw as never, {
      enricher,
      watchlists: { match: () => [] },
      stemToken: stem,
      clock: { now: () => Date.now() },
    });
    docs.push(JSON.stringify(assignIssue(scored, clusterer)));
    raws.push(JSON.stringify(raw));
  }
  const rawPrefix = `${prefix}-raw-`;
  const names = await installIndices(search, { prefix: rawPrefix });
  const index = names.postsFor(new Date(at).toISOString());
  await createIndex(index);
  const topic = `${prefix}.raw-passthrough`;
  // Not kafkajs' waitForLeaders: it gives up when the broker's metadata lags (UNKNOWN_TOPIC_OR_PARTITION).
  await admin.createTopics({
    waitForLeaders: false,
    topics: [{ topic, numPartitions: 6, replicationFactor: 1 }],
  });
  for (let tries = 0; ; tries++) {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    if (meta?.topics[0]?.partitions.filter((p) => p.leader >= 0).length === 6) break;
    if (tries >= 50) throw new Error(`topic ${topic}: no leader for every partition after 10 s`);
    await sleep(200);
  }
  const consumer = kafka.consumer({ groupId: `${prefix}.raw`, maxWaitTimeInMs: 100 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let bulked = 0;
  void consumer.run({
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      for (let i = 0; i < batch.messages.length; i += PER_REQUEST) {
        const chunk = batch.messages.slice(i, i + PER_REQUEST);
        const body =
          chunk
            .map((m) => {
              const n = Number(m.key!.toString());
              return `{"index":{"_index":"${index}","_id":"${postId(SOURCE, seqId(n))}"}}\n${docs[n]}`;
            })
            .join('\n') + '\n';
        const res = await search.bulk({ body } as never);
        if ((res.body as { errors: boolean }).errors) throw new Error('raw bulk had errors');
        bulked += chunk.length;
      }
    },
  });
  await joined;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const servers = coreMeter({ ...serverPids(), bench: process.pid });
  const jit = jitMeter();
  const openSearchWork = await openSearchMeter();
  const started = Date.now();
  for (let i = 0; i < N; i += PER_REQUEST) {
    await producer.send({
      topic,
      acks: -1,
      messages: raws.slice(i, i + PER_REQUEST).map((value, j) => ({ key: String(i + j), value })),
    });
  }
  const producedMs = Date.now() - started;
  let bulkedMs = 0;
  while ((await countDocs(index)) < N) {
    if (!bulkedMs && bulked >= N) bulkedMs = Date.now() - started;
    await sleep(100);
  }
  const ms = Date.now() - started;
  const serverCores = servers();
  const jitCores = jit();
  const openSearch = await openSearchWork();
  log(`raw: produced in ${producedMs} ms, bulked in ${bulkedMs || ms} ms`);
  log(`raw: ${N} posts produced, consumed, bulked and searchable in ${ms} ms (bulked ${bulked})`);
  await producer.disconnect();
  await consumer.disconnect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.deleteGroups([`${prefix}.raw`]).catch(() => undefined);
  await dropIndices(search, rawPrefix);
  return { perSec: (N / ms) * 1000, ms, serverCores, jitCores, openSearch };
}

// ---- (b) Pantau ----------------------------------------------------------------------------------
const procs: ServiceProcess[] = [];
let api = '';

async function ingest(batch: unknown[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${api}/v1/ingest/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    const text = await res.text();
    if (res.status === 202) return;
    if (attempt >= 5 || res.status < 500)
      throw new Error(`ingest answered ${res.status}: ${text.slice(0, 300)}`);
    await sleep(200 * (attempt + 1));
  }
}

/** --history: N earlier posts straight into the index (enriched and assigned here, not timed). */
async function seedHistory(n: number): Promise<void> {
  log(`history: enriching and indexing ${n} earlier posts`);
  const started = Date.now();
  const enricher = createEnricher({});
  const clusterer = new IssueClusterer({});
  const names = await installIndices(search, { prefix: env.INDEX_PREFIX });
  const byText = new Map<string, ReturnType<typeof scorePost>>();
  const end = Date.now() - 3600_000;
  const span = 10 * 24 * 3600_000;
  let batch: { index: string; id: string; doc: Record<string, unknown> }[] = [];
  for (let i = 0; i < n; i++) {
    const text = texts[i % texts.length]!;
    const at = new Date(end - span + Math.floor((i * span) / n)).toISOString();
    const raw = {
      v: 1 as const,
      id: postId('history', `h${i}`),
      source: 'history',
      sourceId: `h${i}`,
      text,
      publishedAt: at,
      fetchedAt: at,
      author: { handle: `warga${i % 5_000}` },
    };
    let scored = byText.get(text);
    if (!scored) {
      scored = scorePost(raw as never, {
        enricher,
        watchlists: { match: () => [] },
        stemToken: stem,
        clock: { now: () => Date.now() },
      });
      byText.set(text, scored);
    }
    const post = assignIssue({ ...scored, ...raw }, clusterer);
    batch.push({ index: names.postsFor(at), id: post.id, doc: post as unknown as Record<string, unknown> });
    if (batch.length === 5_000 || i === n - 1) {
      for (const index of new Set(batch.map((b) => b.index))) await createIndex(index);
      const res = await bulkIndex(search, batch);
      if (res.failed.length) throw new Error(`history: ${res.failed.length} posts refused`);
      batch = [];
    }
  }
  await search.indices.refresh({ index: `${env.INDEX_PREFIX}posts` } as never);
  log(`history: ${n} posts indexed in ${Date.now() - started} ms`);
}

async function startPantau(): Promise<void> {
  const port = randomPort();
  api = `http://127.0.0.1:${port}`;
  // --profile DIR: CPU profiles of every service (node --cpu-prof), written at their exit.
  const prof = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile)}`] : [];
  procs.push(startService('api', { ...env, PORT: String(port) }, [], prof));
  // --scorers K: K scorer processes enrich posts.raw's partitions in parallel (one of them assigns).
  const scorers = Number(args.scorers ?? 1);
  for (let i = 0; i < scorers; i++) {
    const p = startService('scorer', { ...env }, [], prof);
    if (scorers > 1) p.name = `scorer${i + 1}`;
    procs.push(p);
  }
  procs.push(startService('detector', { ...env }, [], prof));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ready = await fetch(`${api}/readyz`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ready && procs.slice(1).every((p) => p.output.some((l) => l.includes('running')))) {
      await createIndex(new IndexNames(env.INDEX_PREFIX).postsFor(new Date().toISOString()));
      return;
    }
    if (Date.now() > deadline || procs.some((p) => p.child.exitCode !== null))
      throw new Error(`Pantau did not start\n${tail(procs)}`);
    await sleep(300);
  }
}

/** Everything ingested is searchable and the detector has committed it (its issues are written). */
async function settled(expected: number): Promise<boolean> {
  if ((await countDocs(`${env.INDEX_PREFIX}posts`, SOURCE)) < expected) return false;
  return (await lag(`${env.TOPIC_PREFIX}detector`, topics.postsEnriched)) === 0;
}

/** Texts for --warmup: other sources than the measured posts (headlines, fact-checked claims). */
function warmupTexts(): string[] {
  const dir = sharedDir();
  const files = dir
    ? ['hoax/headlines2024-train.csv', 'hoax/mafindo-train.csv']
        .map((f) => path.join(dir, f))
        .filter((f) => existsSync(f))
    : [];
  const pools = files.map((f) => readLabelledCsv(f).map((r) => r.text));
  const texts: string[] = [];
  for (let i = 0; pools.some((p) => i < p.length); i++) for (const p of pools) if (p[i]) texts.push(p[i]!);
  if (!texts.length) throw new Error('--warmup needs ../shared/data/hoax (headlines, MAFINDO claims)');
  return texts;
}

/** --warmup: n posts of other texts through the services, untimed, until all are handled. */
async function warmUp(n: number): Promise<void> {
  const pool = warmupTexts();
  const started = Date.now();
  const at = started - 10 * 60_000;
  for (let from = 0; from < n; from += PER_REQUEST) {
    const batch = [];
    for (let i = from; i < Math.min(n, from + PER_REQUEST); i++)
      batch.push({
        source: 'warmup',
        sourceId: `w${i + 1}`,
        text: pool[i % pool.length]!.slice(0, 4_000),
        publishedAt: new Date(at + i * 10).toISOString(),
        author: { handle: `pembaca${i % 3_000}` },
      });
    await ingest(batch);
  }
  while (
    (await countDocs(`${env.INDEX_PREFIX}posts`, 'warmup')) < n + 1 ||
    (await lag(`${env.TOPIC_PREFIX}detector`, topics.postsEnriched)) > 0
  ) {
    if (procs.some((p) => p.child.exitCode !== null)) throw new Error(`a service died\n${tail(procs)}`);
    await sleep(200);
  }
  log(`warm-up: ${n} posts of other texts handled in ${Date.now() - started} ms (untimed)`);
}

async function pantauThroughput(): Promise<{
  perSec: number;
  ms: number;
  ingestMs: number;
  cpuShare: Record<string, number>;
  serverCores: Record<string, number>;
  jitCores: Record<string, number>;
  openSearch: Record<string, { ops: number; ms: number }>;
}> {
  // One post first, untimed: the assigner restores its issues from the index on its first batch (with
  // --history, hundreds of thousands of posts); a restart's cost is not throughput.
  await ingest([{ ...postInput(0, new Date()), source: 'warmup', sourceId: 'w0' }]);
  while ((await countDocs(`${env.INDEX_PREFIX}posts`, 'warmup')) < 1) {
    if (procs.some((p) => p.child.exitCode !== null)) throw new Error(`a service died\n${tail(procs)}`);
    await sleep(100);
  }
  if (WARMUP > 0) await warmUp(WARMUP);
  const services = coreMeter(Object.fromEntries(procs.map((p) => [p.name, p.child.pid!])));
  const servers = coreMeter({ ...serverPids(), bench: process.pid });
  const jit = jitMeter();
  const openSearchWork = await openSearchMeter();
  const at = Date.now();
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < N) {
        const from = next;
        next = Math.min(N, next + PER_REQUEST);
        const batch = [];
        for (let i = from; i < next; i++) batch.push(postInput(i, new Date(at + i)));
        await ingest(batch);
      }
    }),
  );
  const ingestMs = Date.now() - started;
  while (!(await settled(N))) {
    if (procs.some((p) => p.child.exitCode !== null)) throw new Error(`a service died\n${tail(procs)}`);
    await sleep(100);
  }
  const ms = Date.now() - started;
  log(`pantau: ${N} posts accepted in ${ingestMs} ms, searchable with issues written in ${ms} ms`);
  const cpuShare = services();
  const serverCores = servers();
  const jitCores = jit();
  const openSearch = await openSearchWork();
  return { perSec: (N / ms) * 1000, ms, ingestMs, cpuShare, serverCores, jitCores, openSearch };
}

/** Waits while `left()` shrinks: true once it is 0, false after a minute without progress (ten in all). */
async function whileShrinking(left: () => number | Promise<number>, everyMs: number): Promise<boolean> {
  const until = Date.now() + 600_000;
  for (let least = Infinity, progressAt = Date.now(); ; await sleep(everyMs)) {
    const now = await left();
    if (now === 0) return true;
    if (now < least) [least, progressAt] = [now, Date.now()];
    if (Date.now() > until || Date.now() - progressAt > 60_000) return false;
  }
}

// ---- (c) latency at a fixed offered load -----------------------------------------------------------
/** Posts asked for by one poll query (OpenSearch's default cap on hits a search returns is 10,000). */
const POLL_SPAN = 10_000;
async function latency(first: number) {
  const total = RATE * SECONDS;
  const perTick = Math.max(1, Math.round(RATE / 10));
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  /** --latency-csv: each post's sourceId, when it was sent (epoch ms) and how long it took to be searchable. */
  const series: string[] = [];
  /**
   * Each post's time split where the services stamp it: sent → accepted by the API (fetchedAt),
   * → enriched by the scorer (enrichedAt), → seen by a search (assignment, indexing, refresh, this poll).
   */
  const stages = { accepted: [] as number[], enriched: [] as number[], searchable: [] as number[] };
  let lowest = first;
  let sent = first;
  const rssSamples: Record<string, number[]> = Object.fromEntries(procs.map((p) => [p.name, []]));
  const sampler = setInterval(() => {
    for (const p of procs) rssSamples[p.name]!.push(rssOf(p.child.pid!).rss);
  }, 1_000);
  let polling = true;
  const started = Date.now();
  const poller = (async () => {
    while (polling || sentAt.size > 0) {
      // One query per span of POLL_SPAN posts that still has some not seen: a search returns at most
      // that many hits, and with one query over everything from the lowest unseen post, a backlog of
      // more than that many already-seen posts filled every answer, and posts that became searchable
      // later were never seen (counted "never searchable" although indexed).
      const end = sent;
      for (let from = lowest; from < end && sentAt.size > 0; from += POLL_SPAN) {
        const to = Math.min(end, from + POLL_SPAN);
        let pending = false;
        for (let n = from; n < to && !pending; n++) pending = sentAt.has(n);
        if (!pending) continue;
        const res = await search.search({
          index: `${env.INDEX_PREFIX}posts`,
          body: {
            size: POLL_SPAN,
            _source: false,
            track_total_hits: false,
            // The stamps the API (fetchedAt) and the scorer (enrichedAt) put on a post: where its time went.
            docvalue_fields: [
              'sourceId',
              { field: 'fetchedAt', format: 'epoch_millis' },
              { field: 'enrichedAt', format: 'epoch_millis' },
            ],
            query: { range: { sourceId: { gte: seqId(from), lt: seqId(to) } } },
          },
        } as never);
        const now = Date.now();
        const hits = (
          res.body as unknown as {
            hits: { hits: { fields: { sourceId: string[]; fetchedAt: string[]; enrichedAt: string[] } }[] };
          }
        ).hits.hits;
        for (const h of hits) {
          const n = Number(h.fields.sourceId[0]!.slice(1));
          const t = sentAt.get(n);
          if (t === undefined) continue;
          latencies.push(now - t);
          const fetched = Number(h.fields.fetchedAt[0]);
          const enriched = Number(h.fields.enrichedAt[0]);
          stages.accepted.push(fetched - t);
          stages.enriched.push(enriched - fetched);
          stages.searchable.push(now - enriched);
          if (args['latency-csv']) series.push(`${seqId(n)},${t},${now - t}`);
          sentAt.delete(n);
        }
      }
      while (lowest < sent && !sentAt.has(lowest)) lowest++;
      await sleep(100);
    }
  })();
  const inflight: Promise<void>[] = [];
  for (let tick = 0; sent < first + total; tick++) {
    const due = started + tick * 100;
    if (due > Date.now()) await sleep(due - Date.now());
    const batch = [];
    const now = Date.now();
    for (let k = 0; k < perTick && sent < first + total; k++, sent++) {
      sentAt.set(sent, now);
      batch.push(postInput(sent, new Date(now)));
    }
    inflight.push(ingest(batch));
    if (inflight.length > 50) await inflight.shift();
  }
  await Promise.all(inflight);
  const sendMs = Date.now() - started;
  // Wait for the backlog while it drains: a run that fell behind reports how late its last posts were,
  // not a cut-off. "Never searchable" = nothing new became searchable for a minute (or ten minutes in all).
  await whileShrinking(() => sentAt.size, 200);
  const missing = sentAt.size;
  sentAt.clear();
  polling = false;
  await poller;
  clearInterval(sampler);
  // Then the detector catches up (the issue counts are checked next), waited for the same way, so a
  // count checked before the detector is done is not taken for a wrong one.
  const detectorCaughtUp = await whileShrinking(
    async () =>
      (await settled(sent)) ? 0 : 1 + (await lag(`${env.TOPIC_PREFIX}detector`, topics.postsEnriched)),
    500,
  );
  latencies.sort((a, b) => a - b);
  if (args['latency-csv'])
    writeFileSync(args['latency-csv'], `sourceId,sentAt,latencyMs\n${series.sort().join('\n')}\n`);
  const rss = Object.fromEntries(
    Object.entries(rssSamples).map(([name, s]) => {
      const half = Math.floor(s.length / 2);
      const max = (xs: number[]) => Math.round(Math.max(0, ...xs));
      return [name, { firstHalfMaxMb: max(s.slice(0, half)), secondHalfMaxMb: max(s.slice(half)) }];
    }),
  );
  return {
    offered: total,
    offeredPerSec: (total / sendMs) * 1000,
    missing,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    max: latencies[latencies.length - 1] ?? NaN,
    stagesMs: Object.fromEntries(
      Object.entries(stages).map(([stage, ms]) => {
        ms.sort((a, b) => a - b);
        return [stage, { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), p99: quantile(ms, 0.99) }];
      }),
    ),
    rss,
    end: sent,
    detectorCaughtUp,
  };
}

/** Every issue document counts exactly the posts the index holds for it. */
async function issueCountsExact(): Promise<{ issues: number; mismatched: number }> {
  await search.indices.refresh({ index: `${env.INDEX_PREFIX}*` } as never);
  const perIssue = new Map<string, number>();
  let after: unknown;
  for (;;) {
    const res = await search.search({
      index: `${env.INDEX_PREFIX}posts`,
      body: {
        size: 0,
        // --history posts were never seen by the detector: its counts are of this run's posts.
        query: { bool: { must_not: [{ term: { source: 'history' } }] } },
        aggs: {
          issues: {
            composite: {
              size: 10_000,
              sources: [{ id: { terms: { field: 'issueId' } } }],
              ...(after ? { after } : {}),
            },
          },
        },
      },
    } as never);
    const agg = (
      res.body as unknown as {
        aggregations: {
          issues: { buckets: { key: { id: string }; doc_count: number }[]; after_key?: unknown };
        };
      }
    ).aggregations.issues;
    for (const b of agg.buckets) perIssue.set(b.key.id, b.doc_count);
    if (!agg.after_key || agg.buckets.length === 0) break;
    after = agg.after_key;
  }
  let mismatched = 0;
  let issues = 0;
  const documented = new Set<string>();
  let searchAfter: unknown[] | undefined;
  for (;;) {
    const res = await search.search({
      index: `${env.INDEX_PREFIX}issues`,
      body: {
        size: 5_000,
        _source: ['count'],
        sort: [{ id: 'asc' }],
        ...(searchAfter ? { search_after: searchAfter } : {}),
      },
    } as never);
    const hits = (
      res.body as unknown as {
        hits: { hits: { _id: string; _source: { count: number }; sort: unknown[] }[] };
      }
    ).hits.hits;
    for (const h of hits) {
      issues++;
      documented.add(h._id);
      if (perIssue.get(h._id) !== h._source.count) mismatched++;
    }
    if (hits.length < 5_000) break;
    searchAfter = hits[hits.length - 1]!.sort;
  }
  // An issue with two posts or more must have a document.
  for (const [id, c] of perIssue) if (c >= 2 && !documented.has(id)) mismatched++;
  return { issues, mismatched };
}

/** OpenSearch's own account of the writes: documents indexed, time spent indexing, size on disk. */
async function indexingStats(): Promise<Record<string, { writes: number; indexMs: number; sizeMb: number }>> {
  const res = await search.indices.stats({
    index: `${env.INDEX_PREFIX}*`,
    metric: ['indexing', 'store'],
  } as never);
  const out: Record<string, { writes: number; indexMs: number; sizeMb: number }> = {};
  const indices = (
    res.body as unknown as {
      indices: Record<
        string,
        {
          primaries: {
            indexing: { index_total: number; index_time_in_millis: number };
            store: { size_in_bytes: number };
          };
        }
      >;
    }
  ).indices;
  for (const [name, st] of Object.entries(indices)) {
    const kind = name.slice(env.INDEX_PREFIX.length).startsWith('posts')
      ? 'posts'
      : name.slice(env.INDEX_PREFIX.length);
    if (kind !== 'posts' && kind !== 'issues') continue;
    const o = (out[kind] ??= { writes: 0, indexMs: 0, sizeMb: 0 });
    o.writes += st.primaries.indexing.index_total;
    o.indexMs += st.primaries.indexing.index_time_in_millis;
    o.sizeMb = Number((o.sizeMb + st.primaries.store.size_in_bytes / 1048576).toFixed(1));
  }
  return out;
}

async function cleanup(): Promise<void> {
  if (args.keep) {
    log(`--keep: leaving prefix ${prefix}`);
    return;
  }
  const all = await admin.listTopics().catch(() => [] as string[]);
  await admin.deleteTopics({ topics: all.filter((t) => t.startsWith(prefix)) }).catch(() => undefined);
  const groups = await admin.listGroups().catch(() => ({ groups: [] as { groupId: string }[] }));
  const mine = groups.groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
  if (mine.length) await admin.deleteGroups(mine).catch(() => undefined);
  await dropIndices(search, env.INDEX_PREFIX);
  const redis = new IORedis(servers.redisUrl, { maxRetriesPerRequest: 1 });
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

async function main() {
  log(
    `prefix ${prefix}; ${texts.length} distinct texts from ${dataSource}; N=${N}, ${RATE}/s for ${SECONDS} s`,
  );
  await admin.connect();
  try {
    const raw = args['skip-raw']
      ? { perSec: NaN, ms: NaN, serverCores: {}, jitCores: {}, openSearch: {} }
      : await rawPassthrough();
    if (args['raw-only']) return;
    if (HISTORY > 0) await seedHistory(HISTORY);
    log('starting api, scorer, detector');
    await startPantau();
    const pantau = await pantauThroughput();
    log(`latency: ${RATE} posts/s for ${SECONDS} s`);
    const lat = await latency(N);
    const exact = await issueCountsExact();
    const writes = await indexingStats();
    const peakRssMb = Object.fromEntries(procs.map((p) => [p.name, Math.round(rssOf(p.child.pid!).hwm)]));
    const codes = await Promise.all(procs.map((p) => stopService(p)));
    const ratio = pantau.perSec / raw.perSec;
    console.log(`data: ${dataSource} (${texts.length} distinct texts)`);
    console.log(`raw passthrough: ${N} posts in ${raw.ms} ms = ${raw.perSec.toFixed(0)} posts/s`);
    console.log(
      `pantau:          ${N} posts in ${pantau.ms} ms = ${pantau.perSec.toFixed(0)} posts/s (API accepted all in ${pantau.ingestMs} ms)`,
    );
    console.log(`ratio pantau/raw: ${ratio.toFixed(2)}`);
    console.log(`cores used by each service during the Pantau run: ${JSON.stringify(pantau.cpuShare)}`);
    console.log(
      `cores used by the servers and this bench: raw ${JSON.stringify(raw.serverCores)}, Pantau ${JSON.stringify(pantau.serverCores)}`,
    );
    console.log(
      `  of which the Java servers' JIT compilers (a young server's warm-up): raw ${JSON.stringify(raw.jitCores)}, Pantau ${JSON.stringify(pantau.jitCores)}`,
    );
    // Right after `services.sh up` OpenSearch spends most of its CPU compiling (0.53 of 0.84 cores in
    // one first run): such a run measures the server's warm-up, not the pipeline. Say so.
    const compiling = (phase: { serverCores: Record<string, number>; jitCores: Record<string, number> }) =>
      (phase.jitCores.opensearch ?? 0) > 0.2 * (phase.serverCores.opensearch ?? Infinity);
    if (compiling(raw) || compiling(pantau))
      console.log(
        '  caution: OpenSearch spent over a fifth of its CPU compiling (a server started minutes ago); ' +
          'the figures are its warm-up as much as the pipeline: run the bench again',
      );
    console.log(
      `OpenSearch work (ops, ms it reports): raw ${JSON.stringify(raw.openSearch)}, Pantau ${JSON.stringify(pantau.openSearch)}`,
    );
    console.log(
      `latency ingest→searchable at ${lat.offeredPerSec.toFixed(0)} posts/s offered (${lat.offered} posts): ` +
        `p50 ${lat.p50} ms, p95 ${lat.p95} ms, p99 ${lat.p99} ms, max ${lat.max} ms, never searchable ${lat.missing}`,
    );
    console.log(
      `  of which (ms, p50/p95/p99): sent → accepted by the API ${fmtStage(lat.stagesMs.accepted)}, → enriched ` +
        `${fmtStage(lat.stagesMs.enriched)}, → searchable ${fmtStage(lat.stagesMs.searchable)}`,
    );
    console.log(
      `peak RSS (MB): ${JSON.stringify(peakRssMb)}; RSS during the latency phase: ${JSON.stringify(lat.rss)}`,
    );
    console.log(
      `issue documents: ${exact.issues}, counts not exact: ${exact.mismatched}` +
        `${lat.detectorCaughtUp ? '' : ' (the detector had not caught up: counts checked early)'}; exit codes ${codes.join(',')}`,
    );
    console.log(
      JSON.stringify({
        posts: N,
        ...(HISTORY ? { historyPosts: HISTORY } : {}),
        ...(WARMUP ? { warmupPosts: WARMUP } : {}),
        ...(args.env?.length ? { env: args.env } : {}),
        ...(args.scorers ? { scorers: Number(args.scorers) } : {}),
        rawPerSec: Math.round(raw.perSec),
        pantauPerSec: Math.round(pantau.perSec),
        ratio: Number(ratio.toFixed(3)),
        p50Ms: lat.p50,
        p95Ms: lat.p95,
        p99Ms: lat.p99,
        latencyStagesMs: lat.stagesMs,
        peakRssMb,
        latencyPosts: lat.offered,
        offeredPerSec: Math.round(lat.offeredPerSec),
        missing: lat.missing,
        rssDuringLatencyMb: lat.rss,
        issueDocs: exact.issues,
        issueCountsWrong: exact.mismatched,
        detectorCaughtUp: lat.detectorCaughtUp,
        coresUsed: pantau.cpuShare,
        serverCores: { raw: raw.serverCores, pantau: pantau.serverCores },
        jitCores: { raw: raw.jitCores, pantau: pantau.jitCores },
        openSearchWork: { raw: raw.openSearch, pantau: pantau.openSearch },
        writes,
      }),
    );
  } finally {
    await Promise.all(procs.map((p) => stopService(p)));
    await cleanup().catch((err: unknown) => log(`cleanup failed: ${(err as Error).message}`));
    await admin.disconnect();
    await search.close();
  }
}

main().catch((err: unknown) => {
  log(`failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
