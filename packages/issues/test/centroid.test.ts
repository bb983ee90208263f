import { Centroid, KeyTable } from '../src/centroid';
import { IssueClusterer } from '../src';

describe('Centroid (term id → weight table)', () => {
  it('holds the same weights as a Map through growth, and 0 for terms it does not hold', () => {
    const table = new Centroid();
    const reference = new Map<number, number>();
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    for (let i = 0; i < 5_000; i++) {
      // Ids clustered and scattered alike: consecutive ids are the common case (interning order).
      const id = random() < 0.5 ? Math.floor(random() * 300) : Math.floor(random() * 1e6);
      const delta = 0.01 + random();
      const before = table.add(id, delta);
      expect(before).toBe(reference.get(id) ?? 0);
      reference.set(id, (reference.get(id) ?? 0) + delta);
    }
    expect(table.size).toBe(reference.size);
    for (const [id, w] of reference) expect(table.get(id)).toBe(w);
    expect(table.get(1e6 + 5)).toBe(0);
    const { ids, weights } = table.entries();
    expect(new Map(ids.map((id, i) => [id, weights[i]]))).toEqual(reference);
    table.scaleAll(0.5);
    for (const [id, w] of reference) expect(table.get(id)).toBe(w * 0.5);
  });
});

describe('KeyTable (interned keys)', () => {
  it('gives each key one id, and reuses the id of a forgotten key only once no centroid holds it', () => {
    const keys = new KeyTable();
    const a = keys.idOf('banjir');
    const b = keys.idOf('#infojakarta');
    expect(keys.idOf('banjir')).toBe(a);
    expect(b).not.toBe(a);
    keys.holders[a] = 1;
    keys.sweep(() => true);
    expect(keys.size).toBe(1);
    expect(keys.names[a]).toBe('banjir');
    const c = keys.idOf('hoaks');
    expect(c).toBe(b);
    expect(keys.dfValue[c]).toBe(0);
  });
});

describe('IssueClusterer memory', () => {
  it('forgets the words of a long stream once their document frequency has faded and no issue holds them', () => {
    const c = new IssueClusterer({ dfHalfLifePosts: 1_000, maxIssues: 100 });
    const T0 = Date.parse('2026-11-28T01:00:00Z');
    const posts = 60_000;
    for (let i = 0; i < posts; i++)
      c.assign({ id: `p${i}`, at: T0 + i * 1_000, terms: [`kata${i}a`, `kata${i}b`, `kata${i}c`] });
    // 180,000 distinct words went through; after the sweep at post 50,000 only the words of roughly
    // the last 4,300 posts before it (document frequency above 0.05) and the 100 issues in memory are
    // left, plus the 10,000 posts since.
    expect(c.vocabulary).toBeLessThan(3 * 16_000);
    expect(c.vocabulary).toBeGreaterThan(3 * 10_000);
    expect(c.size).toBe(100);
  });
});
