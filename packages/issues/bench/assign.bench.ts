/**
 * Enrichment + issue assignment on one core, beside enrichment alone in the same run: what the
 * scorer pays for putting every post in its issue. Posts are real when ../shared/data is there (the
 * election tweets and SmSA reviews, interleaved: many small issues, as in a real stream), else the
 * nlp-id fixtures varied deterministically (a few huge issues: the worst case for candidate scoring);
 * stamped one every 50 ms of stream time.
 *
 * Each measurement is preceded by `--warmup` seconds (default 1) on other posts, as in the nlp-id bench:
 * a scorer runs for hours, so what counts is its steady state once V8 has optimised the hot code and the
 * word caches hold the everyday vocabulary, not the first second of a cold process.
 *
 *   npx tsx packages/issues/bench/assign.bench.ts [--posts 20000] [--seconds 3] [--warmup 1] [--fixtures]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createEnricher, type Enrichment } from '@pantau/nlp-id';
import { POSTS } from '../../nlp-id/test/fixtures/posts';
import { IssueClusterer } from '../src';

const { values } = parseArgs({
  options: {
    posts: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    fixtures: { type: 'boolean' },
  },
});
const COUNT = Number(values.posts ?? 20_000);
const SECONDS = Number(values.seconds ?? 3);
const WARMUP_SECONDS = Number(values.warmup ?? 1);

let seed = 4242;
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
};
const reviewsFile = path.resolve(__dirname, '../../../../shared/data/text/indonlu-smsa-train.tsv');
const reviews = fs.existsSync(reviewsFile)
  ? fs
      .readFileSync(reviewsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('\t')[0]!)
  : [];
const words = POSTS.flatMap((p) => p.split(/\s+/));
const shared = path.resolve(__dirname, '../../../../shared/data');
const real =
  !values.fixtures && fs.existsSync(shared)
    ? fs
        .readFileSync(path.join(shared, 'issues/election2019-topics-train.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { text: string }).text)
        .flatMap((t, i) => (reviews[i] ? [t, reviews[i]!] : [t]))
    : undefined;
const source = real ? 'real (election tweets + SmSA reviews)' : 'fixtures';
const texts = real
  ? real.slice(0, COUNT)
  : Array.from({ length: COUNT }, (_, i) => {
      const base = POSTS[i % POSTS.length]!;
      const extra = Array.from({ length: 4 }, () => words[Math.floor(random() * words.length)]).join(' ');
      return `${base.replace(/\d+/g, () => String(Math.floor(random() * 1000)))} ${extra} @user${i % 997}`;
    });

/**
 * Warm-up posts the measured ones do not contain: the SmSA reviews past the 7,714 interleaved above
 * (real data), or the fixtures with other handles.
 */
const warmupTexts = real ? reviews.slice(8_000) : POSTS.map((p, i) => `${p} @warmup${i}`);
function warmUp(work: (text: string, i: number) => void) {
  const texts = warmupTexts.length ? warmupTexts : POSTS;
  const start = process.hrtime.bigint();
  for (let i = 0; Number(process.hrtime.bigint() - start) / 1e9 < WARMUP_SECONDS; i++)
    work(texts[i % texts.length]!, i);
}

function measure(label: string, work: (text: string, i: number) => void, reset = () => {}) {
  warmUp(work);
  reset();
  let docs = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < SECONDS) {
    texts.forEach((t, i) => work(t, docs + i));
    docs += texts.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const perSecond = docs / elapsed;
  process.stdout.write(
    `${label.padEnd(36)} ${Math.round(perSecond).toLocaleString('en-US').padStart(9)} posts/s\n`,
  );
  return perSecond;
}

const enricher = createEnricher();
const T0 = Date.parse('2026-11-30T00:00:00Z');
const enrichOnly = measure('enrich()', (t) => void enricher.enrich(t));
let clusterer = new IssueClusterer();
let issues = 0;
const assign = (e: Enrichment, i: number, text: string) =>
  clusterer.assign({
    id: `p${i}`,
    at: T0 + i * 50,
    terms: e.terms,
    hashtags: e.hashtags,
    mentions: e.mentions,
    urls: e.urls,
    bands: e.signature.bands,
    text,
  });
const both = measure(
  'enrich() + issue assignment',
  (t, i) => {
    assign(enricher.enrich(t), i, t);
    issues = clusterer.size;
  },
  // The measured run starts from an empty clusterer (the warm-up's issues are not its issues).
  () => (clusterer = new IssueClusterer()),
);
const ratio = both / enrichOnly;
process.stdout.write(`posts: ${source}, ${texts.length}\n`);
process.stdout.write(
  `assignment keeps ${(ratio * 100).toFixed(0)} % of enrichment throughput (${issues} issues live)\n`,
);
process.stdout.write(
  JSON.stringify({
    bench: 'issues.assign',
    source,
    posts: texts.length,
    enrichPerSecond: Math.round(enrichOnly),
    enrichAssignPerSecond: Math.round(both),
    ratio: Math.round(ratio * 100) / 100,
    goalsMet: both >= 15_000,
  }) + '\n',
);
