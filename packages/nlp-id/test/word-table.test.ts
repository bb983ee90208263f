import { Normalizer, getDefaultGazetteer, loadSlangLexicon } from '../src';
import { WordTable } from '../src/word-table';
import { POSTS } from './fixtures/posts';

describe('WordTable', () => {
  const hashOf = (word: string) => WordTable.hash(word, 0, word.length);

  it('finds a word by its place in a longer text, and only that word', () => {
    const table = new WordTable<number>(16);
    table.add('hoaks', hashOf('hoaks'), 1);
    table.add('hoax', hashOf('hoax'), 2);
    const text = 'awas hoaks dan hoax, bukan hoaksnya';
    const at = (word: string) => {
      const start = text.indexOf(word);
      return table.find(text, start, start + word.length, WordTable.hash(text, start, start + word.length));
    };
    expect(table.value(at('hoaks'))).toBe(1);
    expect(table.word(at('hoaks'))).toBe('hoaks');
    expect(table.value(at('hoax'))).toBe(2);
    expect(at('hoaksnya')).toBe(-1);
    expect(at('awas')).toBe(-1);
  });

  it('tells apart words whose hashes collide', () => {
    const table = new WordTable<string>(16);
    // The same hash given for three words: each is found by its characters, not by its hash alone.
    for (const word of ['abc', 'abd', 'xyz']) table.add(word, 42, word.toUpperCase());
    for (const word of ['abc', 'abd', 'xyz'])
      expect(table.value(table.find(word, 0, 3, 42))).toBe(word.toUpperCase());
    expect(table.find('abe', 0, 3, 42)).toBe(-1);
    expect(table.find('ab', 0, 2, 42)).toBe(-1);
  });

  it('empties itself when full and goes on working', () => {
    const table = new WordTable<number>(4);
    const words = ['satu', 'dua', 'tiga', 'empat', 'lima', 'enam'];
    words.forEach((word, i) => {
      if (table.find(word, 0, word.length, hashOf(word)) < 0) table.add(word, hashOf(word), i);
    });
    // Four fit; the fifth emptied the table, so only the last two are in it.
    expect(words.map((w) => table.find(w, 0, w.length, hashOf(w)) >= 0)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(table.value(table.find('enam', 0, 4, hashOf('enam')))).toBe(5);
  });
});

describe('normalising words the word table already holds', () => {
  it('gives exactly what a normaliser that never saw them gives', () => {
    const fresh = () => new Normalizer(loadSlangLexicon(), getDefaultGazetteer().vocabulary());
    const texts = [
      ...POSTS.slice(0, 12),
      'gw udh bilang dr kmrn, info dari grup sebelah tuh HOAKS bgt!!! #CekFakta @kominfo',
      'anak2 pd sekolah 2-0 lho, harga naik 1.200 jd 10.000 ... gpp yg penting sehat',
      'Bangeeet seneng ngeliatnya, nyariin dr td',
    ];
    const warmed = fresh();
    for (let pass = 0; pass < 2; pass++) for (const text of texts) warmed.normalize(text);
    for (const text of texts) expect(warmed.normalize(text)).toEqual(fresh().normalize(text));
  });
});
