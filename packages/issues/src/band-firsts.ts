import { LSH_BANDS, fnv1a } from '@pantau/nlp-id';

/** nlp-id's bands (read once: an imported binding is a property read on the module each time). */
const BANDS = LSH_BANDS;

/**
 * Near-duplicate band key → the first post that had it, for the last `maxKeys` keys added (and posts
 * among the last `maxPosts` that added keys).
 *
 * A band key is `b:xxxxx` (nlp-id `lshBands`: the band's number, then a 30-bit hash in five base-64
 * characters). Every post looks up its 16 keys, nearly all misses, among millions. In a
 * `Map<string, string>` each lookup hashed a new string and walked its bucket's chain comparing strings,
 * a cache miss per entry: ~500 ns a lookup at a million keys, a tenth of what the assigner cost
 * beside enrichment. Here a key is decoded to its band and hash and looked up in an open-addressing
 * table in one typed array (linear probing, one or two cache lines a lookup): 16 bytes a slot, 1.8 to
 * 3.6 slots a key, outside the JS heap, where the Map held a key string, an entry and a ring slot per key
 * on the heap for the garbage collector to mark again and again.
 *
 * Forgetting is by age, not by deletion: each entry keeps its insertion number and the post's sequence
 * number. An entry older than the last `maxKeys` insertions, or whose post has left the ring of the last
 * `maxPosts` posts, reads as absent; the first kind's slot is reused by the next key that probes past
 * it, and when used slots pass 70 % of the table the live entries are moved into a fresh table sized
 * for them (which drops both kinds).
 *
 * Keys of another form (none are written today; documents of an older format could hold some) are kept
 * under a 30-bit hash of the whole string, apart from the bands: the same odds of two keys meeting by
 * chance as the band hashes themselves.
 */
export class BandFirsts {
  private capacity = 0;
  private shift = 0;
  /**
   * Four numbers a slot, side by side so that a probe reads one cache line: the key's hash (30 bits),
   * its band + 1 (0: empty slot), its insertion number, its post's sequence number.
   */
  private table = new Int32Array(0);
  /** Slots holding an entry, live or not. */
  private used = 0;
  /** Keys added so far (wraps at 2^32: only differences are read). */
  private insertions = 0;
  /** The posts that added keys, by sequence number modulo the ring's size. */
  private readonly ringSize: number;
  private readonly posts: (string | undefined)[];
  private ringSeq: Int32Array;
  /** The last post's sequence number (the first is 0). */
  private postSeq = -1;
  private lastPost: string | undefined;
  /** The key being read: set by `decode`. */
  private hash = 0;
  private band = 0;

  constructor(
    readonly maxKeys: number,
    maxPosts = maxKeys,
  ) {
    if (!(maxKeys >= 1)) throw new RangeError(`BandFirsts maxKeys must be ≥ 1, got ${maxKeys}`);
    // A power of two, so that a post's slot is its sequence number's low bits even after it wraps.
    let ring = 1;
    while (ring < maxPosts) ring *= 2;
    this.ringSize = ring;
    this.posts = [];
    this.ringSeq = new Int32Array(Math.min(ring, 1024));
    this.resize(1024);
  }

  /** Live keys (those `get` finds). */
  get size(): number {
    let n = 0;
    for (let i = 0; i < this.capacity; i++) if (this.table[i * 4 + 1] !== 0 && this.live(i)) n++;
    return n;
  }

  /** The first post that had this band key, if it is still held. */
  get(band: string): string | undefined {
    this.decode(band);
    const slot = this.find();
    return slot >= 0 && this.live(slot)
      ? this.posts[this.table[slot * 4 + 3]! & (this.ringSize - 1)]
      : undefined;
  }

  has(band: string): boolean {
    return this.get(band) !== undefined;
  }

  /**
   * The first post that had this band key if it is still held; else records `postId` as its first and
   * returns undefined. One probe, where `get` then `addNew` took two (16 keys a post).
   */
  claim(band: string, postId: string): string | undefined {
    this.decode(band);
    const slot = this.find();
    if (slot >= 0 && this.live(slot)) return this.posts[this.table[slot * 4 + 3]! & (this.ringSize - 1)];
    this.record(slot, postId);
    return undefined;
  }

  /** Records the first post of a key `get` does not find (a forgotten entry of the key is replaced). */
  addNew(band: string, postId: string): void {
    this.decode(band);
    this.record(this.find(), postId);
  }

