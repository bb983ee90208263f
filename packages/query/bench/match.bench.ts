// Index vs naive watchlist matching, in one run on one machine so the ratio is meaningful.
// Run from the repo root: npx tsx packages/query/bench/match.bench.ts [watchlists] [docs] [seed]
// Prints a human summary, then one JSON line last (for scripts/bench to collect).
import { basicNormalizeTerm, compileMatcher, createWatchlistIndex, parseQuery, type MatchDoc } from '../src';
import { expandedVocabulary, randomDoc, randomQueryText, seededRng } from '../test/support/random';

const [watchlistArg, docArg, seedArg] = process.argv.slice(2);
const WATCHLISTS = Number(watchlistArg ?? 5000);
const DOCS = Number(docArg ?? 5000);
const SEED = Number(seedArg ?? 42);

const rng = seededRng(SEED);
const vocabulary = expandedVocabulary();
const asts = Array.from({ length: WATCHLISTS }, () => parseQuery(randomQueryText(rng, vocabulary)));
const docs: MatchDoc[] = Array.from({ length: DOCS }, () =>
  randomDoc(rng, { vocabulary, minTokens: 10, maxTokens: 50 }),
);

const index = createWatchlistIndex({ normalizeTerm: basicNormalizeTerm });
asts.forEach((ast, i) => index.add(`w${i}`, ast));
const matchers = asts.map((ast, i) => ({ id: `w${i}`, match: compileMatcher(ast, basicNormalizeTerm) }));

function naive(doc: MatchDoc): string[] {
  const ids: string[] = [];
  for (const m of matchers) if (m.match(doc)) ids.push(m.id);
  return ids.sort();
}

/** Best of two passes: the first pass pays for JIT warm-up and the per-doc lookups. */
function measure(run: (doc: MatchDoc) => string[]): { docsPerSec: number; matches: number } {
  let best = Infinity;
  let matches = 0;
  for (let pass = 0; pass < 2; pass++) {
    // Fresh doc objects per pass, so lookups cached on a doc by an earlier pass do not flatter later ones.
    const fresh = docs.map((d) => ({
      terms: new Set(d.terms),
      tokens: [...d.tokens],
      hashtags: new Set(d.hashtags),
    }));
    matches = 0;
    const start = process.hrtime.bigint();
    for (const doc of fresh) matches += run(doc).length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.min(best, seconds);
  }
  return { docsPerSec: DOCS / best, matches };
}

// Same answers first: a fast wrong index is worthless.
for (const doc of docs.slice(0, 500)) {
  if (index.match(doc).join() !== naive(doc).join()) throw new Error('index and naive evaluation disagree');
}

const naiveResult = measure(naive);
const indexResult = measure((doc) => index.match(doc));
if (naiveResult.matches !== indexResult.matches) throw new Error('index and naive match counts differ');

const ratio = indexResult.docsPerSec / naiveResult.docsPerSec;
console.log(
  `watchlists=${WATCHLISTS} docs=${DOCS} seed=${SEED} matches/doc=${(indexResult.matches / DOCS).toFixed(1)}`,
);
console.log(`naive: ${Math.round(naiveResult.docsPerSec)} docs/s`);
console.log(`index: ${Math.round(indexResult.docsPerSec)} docs/s`);
console.log(`index/naive: ${ratio.toFixed(1)}x`);
console.log(
  JSON.stringify({
    bench: 'query.match',
    watchlists: WATCHLISTS,
    docs: DOCS,
    seed: SEED,
    matchesPerDoc: Number((indexResult.matches / DOCS).toFixed(2)),
    naiveDocsPerSec: Math.round(naiveResult.docsPerSec),
    indexDocsPerSec: Math.round(indexResult.docsPerSec),
    ratio: Number(ratio.toFixed(2)),
  }),
);
