import { SastrawiStemmer } from './sastrawi';

/**
 * Indonesian stemming: natural's Sastrawi algorithm (ported for speed in sastrawi.ts) with a corrected
 * root dictionary, a few rules Sastrawi has and natural lacks, and a bounded LRU cache (social-media
 * vocabulary is heavily repetitive, so the cache hit rate is high).
 */

// natural's root dictionary is a JSON array; we edit the cached array in place, so our stemmer and
// natural's own (which the tests compare it with, and which reads the array when first required) see
// the same corrections. Only the data file is required: natural's index loads dotenv-using storage
// modules that print to stdout.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rootWords: string[] = require('natural/lib/natural/stemmers/indonesian/data/kata-dasar.json');

/**
 * Entries of natural's dictionary that are archaic, rare, or themselves derived words. Each shadows the
 * common root a reader expects: `muas` beats `puas` in `memuaskan`, `rang` beats `terang` in `menerangi`,
 * `rim` beats `iman` in `berimanlah`; derived entries such as `idealisme` or `belikan` stop the stemmer
 * before it strips the suffix.
 */
const SHADOWING_ROOTS = new Set([
  'apatah',
  'belikan',
  'rang',
  'muas',
  'rim',
  'idealis',
  'idealisme',
  'rerata',
  'lelembut',
]);

/** Roots common in today's posts that the dictionary (compiled before social media) lacks. */
const MODERN_ROOTS = [
  'viral',
  'hoaks',
  'hoax',
  'covid',
  'medsos',
  'bansos',
  'pemilu',
  'pilpres',
  'pilkada',
  'capres',
  'cawapres',
  'pinjol',
  'online',
  'daring',
  'luring',
  'sembako',
  'lockdown',
  'influencer',
  'buzzer',
  'prank',
  'link',
  'share',
  'posting',
  'upload',
  'download',
  'update',
  'narasi',
  'provokasi',
  'klarifikasi',
  'disinformasi',
  'misinformasi',
  'vaksinasi',
  'booster',
  'ojol',
  'startup',
  'kripto',
  'bitcoin',
  'deepfake',
  'screenshot',
  'whatsapp',
  'youtube',
  'tiktok',
  'instagram',
  'twitter',
  'facebook',
  'telegram',
  'netizen',
  'warganet',
  'konten',
  'kreator',
  'microchip',
  'chip',
  'gaes',
  'vlog',
  'meme',
  'stiker',
  'trending',
  'followers',
  'giveaway',
  'voucher',
  'transfer',
  'rekening',
  'phishing',
  'scam',
];

for (let i = rootWords.length - 1; i >= 0; i--) {
  if (SHADOWING_ROOTS.has(rootWords[i] ?? '')) rootWords.splice(i, 1);
}
{
  const present = new Set(rootWords);
  for (const w of MODERN_ROOTS) if (!present.has(w)) rootWords.push(w);
}

/** The corrected roots (natural's file has one empty entry, which natural drops too). */
const dictionary: ReadonlySet<string> = new Set(rootWords.filter(Boolean));
/** natural's algorithm on our dictionary (see sastrawi.ts). */
const sastrawi = new SastrawiStemmer(dictionary);

/** True when the word is a known root (after our corrections). */
export function isRootWord(word: string): boolean {
  return dictionary.has(word);
}

/**
 * -tah is almost never a particle in today's Indonesian (apatah, siapatah), while roots ending in -tah
 * are common (bantah, perintah, pintah). natural strips it first and turns `membantah` into `ban`; we
 * first try the word with the particle protected by a possessive suffix the stemmer strips anyway.
 */
function stemTahWord(word: string): string {
  const protectedWord = word + 'nya';
  const viaProtected = sastrawi.stem(protectedWord);
  if (viaProtected !== protectedWord && viaProtected.endsWith('tah')) return viaProtected;
  return sastrawi.stem(word);
}

/** Partial reduplication (rerata → rata, lelembut → lembut, tetamu → tamu). */
const PARTIAL_REDUPLICATION = /^([bcdfghjklmnpqrstvwxyz])e(\1[a-z]{2,})$/;

function stemWord(word: string): string {
  const stemmed = word.endsWith('tah') && word.length > 5 ? stemTahWord(word) : sastrawi.stem(word);
  if (stemmed === word && !dictionary.has(word)) {
    const reduplicated = PARTIAL_REDUPLICATION.exec(word);
    if (reduplicated?.[2] && dictionary.has(reduplicated[2])) return reduplicated[2];
  }
  return stemmed;
}

/**
 * A bounded cache that keeps recently used keys: two generations of Maps. Hits in the older generation
 * are promoted; when the young generation fills, the old one is dropped. Cheaper per hit than a strict
 * LRU (no delete/re-insert), and never holds more than `capacity` keys.
 */
export class LruCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly generationSize: number;

  constructor(capacity: number) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  get(key: string): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) this.set(key, aged);
    return aged;
  }

  set(key: string, value: V): void {
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  get size(): number {
    let size = this.young.size;
    for (const key of this.old.keys()) if (!this.young.has(key)) size++;
    return size;
  }
}

const STEM_CACHE_CAPACITY = 100_000;
const stemCache = new LruCache<string>(STEM_CACHE_CAPACITY);

/**
 * Stem one Indonesian word (lower-cased). Several words separated by spaces are stemmed one by one, as
 * Sastrawi does. Words that are not alphabetic (numbers, codes) come back unchanged.
 */
export function stem(input: string): string {
  const word = input.trim().toLowerCase();
  if (word.length === 0) return word;
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  let result: string;
  if (/\s/.test(word)) result = word.split(/\s+/).map(stem).join(' ');
  else if (!/^[a-z]+(?:-[a-z]+)*$/.test(word)) result = word;
  else result = stemWord(word);
  stemCache.set(word, result);
  return result;
}
