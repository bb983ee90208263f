/**
 * Prints the near-duplicate figures: on the project's fixture posts, and on the IndoNLU SmSA texts in
 * ../shared/data when present.
 *
 *   npx tsx packages/nlp-id/scripts/eval-neardup.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { POSTS } from '../test/fixtures/posts';
import { measureNearDuplicates } from './neardup-eval';

const smsa = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'data',
  'text',
  'indonlu-smsa-train.tsv',
);
const result: Record<string, unknown> = { fixturePosts: measureNearDuplicates(POSTS, 7, 40) };
if (fs.existsSync(smsa)) {
  const texts = fs
    .readFileSync(smsa, 'utf8')
    .split('\n')
    .map((line) => line.split('\t')[0] ?? '')
    .filter(Boolean)
    .slice(0, 3000);
  result.indonluSmsa = measureNearDuplicates(texts, 7, 4);
}
process.stdout.write(JSON.stringify(result) + '\n');
