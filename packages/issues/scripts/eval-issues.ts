/**
 * `npm run eval:issues` — the issue engine measured on real labelled streams from ../shared/data
 * (never copied into the repository), through the same code `pantau issues run|eval` and the services
 * use:
 *   1. the election stream: B-cubed against the topic labels, beside the plain TF-IDF baseline;
 *   2. the same stream with 5,000 unrelated SmSA reviews mixed in (do issues chain?);
 *   3. honest threshold choice: pick the threshold on the first half of the stream, report the second;
 *   4. 5,000 SmSA reviews alone, with and without one shared hashtag: the largest issue's share;
 *   5. the burst harness: detection delay, precision/recall of `rising`, false `rising` per 24 h.
 * Usage: npm run eval:issues [-- --quick] [--detector '{"risingMinCount":5}'] [--clusterer '{"threshold":0.12}']
 *   [--debug] [--seed 3[,5,…]] [--tuning-only]
 *   The burst harness pools three tuning plans (seeds 3, 5, 11: which topics burst and in which order,
 *   the background's order, the posts' arrival times), then seven held-out plans (seeds 17–43) that no
 *   setting was chosen on; --seed N[,M…] runs those plans only, --tuning-only the tuning plans only,
 *   --quick one plan of 24 h.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '@pantau/core';
import { createEnricher, readLabelledCsv } from '@pantau/nlp-id';
import {
  bcubed,
  buildBurstStream,
  plainTfidfClusters,
  runStream,
  scoreBursts,
  DEFAULT_CLUSTERER_SETTINGS,
} from '../src';
import {
  mixInChatter,
  readElectionStream,
  readSmsaTexts,
  sharedDataDir,
  type LabelledPost,
} from './shared-streams';

if (!fs.existsSync(sharedDataDir)) {
  console.error(`eval:issues needs the shared data at ${sharedDataDir}`);
  process.exit(2);
}
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    detector: { type: 'string' },
    debug: { type: 'boolean' },
    seed: { type: 'string' },
    'tuning-only': { type: 'boolean' },
    clusterer: { type: 'string' },
  },
});
const quick = flags.quick ?? false;
/** Clusterer settings to try instead of the shipped defaults (e.g. '{"quietPenalty":0}'). */
const clustererFlags = flags.clusterer ? JSON.parse(flags.clusterer) : {};
const enricher = createEnricher();
const election = readElectionStream();
const smsa = readSmsaTexts();

const f3 = (x: number) => x.toFixed(3);
const results: Record<string, unknown> = {};

function clusteringRow(name: string, posts: LabelledPost[], threshold?: number) {
  const gold = posts.map((p) => p.label);
  const run = runStream(posts, {
    enricher,
    clusterer: { ...clustererFlags, ...(threshold ? { threshold } : {}) },
  });
  const pantau = bcubed(run.issueIds, gold);
  const base = bcubed(
    plainTfidfClusters(posts.map((p) => ({ id: p.id, text: p.text, at: Date.parse(p.publishedAt) }))),
    gold,
  );
  console.log(
    `| ${name} | ${posts.length} | ${f3(pantau.bcubedPrecision)} | ${f3(pantau.bcubedRecall)} | **${f3(pantau.bcubedF1)}** | ${f3(pantau.largestIssueShare)} | ${f3(pantau.largestGoldShare)} | ${f3(base.bcubedF1)} | ${f3(base.largestIssueShare)} |`,
  );
  return { pantau, base };
}

