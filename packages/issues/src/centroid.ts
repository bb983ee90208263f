/**
 * The clusterer's hot data in typed arrays. A post is scored against ~15 candidate issues on ~20 keys
 * each: with keys as strings in a `Map<string, number>` per centroid, every lookup hashed and compared a
 * string and read a boxed number from another part of the heap, and every update allocated one; that
 * was most of what assignment cost. Keys are interned once per post instead (`KeyTable`), and a centroid
 * is an open-addressing table of term ids and weights (`Centroid`).
 */

const EMPTY = -1;
/** Fibonacci hashing: the top bits of id × 2^32/φ spread consecutive ids over the table. */
const GOLDEN = 0x9e3779b1;

/**
 * An issue's centroid: term id → weight (> 0; a term the centroid does not hold weighs 0). Linear
 * probing at a load of at most one half; no deletion (the clusterer trims a centroid by rebuilding it).
 */
export class Centroid {
  private keys: Int32Array;
  private weights: Float64Array;
  private shift: number;
  size = 0;

  constructor(capacity = 16) {
    let bits = 4;
    while (1 << bits < capacity) bits += 1;
    this.keys = new Int32Array(1 << bits).fill(EMPTY);
    this.weights = new Float64Array(1 << bits);
    this.shift = 32 - bits;
  }

  /** The weight of term `id`, 0 when the centroid does not hold it. */
  get(id: number): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = Math.imul(id, GOLDEN) >>> this.shift; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === id) return this.weights[i]!;
      if (k === EMPTY) return 0;
    }
  }

  /** Adds `delta` (> 0) to term `id`'s weight; returns the weight before (0: the term is new here). */
  add(id: number, delta: number): number {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = Math.imul(id, GOLDEN) >>> this.shift; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === id) {
        const old = this.weights[i]!;
        this.weights[i] = old + delta;
        return old;
      }
      if (k === EMPTY) {
        keys[i] = id;
        this.weights[i] = delta;
        this.size += 1;
        return 0;
      }
    }
  }

  /** Multiplies every weight by `factor` (folding a decayed scale back into the weights). */
  scaleAll(factor: number): void {
    const w = this.weights;
    for (let i = 0; i < w.length; i++) w[i] = w[i]! * factor;
  }

  /** Calls `fn` with each held term id and its weight (table order). */
  forEach(fn: (id: number, weight: number) => void): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) fn(keys[i]!, this.weights[i]!);
  }

  /** The held term ids and weights, as two parallel arrays (table order). */
  entries(): { ids: number[]; weights: number[] } {
    const ids: number[] = [];
    const weights: number[] = [];
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++)
      if (keys[i] !== EMPTY) {
        ids.push(keys[i]!);
        weights.push(this.weights[i]!);
      }
    return { ids, weights };
  }

  private grow(): void {
    const { keys, weights } = this;
    const bits = 33 - this.shift;
    this.keys = new Int32Array(1 << bits).fill(EMPTY);
    this.weights = new Float64Array(1 << bits);
    this.shift = 32 - bits;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.add(keys[i]!, weights[i]!);
  }
}

/**
 * Interned keys (terms, `#hashtag`, `@mention`, link keys) with what the clusterer keeps per key: its
 * decayed document frequency and how many centroids hold it. An id is reused once its key is forgotten
 * (document frequency decayed to nothing and no centroid holding it), so the table stays as small as
 * the live vocabulary.
 */
export class KeyTable {
  private readonly ids = new Map<string, number>();
  private readonly free: number[] = [];
  private next = 0;
  /** Key by id (undefined: a freed id). */
  names: (string | undefined)[] = [];
  /** Document frequency as of post number `dfAt` (0: none). */
  dfValue = new Float64Array(1024);
  dfAt = new Float64Array(1024);
  /** Centroids holding the key. */
  holders = new Int32Array(1024);
  /** Scratch: the number of the post that last used the key (deduplicates a post's keys). */
  seenBy = new Int32Array(1024);

  get size(): number {
    return this.ids.size;
  }

  idOf(key: string): number {
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.free.length ? this.free.pop()! : this.next++;
    if (id >= this.dfValue.length) this.grow(id + 1);
    this.ids.set(key, id);
    this.names[id] = key;
    this.dfValue[id] = 0;
    this.dfAt[id] = 0;
    this.holders[id] = 0;
    this.seenBy[id] = 0;
    return id;
  }

  /** Forgets every key for which `forgettable(id)` holds and no centroid holds it. */
  sweep(forgettable: (id: number) => boolean): void {
    for (let id = 0; id < this.next; id++) {
      const name = this.names[id];
      if (name === undefined || this.holders[id]! > 0 || !forgettable(id)) continue;
      this.ids.delete(name);
      this.names[id] = undefined;
      this.free.push(id);
    }
  }

  private grow(min: number): void {
    let n = this.dfValue.length;
    while (n < min) n *= 2;
    const widen = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.dfValue = widen(this.dfValue, (k) => new Float64Array(k));
    this.dfAt = widen(this.dfAt, (k) => new Float64Array(k));
    this.holders = widen(this.holders, (k) => new Int32Array(k));
    this.seenBy = widen(this.seenBy, (k) => new Int32Array(k));
  }
}
