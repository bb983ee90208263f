import { LSH_BANDS, computeSignature } from '@pantau/nlp-id';
import { BandFirsts } from '../src/band-firsts';

const bandsOf = (text: string) => computeSignature(text.split(' ')).bands;

describe('BandFirsts', () => {
  it('finds the first post of every band key nlp-id writes, and nothing for keys never added', () => {
    const firsts = new BandFirsts(1_000);
    const original = bandsOf('vaksin covid mengandung chip magnetik kata dokter di grup sebelah');
    expect(original).toHaveLength(LSH_BANDS);
    original.forEach((band) => firsts.addNew(band, 'p1'));
    for (const band of original) expect(firsts.get(band)).toBe('p1');
    const other = bandsOf('banjir rob di pesisir utara jakarta, warga mengungsi ke masjid');
    for (const band of other) {
      expect(firsts.has(band)).toBe(false);
      expect(firsts.get(band)).toBeUndefined();
    }
    expect(firsts.size).toBe(LSH_BANDS);
  });

  it('keeps bands apart: the same hash under two band numbers is two keys', () => {
    const firsts = new BandFirsts(100);
    firsts.addNew('0:AbCdE', 'p1');
    expect(firsts.get('1:AbCdE')).toBeUndefined();
    firsts.addNew('1:AbCdE', 'p2');
    expect(firsts.get('0:AbCdE')).toBe('p1');
    expect(firsts.get('1:AbCdE')).toBe('p2');
    // Every character of the hash counts (a decoder that dropped one would merge these).
    for (const key of ['0:AbCdF', '0:bbCdE', '0:Ab-dE', '0:AbCd_', 'f:AbCdE'])
      expect(firsts.get(key)).toBeUndefined();
  });

  it('takes keys of another form too, by their whole text', () => {
    const firsts = new BandFirsts(100);
    for (const key of ['3:abc', 'band-7-0123456789', 'z:AbCdE', '0:AbC!E', ''])
      firsts.addNew(key, `p-${key}`);
    for (const key of ['3:abc', 'band-7-0123456789', 'z:AbCdE', '0:AbC!E', ''])
      expect(firsts.get(key)).toBe(`p-${key}`);
    expect(firsts.get('3:abd')).toBeUndefined();
    expect(firsts.get('0:AbCdE')).toBeUndefined();
  });

  it('forgets the oldest keys past its size', () => {
    // 32 keys: 2 per band.
    const firsts = new BandFirsts(32);
    const posts = [
      'razia knalpot brong di jalan raya bogor malam ini',
      'harga cabai rawit tembus seratus ribu sekilo di pasar induk',
      'timnas u23 lolos final piala asia setelah adu penalti dramatis',
    ].map((text, i) => ({ id: `p${i}`, bands: bandsOf(text) }));
    for (const p of posts) p.bands.forEach((band) => firsts.addNew(band, p.id));
    expect(firsts.size).toBe(32);
    for (const band of posts[0]!.bands) expect(firsts.has(band)).toBe(false);
    for (const p of posts.slice(1)) for (const band of p.bands) expect(firsts.get(band)).toBe(p.id);
  });
});

describe('BandFirsts under a long stream', () => {
  it('holds exactly the last maxKeys keys while its table is rebuilt many times over', () => {
    const max = 5_000;
    const firsts = new BandFirsts(max, 1_000_000);
    const key = (n: number) =>
      `${(n % 16).toString(36)}:${String.fromCharCode(65 + (n % 26))}${(n >>> 4).toString(36).padStart(4, 'A').slice(-4)}`;
    // Keys are distinct for n < 16 * 36^4; the post changes every 16 keys.
    for (let n = 0; n < 60_000; n++) firsts.addNew(key(n), `p${n >> 4}`);
    expect(firsts.size).toBe(max);
    expect(firsts.get(key(60_000 - max - 1))).toBeUndefined();
    expect(firsts.get(key(60_000 - max))).toBe(`p${(60_000 - max) >> 4}`);
    expect(firsts.get(key(59_999))).toBe(`p${59_999 >> 4}`);
  });

  it('forgets keys whose post left the ring of the last maxPosts posts', () => {
    const firsts = new BandFirsts(1_000, 4);
    firsts.addNew('0:AAAAA', 'p0');
    firsts.addNew('1:AAAAA', 'p0');
    for (let p = 1; p <= 3; p++) firsts.addNew(`0:AAAA${String.fromCharCode(65 + p)}`, `p${p}`);
    expect(firsts.get('1:AAAAA')).toBe('p0');
    firsts.addNew('0:BBBBB', 'p4');
    expect(firsts.get('1:AAAAA')).toBeUndefined();
    expect(firsts.get('0:AAAAD')).toBe('p3');
    // A forgotten key is taken by the next post that has it.
    firsts.addNew('1:AAAAA', 'p5');
    expect(firsts.get('1:AAAAA')).toBe('p5');
  });
});

describe('BandFirsts.claim', () => {
  it('answers the first post of a held key, and makes the claimer the first of a new or forgotten one', () => {
    const firsts = new BandFirsts(2, 100);
    expect(firsts.claim('0:AAAAA', 'p1')).toBeUndefined();
    expect(firsts.claim('0:AAAAA', 'p2')).toBe('p1');
    expect(firsts.claim('1:AAAAA', 'p2')).toBeUndefined();
    expect(firsts.get('1:AAAAA')).toBe('p2');
    // A third key pushes the first out of the last two: its next claimer takes it.
    expect(firsts.claim('2:AAAAA', 'p3')).toBeUndefined();
    expect(firsts.claim('0:AAAAA', 'p4')).toBeUndefined();
    expect(firsts.get('0:AAAAA')).toBe('p4');
  });
});