// 1–2. Clustering quality.
console.log('\n## Clustering (B-cubed, item-averaged)\n');
console.log(
  '| stream | posts | precision | recall | F1 | largest issue | largest true | baseline F1 | baseline largest |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
results.election = clusteringRow('election 2019 tweets', election);
const start = Date.parse(election[0]!.publishedAt);
// Unrelated chatter: each review its own story.
const mixed = mixInChatter(election, smsa.slice(0, 5000), 42, 'smsa-');
results.mixed = clusteringRow('election + 5,000 SmSA reviews', mixed);
// The same period's hoax claims (MAFINDO, full length), each its own story: words the topics share with
// months of other issues ("makan", "babi") must still bring a story's posts together.
const mafindo = readLabelledCsv(path.join(sharedDataDir, 'hoax/mafindo-train.csv')).map((r) => r.text);
results.mafindo = clusteringRow(
  `election + ${mafindo.length.toLocaleString('en-US')} MAFINDO claims`,
  mixInChatter(election, mafindo, 7, 'mafindo-'),
);
// A labelled file need not be in time order: the same stream sorted by topic (each topic in time order,
// stream time jumping back between topics).
const byTopic = [...election].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
results.byTopic = clusteringRow('election, file sorted by topic', byTopic);

// 3. Threshold chosen on the first half of the stream only, reported on the second half.
if (!quick) {
  const half = Math.floor(election.length / 2);
  const first = election.slice(0, half);
  const second = election.slice(half);
  const grid = [0.1, 0.12, 0.15, 0.18, 0.2, 0.25];
  const scores = grid.map((t) => ({
    t,
    f1: bcubed(
      runStream(first, { enricher, clusterer: { ...clustererFlags, threshold: t } }).issueIds,
      first.map((p) => p.label),
    ).bcubedF1,
  }));
  const chosen = scores.reduce((a, b) => (b.f1 > a.f1 ? b : a));
  console.log(
    `\n## Threshold by time split\n\nfirst half (tuning): ${scores.map((s) => `${s.t}→${f3(s.f1)}`).join(', ')}; chosen ${chosen.t}; shipped default ${DEFAULT_CLUSTERER_SETTINGS.threshold}\n`,
  );
  console.log(
    '| stream | posts | precision | recall | F1 | largest issue | largest true | baseline F1 | baseline largest |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  results.secondHalfChosen = clusteringRow(
    `second half, threshold ${chosen.t} (chosen on the first)`,
    second,
    chosen.t,
  );
  results.secondHalfDefault = clusteringRow(`second half, shipped default`, second);
}

// 4. No mega-issue on unrelated text.
console.log('\n## Unrelated text (5,000 SmSA reviews, one every 20 s)\n');
for (const tag of ['', ' #infojakarta']) {
  const run = runStream(
    smsa.slice(0, 5000).map((text, i) => ({
      id: `s-${i}`,
      text: text + tag,
      publishedAt: new Date(start + i * 20_000).toISOString(),
    })),
    { enricher, tickMs: 60_000, clusterer: clustererFlags },
  );
  console.log(
    `- ${tag ? `with "${tag.trim()}" on every text` : 'plain'}: ${run.summary.issues} issues, largest ${f3(run.summary.largestIssueShare)} of all`,
  );
  results[tag ? 'smsaHashtagLargest' : 'smsaLargest'] = run.summary.largestIssueShare;
}
{
  // Real streams also carry posts that tell no story: a reaction word, an emoji, a bare link or mention
  // (project-written here). One in six texts such a post: none may gather them into one issue.
  const thin = [
    'wkwkwk',
    'Mantap',
    'Aamiin',
    'gaskeun',
    'setuju bgt',
    '😂😂😂',
    '🙏🙏',
    '@jokowi',
    '.',
    '👍',
  ];
  const random = seededRandom(17);
  const texts = smsa.slice(0, 5000).flatMap((text, i) => {
    if (i % 5 !== 4) return [text];
    const t =
      thin[Math.floor(random() * (thin.length + 1))] ??
      `https://t.co/${Math.floor(random() * 1e9).toString(36)}`;
    return [text, t];
  });
  const run = runStream(
    texts.map((text, i) => ({ id: `t-${i}`, text, publishedAt: new Date(start + i * 20_000).toISOString() })),
    { enricher, tickMs: 60_000, clusterer: clustererFlags },
  );
  console.log(
    `- with ${texts.length - 5000} thin posts among them (a reaction word, emoji, a bare link or mention): ${run.summary.issues} issues, largest ${f3(run.summary.largestIssueShare)} of all`,
  );
  results.smsaThinLargest = run.summary.largestIssueShare;
}

// 5. Burst harness.
const shuffle = <T>(xs: T[], seed: number) => {
  const r = seededRandom(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
const byLabel = new Map<string, typeof election>();
for (const p of election) byLabel.set(p.label, [...(byLabel.get(p.label) ?? []), p]);
const hours = quick ? 24 : 48;
const detector = flags.detector ? JSON.parse(flags.detector) : {};
// The engine learns idf and the stream's level from the first hours (a deployed engine restores both
// from the index after a restart); events in the warm-up are not scored.
const warmupHours = 2;

/** One burst plan: which topics burst, in which order, over which background order, at which times. */
function burstRun(seed: number) {
  const burstTopics = shuffle(
    [...byLabel].filter(([, ps]) => ps.length >= 40),
    7 + seed - 3,
  ).slice(0, 16);
  const burstLabels = new Set(burstTopics.map(([l]) => l));
  const background = shuffle(
    [
      ...smsa.slice(5000).map((text) => ({ text })),
      ...election
        .filter((p) => !burstLabels.has(p.label))
        .map((p) => ({ text: p.text, author: p.author as string })),
    ],
    11 + seed - 3,
  );
  const plan = {
    background,
    topics: burstTopics.map(([label, ps]) => ({
      label,
      texts: ps.map((p) => ({ text: p.text, author: p.author as string })),
    })),
    start: Date.parse('2026-11-01T00:00:00Z'),
    hours,
    perMinute: 2,
    sizes: [20, 40, 80],
    spanMs: 5 * 60_000,
    everyMs: 3 * 3600_000,
    seed,
  };
  const withBursts = buildBurstStream(plan, true);
  const run = runStream(withBursts.posts, { enricher, detector, clusterer: clustererFlags });
  const warmup = plan.start + warmupHours * 3600_000;
  const scored = (events: typeof run.events) => events.filter((e) => Date.parse(e.at) >= warmup);
  const score = scoreBursts(withBursts.posts, run.issueIds, scored(run.events), withBursts.bursts);
  const quiet = buildBurstStream(plan, false);
  const quietRun = runStream(quiet.posts, { enricher, detector, clusterer: clustererFlags });
  const falseRising = new Set(
    scored(quietRun.events)
      .filter((e) => e.type === 'rising')
      .map((e) => e.issueId),
  ).size;
  if (flags.debug) debugBursts(seed, withBursts, run, quiet, quietRun, scored);
  return { plan, score, falseRising };
}

// Several plans pooled: with 15 bursts a plan, its p95 is simply its slowest burst. The detector's
// settings were chosen on the tuning plans (seeds 3, 5, 11); the held-out plans (other topics bursting,
// in another order, over another background order) were never looked at while choosing them, and their
// figures are the ones to expect on other streams.
const TUNING_SEEDS = [3, 5, 11];
const HELD_OUT_SEEDS = [17, 23, 29, 31, 37, 41, 43];
const seedList = (x: string) => x.split(',').map(Number);
const plans: [string, number[]][] = flags.seed
  ? [['chosen', seedList(flags.seed)]]
  : quick
    ? [['tuning', [3]]]
    : flags['tuning-only']
      ? [['tuning', TUNING_SEEDS]]
      : [
          ['tuning', TUNING_SEEDS],
          ['held-out', HELD_OUT_SEEDS],
        ];
const s = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(0)} s`);

function pooledBursts(kind: string, seeds: number[]) {
  const runs = seeds.map(burstRun);
  const delays = runs.flatMap((r) => r.score.delaysMs).sort((a, b) => a - b);
  const sum = (f: (r: (typeof runs)[number]) => number) => runs.reduce((a, r) => a + f(r), 0);
  const q = (x: number) =>
    delays.length ? delays[Math.min(delays.length - 1, Math.ceil(x * delays.length) - 1)]! : null;
  const score = {
    bursts: sum((r) => r.score.bursts),
    detected: sum((r) => r.score.detected),
    medianDelayMs: q(0.5),
    p95DelayMs: q(0.95),
    risingIssues: sum((r) => r.score.risingIssues),
    trueRisingIssues: sum((r) => r.score.trueRisingIssues),
    causedRisingIssues: sum((r) => r.score.causedRisingIssues),
    precision: 0,
    precisionByCause: 0,
    recall: 0,
  };
  score.precision = score.risingIssues ? score.trueRisingIssues / score.risingIssues : 1;
  score.precisionByCause = score.risingIssues ? score.causedRisingIssues / score.risingIssues : 1;
  score.recall = score.bursts ? score.detected / score.bursts : 1;
  const falseRising = sum((r) => r.falseRising);
  const quietHours = seeds.length * (hours - warmupHours);
  const perDay = falseRising / (quietHours / 24);
  console.log(
    `\n## Bursts, ${kind} plans (${seeds.length} plan(s), seeds ${seeds.join('/')}: ${hours} h of background at 2/min each; ${score.bursts} bursts of 20/40/80 posts in 5 min)\n`,
  );
  console.log(
    `- detected ${score.detected}/${score.bursts}; delay from onset: median ${s(score.medianDelayMs)}, p95 ${s(score.p95DelayMs)} (all: ${delays.map((d) => Math.round(d / 1000)).join(', ')} s)`,
  );
  for (const r of runs)
    console.log(
      `  - seed ${r.plan.seed}: median ${s(r.score.medianDelayMs)}, slowest ${s(r.score.delaysMs.at(-1) ?? null)}, detected ${r.score.detected}/${r.score.bursts}, rising precision ${f3(r.score.precision)}, false rising ${r.falseRising}`,
    );
  console.log(
    `- rising: precision ${f3(score.precision)} (${score.trueRisingIssues}/${score.risingIssues} issues), recall ${f3(score.recall)}`,
  );
  console.log(
    `- rising by cause (one burst wrote at least half of the issue's posts in the 5 min before its first rise): precision ${f3(score.precisionByCause)} (${score.causedRisingIssues}/${score.risingIssues})`,
  );
  console.log(
    `- background only: ${falseRising} false rising in ${quietHours} h (after a ${warmupHours} h warm-up per plan) = ${perDay.toFixed(2)} per 24 h`,
  );
  return { ...score, seeds, falseRisingPerDay: perDay };
}

