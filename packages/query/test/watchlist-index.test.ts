import {
  basicNormalizeTerm,
  compileMatcher,
  createWatchlistIndex,
  parseQuery,
  QuerySyntaxError,
  type MatchDoc,
} from '../src';
import { expandedVocabulary, randomDoc, randomQueryText, ROOT_WORDS, seededRng } from './support/random';

function post(text: string, hashtags: string[] = []): MatchDoc {
  const tokens = basicNormalizeTerm(text);
  return { tokens, terms: new Set(tokens), hashtags: new Set(hashtags) };
}

describe('createWatchlistIndex', () => {
  test('returns the ids of matching watchlists, sorted', () => {
    const index = createWatchlistIndex();
    index.add(
      'kemenkes-vaksin',
      parseQuery('(vaksin OR imunisasi) AND (haram OR "chip 5G") NOT klarifikasi'),
    );
    index.add('kemensos-bansos', parseQuery('#BansosPalsu OR "bansos palsu"'));
    index.add('bmkg-gempa', parseQuery('gempa (hoaks OR tsunami)'));
    expect(index.size).toBe(3);

    expect(index.match(post('vaksin ada chip 5G nya, gempa besok katanya tsunami'))).toEqual([
      'bmkg-gempa',
      'kemenkes-vaksin',
    ]);
    expect(index.match(post('cek dulu guys', ['bansospalsu']))).toEqual(['kemensos-bansos']);
    expect(index.match(post('klarifikasi: vaksin tidak haram'))).toEqual([]);
    expect(index.match(post('yg penting viral'))).toEqual([]);
  });

  test('add replaces an id, remove forgets it', () => {
    const index = createWatchlistIndex();
    index.add('w1', parseQuery('pinjol'));
    index.add('w1', parseQuery('judol'));
    expect(index.size).toBe(1);
    expect(index.match(post('pinjol ilegal'))).toEqual([]);
    expect(index.match(post('judol online'))).toEqual(['w1']);
    expect(index.remove('w1')).toBe(true);
    expect(index.remove('w1')).toBe(false);
    expect(index.size).toBe(0);
    expect(index.match(post('judol online'))).toEqual([]);
  });

  test('uses the injected normaliser', () => {
    const stem = (raw: string): string[] => basicNormalizeTerm(raw).map((w) => w.replace(/^di(?=\w{4})/, ''));
    const index = createWatchlistIndex({ normalizeTerm: stem });
    index.add('w', parseQuery('divaksin'));
    expect(index.match(post('besok vaksin'))).toEqual(['w']);
  });

  test('refuses ASTs that could match posts with none of their keywords', () => {
    const index = createWatchlistIndex();
    expect(() => index.add('w', { type: 'not', child: { type: 'term', value: 'hoaks' } })).toThrow(
      QuerySyntaxError,
    );
    expect(() =>
      index.add('w', {
        type: 'or',
        children: [
          { type: 'term', value: 'vaksin' },
          { type: 'not', child: { type: 'term', value: 'hoaks' } },
        ],
      }),
    ).toThrow(/none of its keywords/);
    expect(index.size).toBe(0);
  });

  test('a watchlist whose words all normalise away is held but never matches', () => {
    const index = createWatchlistIndex({
      normalizeTerm: (raw) => basicNormalizeTerm(raw).filter((w) => w !== 'yang'),
    });
    index.add('w', parseQuery('yang'));
    expect(index.size).toBe(1);
    expect(index.match(post('yang itu'))).toEqual([]);
  });

  test('gives exactly the naive answer on generated watchlists and posts (seeded)', () => {
    for (const seed of [1, 7, 2024]) {
      const rng = seededRng(seed);
      const vocabulary = seed === 1 ? [...ROOT_WORDS] : expandedVocabulary();
      const index = createWatchlistIndex();
      const watchlists = Array.from({ length: 2000 }, (_, i) => {
        const ast = parseQuery(randomQueryText(rng, vocabulary));
        const id = `w${i}`;
        index.add(id, ast);
        return { id, ast, matcher: compileMatcher(ast, basicNormalizeTerm) };
      });
      const naive = (doc: MatchDoc): string[] =>
        watchlists
          .filter((w) => w.matcher(doc))
          .map((w) => w.id)
          .sort();

      let totalMatches = 0;
      const mismatches: unknown[] = [];
      for (let i = 0; i < 2000; i++) {
        const doc = randomDoc(rng, { vocabulary });
        const expected = naive(doc);
        const actual = index.match(doc);
        totalMatches += expected.length;
        // One assertion per doc is slow in jest; collect and report the first few differences instead.
        if (actual.join() !== expected.join() && mismatches.length < 5)
          mismatches.push({ seed, doc: i, actual, expected });
      }
      expect(mismatches).toEqual([]);
      // Guards against a generator so sparse that "both return []" would pass trivially.
      expect(totalMatches).toBeGreaterThan(2000);

      // Removing half must leave the index equivalent to the remaining half.
      for (const w of watchlists.filter((_, i) => i % 2 === 0)) index.remove(w.id);
      watchlists.splice(0, watchlists.length, ...watchlists.filter((_, i) => i % 2 === 1));
      expect(index.size).toBe(1000);
      for (let i = 0; i < 300; i++) {
        const doc = randomDoc(rng, { vocabulary });
        expect(index.match(doc)).toEqual(naive(doc));
      }
    }
  });
});
