import * as fs from 'node:fs';
// stem.ts corrects the root dictionary natural's modules read when first required: import it first, so
// natural's stemmer below stems with the same dictionary as the port.
import { stem } from '../src/stem';
import { SastrawiStemmer } from '../src/sastrawi';
import { POSTS } from './fixtures/posts';
import { derivedWords } from './sastrawi-words';
import { sharedDataFile } from './shared-data';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const roots: string[] = require('natural/lib/natural/stemmers/indonesian/data/kata-dasar.json');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const natural: { stem(word: string): string } = require('natural/lib/natural/stemmers/indonesian/stemmer_id');

/**
 * Words of real posts when the shared data is there (more of what a scorer meets), else none; every
 * `every`-th distinct word. Under jest natural's stemmer is slow (~0.5 ms a word: it passes results
 * through properties of the global object, which jest's sandbox intercepts), so this test checks a
 * sample; `npm run bench -- nlp` compares the two on all of them (~230,000 words).
 */
function corpusWords(every: number): string[] {
  const files = ['issues/election2019-topics-train.jsonl', 'text/indonlu-smsa-train.tsv'];
  const words = new Set<string>();
  for (const relative of files) {
    const file = sharedDataFile(relative);
    if (!file) continue;
    for (const w of fs
      .readFileSync(file, 'utf8')
      .toLowerCase()
      .match(/[a-z]+(?:-[a-z]+)*/g) ?? [])
      words.add(w);
  }
  return [...words].filter((_, i) => i % every === 0);
}

describe('SastrawiStemmer (natural’s algorithm, ported for speed)', () => {
  const port = new SastrawiStemmer(new Set(roots.filter(Boolean)));
  void stem('memuaskan');

  it('stems exactly as natural does: derived forms of the dictionary’s roots, fixtures and real posts', () => {
    const fixtureWords =
      POSTS.join(' ')
        .toLowerCase()
        .match(/[a-z]+(?:-[a-z]+)*/g) ?? [];
    const words = [...new Set([...derivedWords(roots, 20), ...fixtureWords, ...corpusWords(10)])];
    expect(words.length).toBeGreaterThan(9_000);
    const differing = words
      .filter((w) => port.stem(w) !== natural.stem(w))
      .map((w) => `${w}: natural ${natural.stem(w)}, port ${port.stem(w)}`);
    expect(differing).toEqual([]);
  });

  it('follows natural through reduplication, confixes, the loop that restores prefixes, and special cases', () => {
    for (const word of [
      'berbalas-balasan',
      'meniru-nirukan',
      'malaikat-malaikatnya',
      'malaikat-malaikat-nya',
      'sebut',
      'disebutkannya',
      'mempermainkan',
      'pelajaran',
      'belajar',
      'pelajar',
      'mengeluh',
      'menggugat',
      'bersembunyilah',
      'kaubawa',
    ])
      expect(port.stem(word)).toBe(natural.stem(word));
  });

  it('needs a root to strip: a word the dictionary cannot explain comes back unchanged', () => {
    expect(port.stem('menggoreng')).toBe('goreng');
    expect(port.stem('xyzqwe')).toBe('xyzqwe');
    expect(port.stem('ab')).toBe('ab');
  });
});
