/**
 * What a restarted issue assigner keeps of running stories when its replay is capped: the election
 * stream (and the same mixed with 5,000 SmSA reviews) is cut at five points; at each cut a fresh
 * assigner is rebuilt the way the scorer does it — the newest posts of the 108 h window replayed (capped
 * at a share of the stream), then the window's older issues restored from what their documents hold
 * (their first posts, as the detector keeps them, or the keywords it counts: `restoreIssue`) — and the rest of the stream is assigned.
 * B-cubed F1 over the whole stream (posts before the cut keep their issues), beside no replay, the
 * capped replay alone, and no restart at all. Shared data read in place (../shared/data).
 *
 *   npx tsx packages/issues/scripts/eval-restart.ts [--keywords]
 */
import { createEnricher } from '@pantau/nlp-id';
import { IssueClusterer, bcubed, clusterInputOf } from '../src';
import { mixInChatter, readElectionStream, readSmsaTexts, type LabelledPost } from './shared-streams';

const enricher = createEnricher();
const election = readElectionStream();
const mixed = mixInChatter(election, readSmsaTexts().slice(0, 5000), 7, 'smsa-');
const CUTS = [0.2, 0.35, 0.5, 0.65, 0.8];
/** Sample posts the detector keeps per issue (MAX_SAMPLES in packages/detector). */
const SAMPLES = 5;
/** --keywords: restore from the keyword counts only (the fallback when the samples are gone). */
const useSamples = !process.argv.includes('--keywords');
type Variant = 'none' | 'capped' | 'documents' | 'uninterrupted';

function evaluate(name: string, posts: LabelledPost[], capShare: number) {
  const inputs = posts.map((p) => clusterInputOf(p, Date.parse(p.publishedAt), enricher.enrich(p.text)));
  const gold = posts.map((p) => p.label);
  const sums: Record<Variant, number> = { none: 0, capped: 0, documents: 0, uninterrupted: 0 };
  let joins = 0;
  let joinsRight = 0;
  console.log(`\n${name}, replay capped at ${(capShare * 100).toFixed(1)} % of the stream:`);
  for (const cutShare of CUTS) {
    const cut = Math.floor(posts.length * cutShare);
    const before = new IssueClusterer();
    const ids: string[] = [];
    // What the detector keeps of each issue: keywords counted post by post, count, first and last post.
    const docs = new Map<
      string,
      { terms: Map<string, number>; first: number; last: number; n: number; title: string }
    >();
    for (let i = 0; i < cut; i++) {
      const a = before.assign(inputs[i]!);
      ids.push(a.issueId);
      const d = docs.get(a.issueId) ?? { terms: new Map(), first: inputs[i]!.at, last: 0, n: 0, title: '' };
      for (const k of before.keywords(a.issueId)) d.terms.set(k, (d.terms.get(k) ?? 0) + 1);
      d.last = inputs[i]!.at;
      d.n += 1;
      d.title = a.title;
      docs.set(a.issueId, d);
    }
    const windowStart = inputs[cut - 1]!.at - before.restoreWindowMs();
    const window = ids.map((_, i) => i).filter((i) => inputs[i]!.at >= windowStart);
    const replay = window.slice(-Math.floor(posts.length * capShare));
    const replayStart = inputs[replay[0] ?? cut - 1]!.at;
    const run = (variant: Variant) => {
      const out = [...ids];
      let c = before;
      if (variant !== 'uninterrupted') {
        c = new IssueClusterer();
        if (variant !== 'none')
          for (const i of replay) c.learn(inputs[i]!, ids[i]!, docs.get(ids[i]!)!.title);
      }
      const restored = new Set<string>();
      // As the scorer does: the window's issues last seen before the replay, from their documents —
      // their sample posts (the detector keeps the first five), their keyword counts as the fallback.
      if (variant === 'documents')
        for (const [id, d] of docs) {
          if (d.last < windowStart || d.last > replayStart || c.has(id)) continue;
          const samples = ids.flatMap((x, i) => (x === id ? [inputs[i]!] : [])).slice(0, SAMPLES);
          const terms = [...d.terms].sort((x, y) => y[1] - x[1]).slice(0, 50);
          const doc = { id, title: d.title, posts: d.n, firstAt: d.first, lastAt: d.last, terms };
          if (c.restoreIssue(useSamples ? { ...doc, samples } : doc)) restored.add(id);
        }
      for (let i = cut; i < posts.length; i++) {
        const id = c.assign(inputs[i]!).issueId;
        out.push(id);
        if (restored.has(id)) {
          joins += 1;
          if (gold[ids.indexOf(id)] === gold[i]) joinsRight += 1;
        }
      }
      return out;
    };
    const row = (['none', 'capped', 'documents', 'uninterrupted'] as Variant[]).map((v) => {
      const f1 = bcubed(run(v), gold).bcubedF1;
      sums[v] += f1;
      return `${v} ${f1.toFixed(3)}`;
    });
    console.log(
      `  cut at ${cutShare} (replayed ${replay.length} of ${window.length} in the window): ${row.join(', ')}`,
    );
  }
  const mean = (v: Variant) => (sums[v] / CUTS.length).toFixed(4);
  console.log(
    `  mean: none ${mean('none')}, capped ${mean('capped')}, documents ${mean('documents')}, uninterrupted ${mean('uninterrupted')}; posts that joined a restored issue: ${joinsRight} of ${joins} of its story`,
  );
}

for (const capShare of [0.003, 0.01]) {
  evaluate('election 2019 tweets', election, capShare);
  evaluate('election + 5,000 SmSA reviews', mixed, capShare);
}
