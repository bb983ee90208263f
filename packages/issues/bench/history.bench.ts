/**
 * Does issue assignment slow down as history accumulates? The same 20,000 posts are assigned by an
 * assigner that has already taken `--history` posts (default 300,000: past the 4,000,000 near-duplicate
 * bands and well into the issue cap's territory, about seven hours of a 1,000,000-posts-a-day stream)
 * and by a fresh one, in the same run; the figure is the ratio (goal ≥ 0.8, issue 13).
 *
 * Posts are real texts (election tweets, SmSA reviews, MAFINDO claims; the nlp-id fixtures without
 * ../shared/data), enriched once; each post adds two words of its own and its own near-duplicate bands,
 * so 300,000 posts are 300,000 posts, not the same few thousand seen again (a stream of repeats never
 * fills the bounded maps — which is how a slowdown once hid from the end-to-end history bench: trimming a
 * full Map from its front cost O(size) an insert, and assignment went from ~60 µs to over 1 ms a post).
 * Stream time advances 86.4 ms a post (1,000,000 a day).
 *
 * It also prints the cost a post of each 100,000 posts of history as they are taken, and the memory: run it
 * with `--history 1000000` for a day's worth.
 *
 *   npx tsx packages/issues/bench/history.bench.ts [--history 300000] [--posts 20000]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createEnricher, type Enrichment } from '@pantau/nlp-id';
import { POSTS } from '../../nlp-id/test/fixtures/posts';
import { IssueClusterer, type ClusterInput } from '../src';

const { values } = parseArgs({ options: { history: { type: 'string' }, posts: { type: 'string' } } });
const HISTORY = Number(values.history ?? 300_000);
const MEASURED = Number(values.posts ?? 20_000);

const shared = path.resolve(__dirname, '../../../../shared/data');
const real = fs.existsSync(shared)
  ? [
      ...fs
        .readFileSync(path.join(shared, 'issues/election2019-topics-train.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { text: string }).text),
      ...fs
        .readFileSync(path.join(shared, 'text/indonlu-smsa-train.tsv'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]!),
    ]
  : undefined;
const texts = real ?? POSTS;
const enricher = createEnricher();
const enriched: Enrichment[] = texts.map((t) => enricher.enrich(t));
const T0 = Date.parse('2026-11-30T00:00:00Z');
const STEP_MS = 86.4;

function postAt(i: number): ClusterInput {
  const k = i % texts.length;
  const e = enriched[k]!;
  const round = Math.floor(i / texts.length);
  return {
    id: `p${i}`,
    at: T0 + Math.floor(i * STEP_MS),
    terms: [...e.terms, `kode${i % 50_000}`, `akun${(i * 7) % 100_000}`],
    hashtags: e.hashtags,
    mentions: e.mentions,
    urls: e.urls,
    bands: e.signature.bands.map((b) => `${b}.${round}`),
    text: texts[k],
  };
}

function assignRange(clusterer: IssueClusterer, from: number, to: number): number {
  const inputs = Array.from({ length: to - from }, (_, j) => postAt(from + j));
  const start = process.hrtime.bigint();
  for (const input of inputs) clusterer.assign(input);
  return inputs.length / (Number(process.hrtime.bigint() - start) / 1e9);
}

const loaded = new IssueClusterer();
const built = process.hrtime.bigint();
// The history is taken in chunks of 100,000, each timed: the cost a post should stay flat as they pile up.
for (let from = 0; from < HISTORY; from += 100_000) {
  const to = Math.min(HISTORY, from + 100_000);
  const perSecond = assignRange(loaded, from, to);
  // Typed arrays live outside the JS heap: their buffers are counted apart (`arrayBuffers`).
  const memory = process.memoryUsage();
  const heapMb = Math.round(memory.heapUsed / 1e6);
  const buffersMb = Math.round(memory.arrayBuffers / 1e6);
  process.stdout.write(
    `  posts ${from.toLocaleString('en-US')}–${to.toLocaleString('en-US')}: ${(1e6 / perSecond).toFixed(0)} µs a post, heap ${heapMb} MB + typed arrays ${buffersMb} MB\n`,
  );
}
process.stdout.write(
  `history: ${HISTORY.toLocaleString('en-US')} posts in ${(Number(process.hrtime.bigint() - built) / 1e9).toFixed(1)} s, ${loaded.size.toLocaleString('en-US')} issues in memory, ${loaded.vocabulary.toLocaleString('en-US')} keys\n`,
);
const withHistory = assignRange(loaded, HISTORY, HISTORY + MEASURED);
// The fresh assigner takes the same posts (ids, texts, stream times) with nothing before them.
const fresh = assignRange(new IssueClusterer(), HISTORY, HISTORY + MEASURED);
const ratio = withHistory / fresh;
process.stdout.write(
  `assignment after ${HISTORY.toLocaleString('en-US')} posts: ${Math.round(withHistory).toLocaleString('en-US')} posts/s; fresh: ${Math.round(fresh).toLocaleString('en-US')} posts/s; ratio ${ratio.toFixed(2)}\n`,
);
process.stdout.write(
  JSON.stringify({
    bench: 'issues.history',
    source: real ? 'real (election tweets + SmSA reviews)' : 'fixtures',
    history: HISTORY,
    posts: MEASURED,
    withHistoryPerSecond: Math.round(withHistory),
    freshPerSecond: Math.round(fresh),
    ratio: Math.round(ratio * 100) / 100,
    goalsMet: ratio >= 0.8,
  }) + '\n',
);
