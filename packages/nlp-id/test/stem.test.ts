import * as fs from 'node:fs';
import { LruCache, stem } from '../src';
import { sharedDataFile, skipMessage } from './shared-data';

const SASTRAWI_VECTORS = 'stemmer/sastrawi-stemmer-vectors.tsv';

/** Project-written vectors: the words the issue names, modern vocabulary, and ordinary words that must not break. */
const PROJECT_VECTORS: [string, string][] = [
  ['menerangi', 'terang'],
  ['memuaskan', 'puas'],
  ['membantah', 'bantah'],
  ['dibantah', 'bantah'],
  ['bantahan', 'bantah'],
  ['pemerintah', 'perintah'],
  ['berimanlah', 'iman'],
  ['idealisme', 'ideal'],
  ['rerata', 'rata'],
  ['kebakaran', 'bakar'],
  ['diberitakan', 'berita'],
  ['menyebarkan', 'sebar'],
  ['penipuan', 'tipu'],
  ['perekonomian', 'ekonomi'],
  ['kepolisian', 'polisi'],
  ['pengobatan', 'obat'],
  ['viralkan', 'viral'],
  ['diviralkan', 'viral'],
  ['hoaksnya', 'hoaks'],
  ['anak-anak', 'anak'],
  ['meminta', 'minta'],
  ['menata', 'tata'],
  ['kata', 'kata'],
  ['pesta', 'pesta'],
  ['cinta', 'cinta'],
  ['ban', 'ban'],
  ['bannya', 'ban'],
  ['2024', '2024'],
  ['covid-19', 'covid-19'],
];

describe('stem', () => {
  const vectorsFile = sharedDataFile(SASTRAWI_VECTORS);
  (vectorsFile ? it : it.skip)(
    vectorsFile ? 'passes all Sastrawi stemmer test vectors' : skipMessage(SASTRAWI_VECTORS),
    () => {
      const lines = fs
        .readFileSync(vectorsFile as string, 'utf8')
        .split('\n')
        .filter(Boolean);
      const failures = lines
        .map((line) => line.split('\t'))
        .filter(([word, expected]) => stem(word as string) !== expected)
        .map(([word, expected]) => `${word} → ${stem(word as string)} (expected ${expected})`);
      expect(lines.length).toBe(201);
      expect(failures).toEqual([]);
    },
  );

  it.each(PROJECT_VECTORS)('%s → %s', (word, expected) => {
    expect(stem(word)).toBe(expected);
  });

  it('stems each word of a phrase, as Sastrawi does', () => {
    expect(stem('siapakah memberdayakan pembangunan')).toBe('siapa daya bangun');
  });

  it('is case-insensitive and trims', () => {
    expect(stem('  Membantah ')).toBe('bantah');
  });
});

describe('LruCache', () => {
  it('keeps recently used keys and never exceeds its capacity', () => {
    const cache = new LruCache<number>(4);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1);
    cache.set('d', 4);
    cache.set('e', 5);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBeLessThanOrEqual(4);
    expect(cache.get('k99')).toBe(99);
  });
});