for (const [kind, seeds] of plans)
  results[kind === 'held-out' ? 'burstsHeldOut' : 'bursts'] = pooledBursts(kind, seeds);
console.log(JSON.stringify(results, (k, v) => (typeof v === 'number' ? Math.round(v * 10000) / 10000 : v)));
function debugBursts(
  seed: number,
  withBursts: ReturnType<typeof buildBurstStream>,
  run: ReturnType<typeof runStream>,
  quiet: ReturnType<typeof buildBurstStream>,
  quietRun: ReturnType<typeof runStream>,
  scored: (events: ReturnType<typeof runStream>['events']) => ReturnType<typeof runStream>['events'],
) {
  console.log(`--- seed ${seed}`);
  for (const e of scored(quietRun.events).filter((x) => x.type === 'rising')) {
    console.log('FALSE', e.reason, e.title.slice(0, 100));
    quiet.posts.forEach((p, i) => {
      if (quietRun.issueIds[i] === e.issueId)
        console.log('   ', p.publishedAt, p.author, p.text.slice(0, 90));
    });
  }
  const burstOf = new Map<string, string>();
  withBursts.bursts.forEach((b) => b.postIds.forEach((id) => burstOf.set(id, b.label)));
  for (const e of run.events.filter((x) => x.type === 'rising')) {
    // What the issue is made of, by the end of the run: burst labels and background.
    // …and how much of it was there when it rose (background that joined later is not what rose).
    const parts = new Map<string, number>();
    const partsThen = new Map<string, number>();
    withBursts.posts.forEach((p, i) => {
      if (run.issueIds[i] !== e.issueId) return;
      const k = burstOf.get(p.id) ?? 'background';
      parts.set(k, (parts.get(k) ?? 0) + 1);
      if (p.publishedAt <= e.at) partsThen.set(k, (partsThen.get(k) ?? 0) + 1);
    });
    const mix = [...parts]
      .map(([k, n]) => `${k.slice(0, 20)}:${n} (${partsThen.get(k) ?? 0} then)`)
      .join(' ');
    console.log('RISING', e.at, e.reason, '|', mix, '|', e.title.slice(0, 50));
  }
  withBursts.bursts.forEach((b) => {
    const ids = new Map<string, number>();
    withBursts.posts.forEach((p, i) => {
      if (b.postIds.has(p.id)) ids.set(run.issueIds[i]!, (ids.get(run.issueIds[i]!) ?? 0) + 1);
    });
    const firstRising = run.events.find((e) => e.type === 'rising' && ids.has(e.issueId));
    const arrivals = withBursts.posts
      .filter((p) => b.postIds.has(p.id))
      .slice(0, 4)
      .map((p) => Math.round((Date.parse(p.publishedAt) - b.onset) / 1000));
    console.log(
      'BURST',
      b.label,
      b.postIds.size,
      'split',
      [...ids.values()].sort((x, y) => y - x).join('/'),
      'delay',
      firstRising ? (Date.parse(firstRising.at) - b.onset) / 1000 : 'none',
      'first posts at',
      arrivals.join('/'),
      's',
    );
  });
}
