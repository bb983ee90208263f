import { formatQuery, parseQuery, QuerySyntaxError, type QueryAst } from '../src';
import { expandedVocabulary, randomQuery, randomQueryText, seededRng } from './support/random';

const t = (value: string): QueryAst => ({ type: 'term', value });
const p = (...words: string[]): QueryAst => ({ type: 'phrase', words });
const not = (child: QueryAst): QueryAst => ({ type: 'not', child });
const and = (...children: QueryAst[]): QueryAst => ({ type: 'and', children });
const or = (...children: QueryAst[]): QueryAst => ({ type: 'or', children });

describe('parseQuery: valid queries', () => {
  test.each<[string, QueryAst]>([
    ['vaksin', t('vaksin')],
    ['"chip 5G"', p('chip', '5G')],
    ['#TolakHoaks', t('#TolakHoaks')],
    ['@kemenkes_ri', t('@kemenkes_ri')],
    [
      '(vaksin OR imunisasi) AND (haram OR "chip 5G") NOT klarifikasi',
      and(or(t('vaksin'), t('imunisasi')), or(t('haram'), p('chip', '5G')), not(t('klarifikasi'))),
    ],
    ['#TolakHoaks OR "bansos palsu"', or(t('#TolakHoaks'), p('bansos', 'palsu'))],
    // implicit AND, and AND binds tighter than OR
    ['bansos palsu or blt cair', or(and(t('bansos'), t('palsu')), and(t('blt'), t('cair')))],
    ['banjir OR gempa AND bmkg', or(t('banjir'), and(t('gempa'), t('bmkg')))],
    // NOT binds tightest: it takes only the next term
    ['NOT hoaks vaksin', and(not(t('hoaks')), t('vaksin'))],
    // operators are case-insensitive
    [
      'vaksin and haram Or hoax not klarifikasi',
      or(and(t('vaksin'), t('haram')), and(t('hoax'), not(t('klarifikasi')))),
    ],
    // -term shorthand, also before phrases and groups
    [
      'bansos -"sudah cair" -(klarifikasi OR hoaks)',
      and(t('bansos'), not(p('sudah', 'cair')), not(or(t('klarifikasi'), t('hoaks')))),
    ],
    // words that merely start with an operator stay words; hyphens inside words are kept
    ['ORANG andalan nothing', and(t('ORANG'), t('andalan'), t('nothing'))],
    ['anak-anak covid-19', and(t('anak-anak'), t('covid-19'))],
    // an operator spelled inside quotes is just a word
    ['"vaksin or haram"', p('vaksin', 'or', 'haram')],
    // redundant groups and double negation fold away
    ['((pinjol (ilegal sebar)))', and(t('pinjol'), t('ilegal'), t('sebar'))],
    ['judol NOT NOT viral', and(t('judol'), t('viral'))],
    ['  \n\tpertalite\u00a0langka  ', and(t('pertalite'), t('langka'))],
    // mixed: a NOT branch is fine when the OR as a whole still needs a keyword
    ['(beras OR minyak -goreng) naik', and(or(t('beras'), and(t('minyak'), not(t('goreng')))), t('naik'))],
  ])('%s', (source, expected) => {
    expect(parseQuery(source)).toEqual(expected);
  });

  test.each([
    '(pinjol OR judol) -#CekFakta -"sudah diklarifikasi"',
    '"harga beras" (naik OR mahal OR langka) -bulog',
    '(pertalite OR bbm) (antre OR langka) (spbu OR pom)',
    'gempa (tsunami OR susulan) -bmkg',
  ])('README example parses: %s', (source) => {
    expect(() => parseQuery(source)).not.toThrow();
  });

  test('formatQuery output parses back to the same AST (2,000 generated queries)', () => {
    const rng = seededRng(20240214);
    const vocabulary = expandedVocabulary();
    for (let i = 0; i < 2000; i++) {
      const ast = parseQuery(randomQueryText(rng, vocabulary));
      expect(parseQuery(formatQuery(ast))).toEqual(ast);
    }
    // also from raw generated ASTs, which are not yet flattened
    const raw = randomQuery(rng, vocabulary);
    expect(() => parseQuery(formatQuery(raw))).not.toThrow();
  });
});

describe('parseQuery: invalid queries', () => {
  function syntaxError(source: string): QuerySyntaxError {
    try {
      parseQuery(source);
    } catch (err) {
      expect(err).toBeInstanceOf(QuerySyntaxError);
      return err as QuerySyntaxError;
    }
    throw new Error(`expected ${JSON.stringify(source)} to be rejected`);
  }

  test.each<[string, number, RegExp]>([
    ['', 0, /empty query/],
    ['   ', 0, /empty query/],
    ['(vaksin OR imunisasi', 0, /'\(' is never closed/],
    ['bansos (palsu (blt)', 7, /'\(' is never closed/],
    ['vaksin) haram', 6, /'\)' has no matching '\('/],
    ['hoaks "chip 5G', 6, /quote is never closed/],
    ['"bansos palsu" "', 15, /quote is never closed/],
    ['vaksin AND', 7, /dangling operator 'AND'/],
    ['vaksin OR', 7, /dangling operator 'OR'/],
    ['vaksin NOT', 7, /dangling operator 'NOT'/],
    ['OR vaksin', 0, /dangling operator 'OR'.*left/],
    ['vaksin AND OR haram', 7, /dangling operator 'AND'/],
    ['(vaksin AND) haram', 8, /dangling operator 'AND'/],
    ['vaksin (OR haram)', 8, /dangling operator 'OR'.*left/],
    ['bansos - palsu', 7, /'-' must be written directly before a word/],
    ['bansos -', 7, /'-' must be written directly before a word/],
    ['vaksin ()', 7, /empty parentheses/],
    ['hoaks ""', 6, /empty phrase/],
    ['NOT hoaks', 0, /only NOT terms/],
    ['-hoaks -"berita bohong"', 0, /only NOT terms/],
    ['NOT (vaksin OR imunisasi)', 0, /only NOT terms/],
    ['vaksin OR NOT haram', 7, /every OR alternative needs a keyword/],
  ])('%j is rejected at %i', (source, position, message) => {
    const err = syntaxError(source);
    expect(err.code).toBe('QUERY_SYNTAX');
    expect(err.position).toBe(position);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`position ${position}`);
    expect(err.messageId.length).toBeGreaterThan(0);
  });

  test('messages come in Indonesian too', () => {
    expect(syntaxError('').messageId).toMatch(/Kueri kosong/);
    expect(syntaxError('(vaksin').messageId).toMatch(/Tanda kurung tidak seimbang/);
    expect(syntaxError('"chip 5G').messageId).toMatch(/Tanda kutip tidak seimbang/);
    expect(syntaxError('NOT hoaks').messageId).toMatch(/hanya berisi NOT/);
  });

  test('limits protect the parser from abusive input', () => {
    expect(syntaxError('x'.repeat(5000)).message).toMatch(/longer than/);
    expect(syntaxError(`${'('.repeat(40)}vaksin${')'.repeat(40)}`).message).toMatch(/nested deeper/);
  });
});
