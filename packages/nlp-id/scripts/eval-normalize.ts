/**
 * Measures normalisation on the informal→formal pairs in ../shared/data/normalize (never copied into
 * the project): indocollex word pairs (word accuracy) and STIF sentence pairs (word accuracy by edit
 * distance, and exact sentence match), each beside the no-op baseline, with the shipped lexicon alone
 * and with the colloquial-indonesian-lexicon loaded as an extra CSV (evaluation only).
 *
 *   npx tsx packages/nlp-id/scripts/eval-normalize.ts [--data ../shared/data/normalize]
 *
 * Prints a table on stderr and one JSON line on stdout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createNormalizer, Normalizer } from '../src';

const { values } = parseArgs({ options: { data: { type: 'string' } } });
const dataDir = path.resolve(
  values.data ?? path.join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'normalize'),
);
if (!fs.existsSync(dataDir)) {
  process.stderr.write(`no evaluation data at ${dataDir}; pass --data DIR\n`);
  process.exit(2);
}

function readPairs(file: string): [string, string][] {
  const lines = fs.readFileSync(path.join(dataDir, file), 'utf8').split(/\r?\n/).slice(1);
  const pairs: [string, string][] = [];
  for (const line of lines) {
    const cols = line.split(',');
    if (cols.length >= 3 && cols[1] && cols[2]) pairs.push([cols[1].toLowerCase(), cols[2].toLowerCase()]);
  }
  return pairs;
}

function readLines(file: string): string[] {
  return fs.readFileSync(path.join(dataDir, file), 'utf8').split(/\r?\n/);
}

/** Words only: the normaliser drops punctuation, so the references are compared without it too. */
function words(text: string): string[] {
  return text.toLowerCase().match(/\d+(?:[.,]\d+)+|[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu) ?? [];
}

function editDistance(a: readonly string[], b: readonly string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

interface Scores {
  indocollexWordAccuracy: number;
  stifWordAccuracy: number;
  stifExactMatch: number;
}

function evaluate(normalizeText: (text: string) => string): Scores {
  const pairs = [
    ...readPairs('indocollex-informal-formal-train.csv'),
    ...readPairs('indocollex-informal-formal-dev.csv'),
  ];
  let correct = 0;
  for (const [informal, formal] of pairs) if (normalizeText(informal) === words(formal).join(' ')) correct++;
  let errors = 0;
  let referenceWords = 0;
  let exact = 0;
  let sentences = 0;
  for (const split of ['train', 'dev']) {
    const informal = readLines(`stif-${split}.inf`);
    const formal = readLines(`stif-${split}.for`);
    for (let i = 0; i < informal.length; i++) {
      const ref = words(formal[i] ?? '');
      if (ref.length === 0) continue;
      const hyp = normalizeText(informal[i] ?? '')
        .split(' ')
        .filter(Boolean);
      errors += editDistance(hyp, ref);
      referenceWords += ref.length;
      if (hyp.join(' ') === ref.join(' ')) exact++;
      sentences++;
    }
  }
  return {
    indocollexWordAccuracy: round(correct / pairs.length),
    stifWordAccuracy: round(1 - errors / referenceWords),
    stifExactMatch: round(exact / sentences),
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
const using = (n: Normalizer) => (text: string) => n.normalize(text).text;

const colloquial = path.join(dataDir, 'colloquial-indonesian-lexicon.csv');
const results = {
  noOpBaseline: evaluate((text) => words(text).join(' ')),
  shippedLexicon: evaluate(using(createNormalizer())),
  ...(fs.existsSync(colloquial)
    ? { withColloquialLexicon: evaluate(using(createNormalizer([colloquial]))) }
    : {}),
};
for (const [name, s] of Object.entries(results)) {
  process.stderr.write(
    `${name.padEnd(24)} indocollex word acc ${s.indocollexWordAccuracy}  stif word acc ${s.stifWordAccuracy}  stif exact ${s.stifExactMatch}\n`,
  );
}
process.stdout.write(JSON.stringify({ data: dataDir, ...results }) + '\n');
