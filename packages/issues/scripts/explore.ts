// Development script: grid over clusterer settings on the shared stream (not shipped figures).
import * as fs from 'node:fs';
import { createEnricher } from '@pantau/nlp-id';
import { IssueClusterer, type ClustererSettings } from '../src/clusterer';
import { bcubed } from '../src/bcubed';
import { plainTfidfClusters } from '../src/baseline';

const data = '../../../../shared/data';
const rows = fs
  .readFileSync(`${__dirname}/${data}/issues/election2019-topics-train.jsonl`, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const smsa = fs
  .readFileSync(`${__dirname}/${data}/text/indonlu-smsa-train.tsv`, 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split('\t')[0]!);
const enricher = createEnricher({});
type P = {
  id: string;
  text: string;
  at: number;
  label: string;
  terms: string[];
  hashtags: string[];
  mentions: string[];
  bands: string[];
  urls: string[];
};
function prep(id: string, text: string, at: number, label: string): P {
  const e = enricher.enrich(text, {});
  return {
    id,
    text,
    at,
    label,
    terms: e.terms,
    hashtags: e.hashtags,
    mentions: e.mentions,
    bands: e.signature.bands,
    urls: e.urls,
  };
}
const t0 = Date.now();
const election: P[] = rows.map((r) => prep(r.id, r.text, Date.parse(r.publishedAt), r.label));
const start = election[0]!.at,
  end = election[election.length - 1]!.at;
let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const mixed: P[] = [
  ...election,
  ...smsa.slice(0, 5000).map((t, i) => prep(`smsa-${i}`, t, start + rnd() * (end - start), `smsa-${i}`)),
].sort((a, b) => a.at - b.at);
console.error('prepared in', Date.now() - t0, 'ms');
function run(posts: P[], s: Partial<ClustererSettings>) {
  const c = new IssueClusterer(s);
  const pred = posts.map((p) => c.assign(p).issueId);
  return bcubed(
    pred,
    posts.map((p) => p.label),
  );
}
const fmt = (r: ReturnType<typeof bcubed>) =>
  `F1 ${r.bcubedF1.toFixed(3)} P ${r.bcubedPrecision.toFixed(3)} R ${r.bcubedRecall.toFixed(3)} issues ${r.issues} largest ${r.largestIssueShare.toFixed(3)}/${r.largestGoldShare.toFixed(3)}`;
const base = bcubed(
  plainTfidfClusters(election),
  election.map((p) => p.label),
);
console.log('baseline election', fmt(base));
console.log(
  'baseline mixed',
  fmt(
    bcubed(
      plainTfidfClusters(mixed),
      mixed.map((p) => p.label),
    ),
  ),
);
const smsaOnly = (tag: string) =>
  smsa.slice(0, 5000).map((t, i) => prep(`s-${i}`, tag ? `${t} ${tag}` : t, start + i * 20_000, `s-${i}`));
const smsaPlain = smsaOnly('');
const smsaTag = smsaOnly('#infojakarta');
const grid = JSON.parse(process.argv[2] ?? '[{}]');
for (const g of grid) {
  console.log(
    JSON.stringify(g),
    '\n  election',
    fmt(run(election, g)),
    '\n  mixed   ',
    fmt(run(mixed, g)),
    '\n  smsa',
    run(smsaPlain, g).largestIssueShare.toFixed(3),
    'smsa#',
    run(smsaTag, g).largestIssueShare.toFixed(3),
  );
}
if (process.env.ANALYZE) {
  const c = new IssueClusterer({ threshold: Number(process.env.ANALYZE) });
  const pred = election.map((p) => c.assign(p).issueId);
  const byPred = new Map<string, P[]>();
  election.forEach((p, i) => {
    const l = byPred.get(pred[i]!) ?? [];
    l.push(p);
    byPred.set(pred[i]!, l);
  });
  // mixed predicted clusters
  const mixedClusters = [...byPred.values()]
    .map((ps) => {
      const m = new Map<string, number>();
      for (const p of ps) m.set(p.label, (m.get(p.label) ?? 0) + 1);
      return { ps, m };
    })
    .filter((x) => x.m.size > 1)
    .sort((a, b) => b.ps.length - a.ps.length)
    .slice(0, 6);
  for (const x of mixedClusters) {
    console.log('MIXED', x.ps.length, [...x.m].sort((a, b) => b[1] - a[1]).slice(0, 4));
    for (const p of x.ps.slice(0, 4)) console.log('   ', p.label, '|', p.text.slice(0, 120));
  }
  const byGold = new Map<string, Map<string, number>>();
  election.forEach((p, i) => {
    const m = byGold.get(p.label) ?? new Map();
    m.set(pred[i]!, (m.get(pred[i]!) ?? 0) + 1);
    byGold.set(p.label, m);
  });
  const split = [...byGold]
    .filter(([, m]) => m.size > 1)
    .sort((a, b) => b[1].size - a[1].size)
    .slice(0, 5);
  for (const [g, m] of split) {
    console.log('SPLIT', g, [...m.values()].sort((a, b) => b - a).slice(0, 10));
    const ps = election.filter((p) => p.label === g).slice(0, 6);
    for (const p of ps)
      console.log(
        '   ',
        pred[election.indexOf(p)]!.slice(0, 8),
        new Date(p.at).toISOString().slice(0, 10),
        '|',
        p.text.slice(0, 110),
      );
  }
}
