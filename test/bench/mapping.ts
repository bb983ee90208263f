/**
 * `npm run bench:mapping` — what the posts index costs to write, per mapping/setting variant, in the
 * same run on the same OpenSearch: the same enriched documents (real Indonesian posts, enriched
 * in-process before the clock starts) bulk-indexed 500 at a time into one index per variant, the
 * variants interleaved request by request so load from elsewhere falls on all of them alike.
 * Prints OpenSearch's own indexing time per variant (index_time_in_millis), the client-side time and
 * the size on disk; the last line is JSON.
 *
 *   npm run bench:mapping -- [--posts 10000] [--rounds 2] [--data DIR]
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { postId } from '@pantau/core';
import { createSearchClient } from '@pantau/store';
import { createEnricher, stem } from '@pantau/nlp-id';
import { IssueClusterer } from '@pantau/issues';
import { assignIssue, scorePost } from '@pantau/scorer';
import { servers, uniqueName } from '@pantau/testkit';
import postsIndex from '../../infra/opensearch/indices/posts.json';
import { repoRoot } from '../support/processes';

const { values: args } = parseArgs({
  options: { posts: { type: 'string' }, rounds: { type: 'string' }, data: { type: 'string' } },
});
const N = Number(args.posts ?? 10_000);
const ROUNDS = Number(args.rounds ?? 2);

type Mapping = { settings: Record<string, unknown>; mappings: { properties: Record<string, unknown> } };
const clone = (): Mapping => JSON.parse(JSON.stringify(postsIndex)) as Mapping;

/** The mapping before the slimming (what the template was), rebuilt from the current one. */
function before(): Mapping {
  const m = clone();
  const p = m.mappings.properties as Record<string, Record<string, unknown>>;
  p.signature = { type: 'keyword' };
  p.issueTerms = { type: 'keyword' };
  p.text = { type: 'text', analyzer: 'indonesian', fields: { std: { type: 'text', analyzer: 'standard' } } };
  (p.signals!.properties as Record<string, unknown>).label = {
    properties: { id: { type: 'text' }, en: { type: 'text' } },
  };
  m.settings = { ...m.settings, refresh_interval: '1s' };
  return m;
}
const current = (): Mapping => clone();
function withRefresh(m: Mapping, interval: string): Mapping {
  m.settings = { ...m.settings, refresh_interval: interval };
  return m;
}
const variants: Record<string, () => Mapping> = {
  before: before,
  current: current,
  'current, refresh 1s': () => withRefresh(current(), '1s'),
  'current, refresh 5s': () => withRefresh(current(), '5s'),
};

function texts(): string[] {
  const dirs = args.data
    ? [path.resolve(args.data)]
    : [path.resolve(repoRoot, '../shared/data'), path.resolve(repoRoot, '../../shared/data')];
  const dir = dirs.find((d) => existsSync(path.join(d, 'issues/election2019-topics-train.jsonl')));
  if (!dir)
    return readFileSync(path.join(repoRoot, 'packages/ingest/data/sample-posts.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { text: string }).text);
  const tweets = readFileSync(path.join(dir, 'issues/election2019-topics-train.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const reviews = readFileSync(path.join(dir, 'text/indonlu-smsa-train.tsv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t')[0]!);
  return tweets.flatMap((t, i) => (reviews[i] ? [t, reviews[i]!] : [t]));
}

async function main() {
  const search = createSearchClient(servers.opensearchUrl, 60_000);
  const prefix = uniqueName('benchmap');
  const all = texts();
  const enricher = createEnricher({});
  const clusterer = new IssueClusterer({});
  const now = Date.now();
  const docs = Array.from({ length: N }, (_, i) => {
    const at = new Date(now + i).toISOString();
    const raw = {
      v: 1 as const,
      id: postId('bench', String(i)),
      source: 'bench',
      sourceId: String(i),
      text: all[i % all.length]!,
      publishedAt: at,
      fetchedAt: at,
      author: { handle: `warga${i % 5000}` },
    };
    const scored = scorePost(raw as never, {
      enricher,
      watchlists: { match: () => [] },
      stemToken: stem,
      clock: { now: () => Date.now() },
    });
    return JSON.stringify(assignIssue(scored, clusterer));
  });
  const names = Object.keys(variants);
  const index = (i: number) => `${prefix}-v${i}`;
  try {
    for (const [i, name] of names.entries()) {
      const m = variants[name]!();
      await search.indices.create({
        index: index(i),
        body: { settings: { ...m.settings, number_of_replicas: 0 }, mappings: m.mappings },
      } as never);
    }
    const clientMs = names.map(() => 0);
    for (let round = 0; round < ROUNDS; round++) {
      for (let from = 0; from < N; from += 500) {
        for (const [v] of names.entries()) {
          const body =
            docs
              .slice(from, from + 500)
              .map((d, j) => `{"index":{"_index":"${index(v)}","_id":"${from + j}"}}\n${d}`)
              .join('\n') + '\n';
          const started = Date.now();
          const res = await search.bulk({ body } as never);
          clientMs[v]! += Date.now() - started;
          if ((res.body as { errors: boolean }).errors) throw new Error(`bulk errors in ${names[v]}`);
        }
      }
    }
    await search.indices.refresh({ index: `${prefix}-*` } as never);
    await search.indices.forcemerge({ index: `${prefix}-*`, max_num_segments: 1 } as never);
    const stats = (
      await search.indices.stats({ index: `${prefix}-*`, metric: ['indexing', 'store'] } as never)
    ).body as unknown as {
      indices: Record<
        string,
        {
          primaries: {
            indexing: { index_total: number; index_time_in_millis: number };
            store: { size_in_bytes: number };
          };
        }
      >;
    };
    const result = names.map((name, v) => {
      const st = stats.indices[index(v)]!.primaries;
      return {
        variant: name,
        docs: st.indexing.index_total,
        indexMs: st.indexing.index_time_in_millis,
        clientMs: clientMs[v]!,
        docsPerSec: Math.round((st.indexing.index_total / clientMs[v]!) * 1000),
        sizeMb: Number((st.store.size_in_bytes / 1048576).toFixed(1)),
      };
    });
    const base = result[0]!;
    for (const r of result)
      console.log(
        `${r.variant.padEnd(22)} ${r.docs} writes: OpenSearch indexing ${r.indexMs} ms (${(r.indexMs / base.indexMs).toFixed(2)}×), ` +
          `client ${r.clientMs} ms (${(r.clientMs / base.clientMs).toFixed(2)}×), ${r.sizeMb} MB on disk`,
      );
    console.log(JSON.stringify({ posts: N, rounds: ROUNDS, variants: result }));
  } finally {
    await search.indices.delete({ index: `${prefix}-*` } as never).catch(() => undefined);
    await search.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:mapping failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
