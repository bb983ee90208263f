import { FifoMap } from '../src';

describe('FifoMap', () => {
  it('keeps the max most recently added keys and forgets the oldest first', () => {
    const seen = new FifoMap<string, number>(3);
    for (const [i, id] of ['post-a', 'post-b', 'post-c', 'post-d', 'post-e'].entries()) seen.addNew(id, i);
    expect(seen.size).toBe(3);
    expect(seen.has('post-a')).toBe(false);
    expect(seen.has('post-b')).toBe(false);
    expect(['post-c', 'post-d', 'post-e'].map((k) => seen.get(k))).toEqual([2, 3, 4]);
  });

  it('replaces the value of a key it holds without moving it in the order, and without holding it twice', () => {
    const thresholds = new FifoMap<string, string>(2);
    thresholds.set('banjir', 'v1');
    thresholds.set('gempa', 'v1');
    thresholds.set('banjir', 'v2');
    expect(thresholds.size).toBe(2);
    expect(thresholds.get('banjir')).toBe('v2');
    thresholds.set('hoaks', 'v1');
    // "banjir" was added first: it goes first, although it was written last.
    expect(thresholds.has('banjir')).toBe(false);
    expect(thresholds.get('gempa')).toBe('v1');
    thresholds.set('vaksin', 'v1');
    expect(thresholds.has('gempa')).toBe(false);
    expect(thresholds.size).toBe(2);
  });

  it('stays exactly at its bound over many wraps of its ring', () => {
    const bands = new FifoMap<number, number>(1_000);
    for (let i = 0; i < 25_500; i++) bands.addNew(i, i * 2);
    expect(bands.size).toBe(1_000);
    expect(bands.has(24_499)).toBe(false);
    expect(bands.get(24_500)).toBe(49_000);
    expect(bands.get(25_499)).toBe(50_998);
  });

  it('refuses a bound below one', () => {
    expect(() => new FifoMap(0)).toThrow(RangeError);
  });
});
