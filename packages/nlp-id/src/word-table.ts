import { fnv1aOfRange } from './hashing';

/**
 * Words already seen, found by a character range of a text instead of by a string: a hit costs a hash
 * of the range and one comparison with the stored word, and allocates nothing (the stored string, its
 * hash already computed by V8, stands for the word from then on). Normalisation looks up every word of
 * every post; slicing each word out and hashing it again in a Map was the largest single cost of
 * enrichment.
 *
 * Open addressing over (hash, entry) pairs in one Int32Array at a load of at most one half; when the
 * entries reach `capacity` the table is emptied and refills with the words in use (a cache in front of
 * the normaliser's own, so nothing is lost but the lookups).
 */
export class WordTable<V> {
  private slots: Int32Array;
  private readonly mask: number;
  private words: string[] = [];
  private values: V[] = [];

  constructor(private readonly capacity = 32_768) {
    let size = 2;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size * 2);
    this.mask = size - 1;
  }

  /** The hash `find` and `add` take: fnv1a of text[start, end), as a signed 32-bit integer (a slot holds it). */
  static hash(text: string, start: number, end: number): number {
    return fnv1aOfRange(text, start, end) | 0;
  }

  /** The entry number of the word text[start, end) with hash `hash`, or -1. */
  find(text: string, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const length = end - start;
    for (let i = (hash ^ (hash >>> 16)) & this.mask; ; i = (i + 1) & this.mask) {
      const entry = slots[2 * i + 1]! - 1;
      if (entry < 0) return -1;
      if (slots[2 * i] !== hash) continue;
      const word = this.words[entry]!;
      if (word.length !== length) continue;
      let same = true;
      for (let k = 0; k < length && same; k++) same = word.charCodeAt(k) === text.charCodeAt(start + k);
      if (same) return entry;
    }
  }

  word(entry: number): string {
    return this.words[entry]!;
  }

  value(entry: number): V {
    return this.values[entry]!;
  }

  /** Adds a word not in the table (find gave -1) with its hash. */
  add(word: string, hash: number, value: V): void {
    if (this.words.length >= this.capacity) {
      this.slots.fill(0);
      this.words = [];
      this.values = [];
    }
    const entry = this.words.length;
    this.words.push(word);
    this.values.push(value);
    const slots = this.slots;
    let i = (hash ^ (hash >>> 16)) & this.mask;
    while (slots[2 * i + 1] !== 0) i = (i + 1) & this.mask;
    slots[2 * i] = hash;
    slots[2 * i + 1] = entry + 1;
  }
}