  /** Records `postId` for the decoded key, in its slot if it has one (`find`), else in a new one. */
  private record(slot: number, postId: string): void {
    if (postId !== this.lastPost) {
      this.postSeq = (this.postSeq + 1) | 0;
      this.lastPost = postId;
      const at = this.postSeq & (this.ringSize - 1);
      if (at >= this.ringSeq.length) this.growRing(at + 1);
      this.posts[at] = postId;
      this.ringSeq[at] = this.postSeq;
    }
    this.insertions = (this.insertions + 1) | 0;
    if (slot >= 0) {
      this.table[slot * 4 + 2] = this.insertions;
      this.table[slot * 4 + 3] = this.postSeq;
      return;
    }
    this.put(this.hash, this.band, this.insertions, this.postSeq);
    if (this.used > this.capacity * 0.7) this.rebuild();
  }

  /** The slot holding the current key (live or not), or -1. */
  private find(): number {
    const { table, hash, band } = this;
    const mask = this.capacity - 1;
    for (let i = this.home(hash, band); ; i = (i + 1) & mask) {
      const b = table[i * 4 + 1]!;
      if (b === 0) return -1;
      if (b === band && table[i * 4] === hash) return i;
    }
  }

  /**
   * Puts an entry the table does not hold into the first empty slot of its probe, or the first whose
   * entry is older than the last `maxKeys` added (entries only their post's age forgets stay until the
   * next rebuild: telling them needs a read elsewhere).
   */
  private put(hash: number, band: number, added: number, post: number): void {
    const { table } = this;
    const mask = this.capacity - 1;
    for (let i = this.home(hash, band); ; i = (i + 1) & mask) {
      const o = i * 4;
      const empty = table[o + 1] === 0;
      if (empty || (this.insertions - table[o + 2]!) >>> 0 >= this.maxKeys) {
        if (empty) this.used += 1;
        table[o] = hash;
        table[o + 1] = band;
        table[o + 2] = added;
        table[o + 3] = post;
        return;
      }
    }
  }

  private home(hash: number, band: number): number {
    return Math.imul(hash ^ Math.imul(band, 0x61c88647), 0x9e3779b1) >>> this.shift;
  }

  /** Whether the slot's entry is among the last `maxKeys` added and its post still in the ring. */
  private live(slot: number): boolean {
    if ((this.insertions - this.table[slot * 4 + 2]!) >>> 0 >= this.maxKeys) return false;
    const seq = this.table[slot * 4 + 3]!;
    return this.ringSeq[seq & (this.ringSize - 1)] === seq && (this.postSeq - seq) >>> 0 < this.ringSize;
  }

  /**
   * Moves the live entries into a fresh table sized for them. A forgotten entry reused in
   * place can sit before an older forgotten copy of the same key; moving only live ones drops both.
   */
  private rebuild(): void {
    const { table, capacity } = this;
    const liveMask = new Uint8Array(capacity);
    let live = 0;
    for (let i = 0; i < capacity; i++)
      if (table[i * 4 + 1] !== 0 && this.live(i)) {
        liveMask[i] = 1;
        live++;
      }
    // At most 55 % full after a rebuild (4 M keys: 8 M slots, 128 MB).
    let size = 1024;
    while (size * 0.55 < live) size *= 2;
    this.resize(size);
    for (let i = 0; i < capacity; i++)
      if (liveMask[i]) this.put(table[i * 4]!, table[i * 4 + 1]!, table[i * 4 + 2]!, table[i * 4 + 3]!);
  }

  private resize(size: number): void {
    this.capacity = size;
    this.shift = 32 - Math.log2(size);
    this.table = new Int32Array(size * 4);
    this.used = 0;
  }

  private growRing(min: number): void {
    let n = this.ringSeq.length;
    while (n < min) n *= 2;
    const next = new Int32Array(Math.min(n, this.ringSize));
    next.set(this.ringSeq);
    this.ringSeq = next;
  }

  /** Sets `hash` and `band` (1–16 for nlp-id's bands, 17 for a key of another form). */
  private decode(key: string): void {
    if (key.length === 7 && key.charCodeAt(1) === 58 /* ':' */) {
      const b = bandOf(key.charCodeAt(0));
      let h = 0;
      let ok = b >= 0;
      for (let i = 0; ok && i < 5; i++) {
        const d = digitOf(key.charCodeAt(2 + i));
        if (d < 0) ok = false;
        else h |= d << (6 * i);
      }
      if (ok) {
        this.hash = h;
        this.band = b + 1;
        return;
      }
    }
    const h = fnv1a(key);
    this.hash = (h ^ (h >>> 30)) & 0x3fffffff;
    this.band = BANDS + 1;
  }
}

/** nlp-id's bands are named by their number in base 36 (0–9, a–f). */
function bandOf(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code < 87 + BANDS) return code - 87;
  return -1;
}

/** URL-safe base 64: A–Z a–z 0–9 - _ (the order of nlp-id's `DIGIT_CODES`). */
function digitOf(code: number): number {
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 71;
  if (code >= 48 && code <= 57) return code + 4;
  if (code === 45) return 62;
  if (code === 95) return 63;
  return -1;
}
