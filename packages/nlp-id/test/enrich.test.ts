import { createEnricher } from '../src';
import { POSTS } from './fixtures/posts';

describe('createEnricher().enrich', () => {
  const enricher = createEnricher();

  it('returns every field the scorer indexes', () => {
    const e = enricher.enrich(
      'Kata temen gw yg kerja di Kemenkes, vaksin booster ada chipnya!! Cek bit.ly/vaksin-chip @KemenkesRI #TolakVaksin 😱',
    );
    expect(e.lang).toBe('id');
    expect(e.normalizedText).toContain('kata teman saya yang kerja di kemenkes');
    expect(e.tokens).toContain('vaksin');
    expect(e.terms).toEqual(
      expect.arrayContaining(['teman', 'kemenkes', 'vaksin', 'booster', 'chip', 'tolak']),
    );
    expect(e.terms).not.toContain('yang');
    expect(new Set(e.terms).size).toBe(e.terms.length);
    expect(e.hashtags).toEqual(['tolakvaksin']);
    expect(e.mentions).toEqual(['kemenkesri']);
    expect(e.urls).toEqual(['bit.ly/vaksin-chip']);
    expect(e.domains).toEqual(['bit.ly']);
    expect(e.emojis).toEqual(['😱']);
    expect(e.entities.map((x) => x.id)).toEqual(['kemenkes']);
    expect(e.signature.minhash).toHaveLength(128);
    expect(e.signature.bands).toHaveLength(16);
    expect(e.hoax.score).toBeGreaterThanOrEqual(0);
    expect(e.hoax.score).toBeLessThanOrEqual(1);
    expect(e.hoax.signals.length).toBeGreaterThan(0);
    expect(e.hoax.signals.some((s) => s.id === 'opaque-link')).toBe(true);
  });

  it('gives near-copies the same band keys and unrelated posts none', () => {
    const a = enricher.enrich(POSTS[9] as string).signature.bands;
    const copy = enricher.enrich((POSTS[9] as string) + ' 🙏').signature.bands;
    const other = enricher.enrich(POSTS[10] as string).signature.bands;
    expect(copy).toEqual(a);
    expect(other.filter((k) => a.includes(k))).toEqual([]);
  });

  it('keeps place names as terms instead of stemming them into common words', () => {
    const terms = (text: string) => enricher.enrich(text).terms;
    expect(terms('Banjir bandang di Kediri, ratusan warga mengungsi')).toContain('kediri');
    expect(terms('Banjir bandang di Kediri, ratusan warga mengungsi')).not.toContain('diri');
    expect(terms('Gempa M6,1 guncang Maluku Utara pagi tadi')).toContain('maluku');
    expect(terms('Macet total di tol Bekasi Timur arah Cikampek')).toEqual(
      expect.arrayContaining(['bekasi']),
    );
    expect(terms('Jual motor bekas, masih mulus')).toContain('bekas');
    expect(terms('Warga Bali gelar upacara Melasti')).toContain('bali');
  });

  it('handles empty and odd input', () => {
    for (const text of ['', '   ', '😂😂😂', 'https://example.com', '!!!???', '1234567']) {
      const e = enricher.enrich(text);
      expect(e.hoax.score).toBeGreaterThanOrEqual(0);
      expect(e.hoax.score).toBeLessThanOrEqual(1);
    }
  });

  it('enriches every fixture post', () => {
    for (const post of POSTS) expect(enricher.enrich(post).tokens.length).toBeGreaterThan(3);
  });
});
