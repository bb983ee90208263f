import { compileToOpenSearch, parseQuery } from '../src';

describe('compileToOpenSearch', () => {
  test('the design example becomes must / should / must_not', () => {
    const ast = parseQuery('(vaksin OR imunisasi) AND (haram OR "chip 5G") NOT klarifikasi');
    expect(compileToOpenSearch(ast)).toEqual({
      bool: {
        must: [
          {
            bool: {
              should: [
                { match: { text: { query: 'vaksin', operator: 'and' } } },
                { match: { text: { query: 'imunisasi', operator: 'and' } } },
              ],
              minimum_should_match: 1,
            },
          },
          {
            bool: {
              should: [
                { match: { text: { query: 'haram', operator: 'and' } } },
                { match_phrase: { text: { query: 'chip 5G' } } },
              ],
              minimum_should_match: 1,
            },
          },
        ],
        must_not: [{ match: { text: { query: 'klarifikasi', operator: 'and' } } }],
      },
    });
  });

  test('hashtags go to the keyword field, lower-cased and without #', () => {
    expect(compileToOpenSearch(parseQuery('#TolakHoaks OR "bansos palsu"'))).toEqual({
      bool: {
        should: [{ term: { hashtags: 'tolakhoaks' } }, { match_phrase: { text: { query: 'bansos palsu' } } }],
        minimum_should_match: 1,
      },
    });
  });

  test('field names are configurable', () => {
    const query = compileToOpenSearch(parseQuery('#CekFakta pinjol -@debtcollector'), {
      textField: 'body',
      hashtagField: 'tags.keyword',
    });
    expect(query).toEqual({
      bool: {
        must: [
          { term: { 'tags.keyword': 'cekfakta' } },
          { match: { body: { query: 'pinjol', operator: 'and' } } },
        ],
        must_not: [{ match: { body: { query: '@debtcollector', operator: 'and' } } }],
      },
    });
  });

  test('a single term is a bare match; a negated OR group sits in must_not as one clause', () => {
    expect(compileToOpenSearch(parseQuery('covid-19'))).toEqual({
      match: { text: { query: 'covid-19', operator: 'and' } },
    });
    expect(compileToOpenSearch(parseQuery('judol -(klarifikasi OR #CekFakta)'))).toEqual({
      bool: {
        must: [{ match: { text: { query: 'judol', operator: 'and' } } }],
        must_not: [
          {
            bool: {
              should: [
                { match: { text: { query: 'klarifikasi', operator: 'and' } } },
                { term: { hashtags: 'cekfakta' } },
              ],
              minimum_should_match: 1,
            },
          },
        ],
      },
    });
  });

  test('a NOT inside an OR branch stays inside that branch', () => {
    expect(compileToOpenSearch(parseQuery('beras OR (minyak NOT goreng)'))).toEqual({
      bool: {
        should: [
          { match: { text: { query: 'beras', operator: 'and' } } },
          {
            bool: {
              must: [{ match: { text: { query: 'minyak', operator: 'and' } } }],
              must_not: [{ match: { text: { query: 'goreng', operator: 'and' } } }],
            },
          },
        ],
        minimum_should_match: 1,
      },
    });
  });

  test('output is plain JSON', () => {
    const query = compileToOpenSearch(parseQuery('"surat suara" dicoblos (kpu OR bawaslu)'));
    expect(JSON.parse(JSON.stringify(query))).toEqual(query);
  });
});

describe('topic: fields', () => {
  test('topic:<id> compiles to a term on the topics.id keyword field, lower-cased', () => {
    expect(compileToOpenSearch(parseQuery('topic:Kesehatan AND vaksin'))).toEqual({
      bool: {
        must: [
          { term: { 'topics.id': 'kesehatan' } },
          { match: { text: { query: 'vaksin', operator: 'and' } } },
        ],
      },
    });
    expect(compileToOpenSearch(parseQuery('topic:bencana'), { topicField: 'topicIds' })).toEqual({
      term: { topicIds: 'bencana' },
    });
  });

  test('an unknown topic is a syntax error naming the known ones, in English and Indonesian', () => {
    expect(() => parseQuery('topic:cuaca OR banjir')).toThrow(
      /unknown topic "cuaca": use one of kesehatan, ekonomi/,
    );
    try {
      parseQuery('banjir AND topic:cuaca');
    } catch (err) {
      expect((err as { messageId: string }).messageId).toMatch(/Topik "cuaca" tidak dikenal/);
      expect((err as { position: number }).position).toBe(11);
    }
  });
});
