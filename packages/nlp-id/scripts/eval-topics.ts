/**
 * `npm run eval:topics`: the topic scorer beside a plain TF-IDF + logistic-regression baseline, both
 * trained by the production trainer (trainTopicModel) and scored by the production scorer.
 *
 * Sets (shared data is read from ../shared/data and never copied; it is skipped when absent):
 *  - in-domain: the CLICK-ID headlines, a stratified 85/15 split (seed 7, not the data set's own);
 *  - cross-style: leave-one-style-out over the headlines. The file has no outlet column, so outlets are
 *    approximated by headline style clusters that separate outlets well in CLICK-ID (gossip-portal
 *    phrasing, "Tribunnews-style" colon headlines, Title Case vs sentence case, length); each cluster is
 *    held out in turn and the model trained on the others;
 *  - social: project-written posts in slang and hashtags (test/fixtures/topics-social-dev.csv), written
 *    apart from the seeds and lexicon, never trained on;
 *  - election tweets: the shared 2019 campaign tweets, all `politik` (recall of politik on real tweets);
 *  - MAFINDO claims: 96 real hoax/clarification texts of mafindo-test.csv (rows 0–179, the clear ones)
 *    labelled with a topic by the project (test/fixtures/topics-mafindo-test-labels.csv holds only
 *    row numbers and topics; the texts stay in ../shared/data). Labelled after the recipe was chosen.
 *
 *   npx tsx packages/nlp-id/scripts/eval-topics.ts [--quick]
 * Prints a table, then one JSON line with every figure.
 */
import { parseArgs } from 'node:util';
import { TopicMetrics, TopicTrainOptions, evaluateTopicModel, trainTopicModel } from '../src/topics';
import { loadTopicEvalSets, stratifiedSplit as split, styleCluster } from './topic-eval-sets';

const { values } = parseArgs({ options: { quick: { type: 'boolean' } } });

const RECIPES: Record<string, TopicTrainOptions> = {
  baseline: { seeds: false, features: { units: 'tokens', bigrams: true, lexicon: false }, C: 1 },
  pantau: {},
};

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const summary = (m: TopicMetrics): Record<string, unknown> => ({
  n: m.n,
  accuracy: r3(m.accuracy),
  macroF1: r3(m.macroF1),
  perTopic: Object.fromEntries(Object.entries(m.perTopic).map(([t, v]) => [t, r3(v!.f1)])),
});

const results: Record<string, Record<string, unknown>> = {};
const { headlines, social, tweets, mafindo } = loadTopicEvalSets();
const haveShared = headlines.length > 0;

for (const [name, recipe] of Object.entries(RECIPES)) {
  const out: Record<string, unknown> = {};
  if (haveShared) {
    const [train, test] = split(headlines, 0.15, 7);
    const model = trainTopicModel(train, recipe);
    out.inDomain = summary(evaluateTopicModel(model, test));
    out.social = summary(evaluateTopicModel(model, social));
    if (tweets.length > 0) out.electionTweets = summary(evaluateTopicModel(model, tweets));
    if (mafindo.length > 0) out.mafindoClaims = summary(evaluateTopicModel(model, mafindo));
    if (!values.quick) {
      const clusters = [...new Set(headlines.map((r) => styleCluster(r.text)))].sort();
      const loso: Record<string, unknown> = {};
      let sum = 0;
      for (const cluster of clusters) {
        const heldOut = headlines.filter((r) => styleCluster(r.text) === cluster);
        const rest = headlines.filter((r) => styleCluster(r.text) !== cluster);
        const m = evaluateTopicModel(trainTopicModel(rest, recipe), heldOut);
        loso[cluster] = summary(m);
        sum += m.macroF1;
      }
      out.leaveOneStyleOut = { meanMacroF1: r3(sum / clusters.length), clusters: loso };
    }
  }
  if (name === 'pantau') {
    // The shipped recipe without the shared file: seeds + lexicon only.
    const own = trainTopicModel([], recipe);
    out.projectOnly = {
      social: summary(evaluateTopicModel(own, social)),
      ...(mafindo.length > 0 ? { mafindoClaims: summary(evaluateTopicModel(own, mafindo)) } : {}),
      ...(haveShared ? { inDomain: summary(evaluateTopicModel(own, split(headlines, 0.15, 7)[1])) } : {}),
    };
  }
  results[name] = out;
  process.stderr.write(`${name}: ${JSON.stringify(out, null, 1).slice(0, 4000)}\n`);
}
process.stdout.write(JSON.stringify(results) + '\n');
