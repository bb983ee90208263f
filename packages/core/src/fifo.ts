/**
 * A Map that keeps its `max` most recently added keys: adding one more forgets the oldest.
 *
 * Why not a plain Map trimmed with `map.delete(map.keys().next().value)`: V8 leaves a hole for every
 * deleted entry until the table is next rebuilt, and an iterator starts at the first slot, so once the
 * map is full each trim walks past every key deleted since — O(max) per insert. Measured: a Map of
 * 1,000,000 post ids went from ~1 µs to ~100 µs an insert once it was full, and the issue assigner
 * (4,000,000 near-duplicate bands, 16 a post) from ~60 µs to over 1 ms a post after ~250,000 unique
 * posts. Here the insertion order lives in a ring of keys, so forgetting the oldest is one hash delete.
 *
 * Insertion order, not recency: `get` does not refresh a key (for that, see lru-cache). The ring is an
 * array grown to `max` as keys arrive, not allocated up front.
 */
export class FifoMap<K, V> {
  private readonly map = new Map<K, V>();
  private readonly ring: K[] = [];
  /** Where the oldest key is once the ring is full (before that, 0). */
  private head = 0;

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`FifoMap max must be ≥ 1, got ${max}`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Adds or replaces a key's value (a key already held keeps its place in the order). */
  set(key: K, value: V): this {
    if (this.map.has(key)) this.map.set(key, value);
    else this.addNew(key, value);
    return this;
  }

  /** `set` for a key the caller knows is absent (one hash lookup fewer, for the hottest paths). */
  addNew(key: K, value: V): void {
    if (this.ring.length < this.max) this.ring.push(key);
    else {
      this.map.delete(this.ring[this.head]!);
      this.ring[this.head] = key;
      this.head = this.head + 1 === this.max ? 0 : this.head + 1;
    }
    this.map.set(key, value);
  }
}
