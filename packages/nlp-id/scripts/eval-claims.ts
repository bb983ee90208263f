/**
 * Claim matching against fact-checked narratives. The shared MAFINDO hoax narratives (title = first
 * sentence, text = the rest; ../shared/data/hoax, never copied) are the fact-check corpus; the 2019
 * election tweets (each tied to a fact-checked topic; some restate MAFINDO claims) are the posts.
 * A match at similarity ≥ threshold says "this post restates a debunked claim": it is right when the
 * tweet is labelled hoax (False/Misleading), wrong when it is labelled true. Ordinary news (headlines2024
 * and articles2018 label 0) is the negative control: any match there is a false alarm.
 *
 *   npx tsx packages/nlp-id/scripts/eval-claims.ts [--data DIR]
 *
 * Prints precision / recall per similarity threshold (train tweets: where the threshold was chosen;
 * test tweets: reported), and the index's size and lookup speed.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { sharedHoaxDir } from './shared-data';
import {
  FactCheck,
  FactCheckIndex,
  contentTerms,
  createEnricher,
  deniesClaim,
  readLabelledCsv,
} from '../src';
import { MIN_FACTCHECK_SIMILARITY } from '../src/enricher';

const { values } = parseArgs({ options: { data: { type: 'string' } } });
const DATA = sharedHoaxDir(values.data);
const read = (name: string) => readLabelledCsv(path.join(DATA, name));
const enricher = createEnricher();
const termsOf = (text: string): string[] => contentTerms(enricher.modelInput(text).tokens);

const narratives = [...read('mafindo-train.csv'), ...read('mafindo-test.csv')].filter((r) => r.label === 1);
const factChecks: FactCheck[] = narratives.map((r, i) => {
  const cut = r.text.search(/[.!?]\s/);
  return {
    id: `mafindo-${i + 1}`,
    title: cut > 0 ? r.text.slice(0, cut) : r.text.slice(0, 120),
    text: cut > 0 ? r.text.slice(cut + 1) : r.text,
    verdict: 'SALAH',
  };
});
const index = new FactCheckIndex(termsOf);
index.add(factChecks);

const THRESHOLDS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7];
function curve(name: string, rows: { text: string; label: 0 | 1 }[]): void {
  // As the enricher does: a post that denies or reports the claim is not a restatement.
  const similarities = rows.map((r) => {
    const match = index.bestMatch(termsOf(r.text));
    return match && !deniesClaim(r.text, match.factCheck) ? match.similarity : 0;
  });
  const positives = rows.filter((r) => r.label === 1).length;
  console.log(`\n${name}: ${rows.length} posts, ${positives} hoax`);
  console.log('| threshold | matches | precision | recall (of all hoax) | false alarms |');
  console.log('|---|---|---|---|---|');
  for (const t of THRESHOLDS) {
    let tp = 0;
    let fp = 0;
    similarities.forEach((s, i) => {
      if (s < t) return;
      if (rows[i]!.label === 1) tp++;
      else fp++;
    });
    const mark = t === MIN_FACTCHECK_SIMILARITY ? ' (shipped)' : '';
    console.log(
      `| ${t}${mark} | ${tp + fp} | ${tp + fp ? (tp / (tp + fp)).toFixed(3) : '–'} | ${(tp / positives).toFixed(3)} | ${fp} |`,
    );
  }
}

console.log(`fact-check corpus: ${index.size} MAFINDO hoax narratives`);
curve('election2019-tweets-train (threshold chosen here)', read('election2019-tweets-train.csv'));
curve('election2019-tweets-test', read('election2019-tweets-test.csv'));
const news = [...read('headlines2024-test.csv'), ...read('articles2018-test.csv')].filter(
  (r) => r.label === 0,
);
curve('ordinary news (headlines2024 + articles2018 test, label 0): every match is a false alarm', news);
