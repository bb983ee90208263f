/**
 * Stemming words the cache has never seen — what a scorer pays for every new word in the stream — with
 * the project's port of natural's Sastrawi algorithm (src/sastrawi.ts) against natural's own stemmer
 * in the same run, on the same words: derived forms of every dictionary root, plus the distinct words
 * of the shared real posts when ../shared/data is there. Also checks the two agree on every word (the
 * port must not change a single stem: models and thresholds were fitted on natural's). Runs alternate
 * (natural, port, natural, port) so a noisy moment hits both.
 *
 *   npx tsx packages/nlp-id/bench/stem.bench.ts [--rounds 2]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
// Imported first: it corrects the root dictionary natural's stemmer reads when required below.
import { stem } from '../src/stem';
import { SastrawiStemmer } from '../src/sastrawi';
import { derivedWords } from '../test/sastrawi-words';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const roots: string[] = require('natural/lib/natural/stemmers/indonesian/data/kata-dasar.json');
void stem('memuaskan');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const natural: { stem(word: string): string } = require('natural/lib/natural/stemmers/indonesian/stemmer_id');

const { values } = parseArgs({ options: { rounds: { type: 'string' } } });
const ROUNDS = Number(values.rounds ?? 2);

const shared = path.resolve(__dirname, '../../../../shared/data');
const corpus = new Set<string>();
for (const relative of ['issues/election2019-topics-train.jsonl', 'text/indonlu-smsa-train.tsv']) {
  const file = path.join(shared, relative);
  if (!fs.existsSync(file)) continue;
  for (const w of fs
    .readFileSync(file, 'utf8')
    .toLowerCase()
    .match(/[a-z]+(?:-[a-z]+)*/g) ?? [])
    corpus.add(w);
}
const words = [...new Set([...derivedWords(roots), ...corpus])];
const port = new SastrawiStemmer(new Set(roots.filter(Boolean)));

function time(stemmer: { stem(word: string): string }): { microsPerWord: number; stems: string[] } {
  const start = process.hrtime.bigint();
  const stems = words.map((w) => stemmer.stem(w));
  return { microsPerWord: Number(process.hrtime.bigint() - start) / 1e3 / words.length, stems };
}

const naturalTimes: number[] = [];
const portTimes: number[] = [];
let differing = 0;
for (let round = 0; round < ROUNDS; round++) {
  const a = time(natural);
  const b = time(port);
  naturalTimes.push(a.microsPerWord);
  portTimes.push(b.microsPerWord);
  if (round === 0)
    a.stems.forEach((s, i) => {
      if (s === b.stems[i]) return;
      if (differing++ < 10) process.stdout.write(`differs: ${words[i]} natural ${s}, port ${b.stems[i]}\n`);
    });
}
const best = (xs: number[]) => Math.min(...xs);
const ratio = best(naturalTimes) / best(portTimes);
process.stdout.write(
  `${words.length.toLocaleString('en-US')} words (${corpus.size ? 'derived + real posts' : 'derived only'}), ${differing} stemmed differently\n` +
    `natural StemmerId   ${best(naturalTimes).toFixed(1).padStart(6)} µs/word\n` +
    `port (sastrawi.ts)  ${best(portTimes).toFixed(1).padStart(6)} µs/word   ${ratio.toFixed(1)}× faster\n`,
);
process.stdout.write(
  JSON.stringify({
    bench: 'nlp-id.stem',
    words: words.length,
    differing,
    naturalMicrosPerWord: Math.round(best(naturalTimes) * 10) / 10,
    portMicrosPerWord: Math.round(best(portTimes) * 10) / 10,
    ratio: Math.round(ratio * 10) / 10,
  }) + '\n',
);
if (differing > 0) process.exitCode = 1;
