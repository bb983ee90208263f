/**
 * What the scorer pays per post beyond the NLP: turning a raw post and its enrichment into the scored
 * post (`scorePost` without `enrich`), then adding its issue fields (`assignIssue` without the
 * clusterer's decision). Measured beside the same construction written with object spread — the form
 * the scorer used until 2026-12-01 — on the same posts and enrichments, in the same run: V8 builds a
 * hidden class for every field added after a spread of a large object, which cost ~25 µs a post.
 *
 *   npx tsx packages/scorer/bench/post.bench.ts [--posts 5000] [--seconds 2]
 *
 * Posts: the election tweets of ../shared/data (read in place) when present, else the nlp-id fixtures.
 * Prints a short report, then one JSON line (last line of stdout).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { merge, postId, type RawPost, type ScoredPost } from '@pantau/core';
import { createEnricher, stem, type Enricher, type Enrichment } from '@pantau/nlp-id';
import { POSTS } from '../../nlp-id/test/fixtures/posts';
import { scorePost } from '../src';

const { values } = parseArgs({ options: { posts: { type: 'string' }, seconds: { type: 'string' } } });
const COUNT = Number(values.posts ?? 5_000);
const SECONDS = Number(values.seconds ?? 2);

const shared = path.resolve(__dirname, '../../../../shared/data/issues/election2019-topics-train.jsonl');
const texts = existsSync(shared)
  ? readFileSync(shared, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { text: string }).text)
  : POSTS;
const at = Date.parse('2026-12-01T03:00:00Z');
const raws: RawPost[] = Array.from({ length: COUNT }, (_, i) => {
  // Optional fields vary as they do on a real stream (a url here, a handle there).
  const input = {
    source: i % 3 ? 'x' : 'portal-berita',
    sourceId: String(i),
    text: texts[i % texts.length]!,
    publishedAt: new Date(at + i * 1000).toISOString(),
    ...(i % 2 ? { author: { handle: `warga${i % 500}` } } : {}),
    ...(i % 3 ? {} : { url: `https://berita.example.id/${i}` }),
  };
  // As the scorer sees it: parsed from the message bytes.
  return JSON.parse(
    JSON.stringify({
      v: 1,
      id: postId(input.source, input.sourceId),
      ...input,
      fetchedAt: input.publishedAt,
    }),
  ) as RawPost;
});
const real = createEnricher();
const enrichments: Enrichment[] = raws.map((r) => real.enrich(r.text));

/** An enricher that hands back the precomputed enrichment of the post being scored. */
let current = 0;
const replay = { enrich: () => enrichments[current]! } as unknown as Enricher;
const deps = {
  enricher: replay,
  watchlists: { size: 0, match: () => [] },
  stemToken: stem,
  clock: { now: () => at },
};
const issueFields = {
  issueId: 'is_0123456789abcdef0123',
  issueTerms: ['vaksin', 'chip'],
  issueTitle: 'Vaksin',
};

/** The scorer's construction until 2026-12-01 (object spread), for the baseline. */
function spreadScored(raw: RawPost, e: Enrichment): ScoredPost {
  const factCheck = e.hoax.factCheck;
  return {
    ...raw,
    normalizedText: e.normalizedText,
    language: e.lang,
    terms: e.terms,
    hashtags: e.hashtags,
    mentions: e.mentions,
    domains: e.domains,
    urls: e.urls,
    entities: e.entities,
    signature: e.signature.bands,
    hoaxScore: e.hoax.score,
    signals: e.hoax.signals,
    modelVersion: e.hoax.modelVersion,
    watchlistIds: [],
    claimMatches: factCheck ? [{ factCheckId: factCheck.id, title: factCheck.title, similarity: 1 }] : [],
    topics: e.topics,
    enrichedAt: new Date(at).toISOString(),
  };
}

function measure(label: string, work: (i: number) => unknown): number {
  for (let i = 0; i < COUNT; i++) work(i); // warm-up: one pass
  let posts = 0;
  const start = process.hrtime.bigint();
  let seconds = 0;
  while (seconds < SECONDS) {
    for (let i = 0; i < COUNT; i++) work(i);
    posts += COUNT;
    seconds = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const us = (seconds * 1e6) / posts;
  process.stdout.write(`${label.padEnd(52)} ${us.toFixed(2).padStart(8)} µs a post\n`);
  return us;
}

// Alternated, twice each: the machine's speed drifts.
const spread: number[] = [];
const merged: number[] = [];
for (let round = 0; round < 2; round++) {
  spread.push(
    measure('baseline: object spread (scored + issue fields)', (i) => ({
      ...spreadScored(raws[i]!, enrichments[i]!),
      ...issueFields,
    })),
  );
  merged.push(
    measure('pantau: scorePost without enrich + merge(issue fields)', (i) => {
      current = i;
      return merge(scorePost(raws[i]!, deps), issueFields);
    }),
  );
}
const best = (xs: number[]) => Math.min(...xs);
const ratio = best(spread) / best(merged);
process.stdout.write(`pantau builds a post ${ratio.toFixed(1)}× faster than the spread baseline\n`);
process.stdout.write(
  JSON.stringify({
    bench: 'scorer.post',
    posts: COUNT,
    source: existsSync(shared) ? 'election tweets' : 'fixtures',
    spreadMicrosPerPost: Math.round(best(spread) * 100) / 100,
    pantauMicrosPerPost: Math.round(best(merged) * 100) / 100,
    ratio: Math.round(ratio * 10) / 10,
  }) + '\n',
);
