import {
  basicNormalizeTerm,
  compileMatcher,
  createWatchlistIndex,
  parseQuery,
  type MatchDoc,
  type NormalizeTerm,
} from '../src';

/** Builds a MatchDoc the way the scorer does: normalise the post text, hashtags lower-cased without '#'. */
function post(text: string, normalize: NormalizeTerm = basicNormalizeTerm): MatchDoc {
  const hashtags = new Set([...text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => m[1]!.toLowerCase()));
  const tokens = text
    .replace(/#[\p{L}\p{N}_]+/gu, ' ')
    .split(/\s+/)
    .flatMap(normalize);
  return { tokens, terms: new Set(tokens), hashtags };
}

const matches = (query: string, text: string, normalize: NormalizeTerm = basicNormalizeTerm): boolean =>
  compileMatcher(parseQuery(query), normalize)(post(text, normalize));

describe('compileMatcher', () => {
  const example = '(vaksin OR imunisasi) AND (haram OR "chip 5G") NOT klarifikasi';

  test.each<[string, boolean]>([
    ['Katanya vaksin booster itu HARAM, udah sebar ke grup keluarga', true],
    ['imunisasi anak ada chip 5G nya?? serem bgt', true],
    ['Klarifikasi resmi: vaksin tidak haram dan tidak mengandung chip 5G', false],
    ['vaksin gratis di puskesmas hari ini', false],
    ['chip nya 5G semua wkwk, vaksin apaan', false], // chip and 5g are not adjacent, and no "haram"
  ])('%s', (text, expected) => {
    expect(matches(example, text)).toBe(expected);
  });

  test('terms and operators ignore case; hashtags match the hashtag set only', () => {
    expect(matches('BANSOS', 'bansos tahap 3 cair?')).toBe(true);
    expect(matches('#TolakHoaks', 'ayo #tolakhoaks sebelum sharing')).toBe(true);
    expect(matches('#TOLAKHOAKS', 'ayo #TolakHoaks')).toBe(true);
    // the same words in plain text are not the hashtag
    expect(matches('#TolakHoaks', 'tolakhoaks tolak hoaks')).toBe(false);
    // and a hashtag in the post does not satisfy a plain keyword
    expect(matches('pemilu2024', 'rame bgt #Pemilu2024')).toBe(false);
  });

  test('phrases need their words consecutive and in order', () => {
    expect(matches('"bansos palsu"', 'awas link BANSOS PALSU di wa')).toBe(true);
    expect(matches('"bansos palsu"', 'palsu bansos nya')).toBe(false);
    expect(matches('"bansos palsu"', 'bansos yg palsu')).toBe(false);
    // a phrase whose first word repeats still finds the later occurrence
    expect(matches('"harga beras naik"', 'harga cabai turun tapi harga beras naik lagi')).toBe(true);
    expect(matches('"harga beras naik"', 'harga beras')).toBe(false);
  });

  test('NOT excludes, -term is the same thing, and NOT of a group excludes any of it', () => {
    expect(matches('pinjol NOT ilegal', 'pinjol legal OJK')).toBe(true);
    expect(matches('pinjol -ilegal', 'awas pinjol ilegal')).toBe(false);
    expect(matches('judol -(klarifikasi OR #CekFakta)', 'judol makin marak #CekFakta')).toBe(false);
    expect(matches('judol -(klarifikasi OR #CekFakta)', 'judol makin marak')).toBe(true);
    expect(matches('gempa -"hoaks lama"', 'video gempa ini hoaks lama guys')).toBe(false);
    expect(matches('gempa -"hoaks lama"', 'gempa lagi, hoaks atau bukan, lama2 takut')).toBe(true);
  });

  test('a term that normalises to several words needs all of them', () => {
    expect(matches('covid-19', 'kasus covid 19 naik lagi')).toBe(true);
    expect(matches('covid-19', 'covid varian baru')).toBe(false);
    expect(matches('@kemenkes_ri', 'tolong @kemenkes_ri klarifikasi dong')).toBe(true);
  });

  test('query words go through the injected normaliser, like the post words did', () => {
    // A toy stemmer standing in for @pantau/nlp-id: strips di-/me- prefixes, maps slang "gk" to "tidak".
    const stem: NormalizeTerm = (raw) =>
      basicNormalizeTerm(raw).map((w) => (w === 'gk' ? 'tidak' : w.replace(/^(di|me)(?=\w{4})/, '')));
    expect(matches('divaksin', 'anak sy mau vaksin besok', stem)).toBe(true);
    expect(matches('"gk halal"', 'katanya vaksinnya tidak halal', stem)).toBe(true);
    // with the plain normaliser, the inflected form does not match
    expect(matches('divaksin', 'anak sy mau vaksin besok')).toBe(false);
  });

  test('a term the normaliser drops entirely matches nothing (as OpenSearch does for stopwords)', () => {
    const dropYang: NormalizeTerm = (raw) => basicNormalizeTerm(raw).filter((w) => w !== 'yang');
    expect(matches('yang', 'yang penting viral', dropYang)).toBe(false);
    expect(matches('yang OR viral', 'yang penting viral', dropYang)).toBe(true);
    expect(matches('viral -yang', 'yang penting viral', dropYang)).toBe(true);
  });

  test('terms also match tokens that the scorer left out of `terms`', () => {
    const matcher = compileMatcher(parseQuery('bansos'), basicNormalizeTerm);
    expect(matcher({ terms: new Set(), tokens: ['info', 'bansos'], hashtags: new Set() })).toBe(true);
    expect(matcher({ terms: new Set(['bansos']), tokens: [], hashtags: new Set() })).toBe(true);
  });
});

describe('topic: in the live matcher and the watchlist index', () => {
  const [createIndex, compile, norm, parse] = [
    createWatchlistIndex,
    compileMatcher,
    basicNormalizeTerm,
    parseQuery,
  ];
  const doc = (text: string, topics: string[]) => {
    const tokens = norm(text);
    return { terms: new Set(tokens), tokens, hashtags: new Set<string>(), topics: new Set(topics) };
  };

  test('matches the post topics, not the words "topic" or the topic name in the text', () => {
    const m = compile(parse('topic:bencana'), norm);
    expect(m(doc('banjir di Bekasi', ['bencana']))).toBe(true);
    expect(m(doc('topic bencana dibahas di seminar', ['pendidikan']))).toBe(false);
    expect(m({ terms: new Set(['banjir']), tokens: ['banjir'], hashtags: new Set() })).toBe(false);
    const both = compile(parse('topic:transportasi AND macet -topic:bencana'), norm);
    expect(both(doc('macet di tol', ['transportasi']))).toBe(true);
    expect(both(doc('macet karena banjir', ['transportasi', 'bencana']))).toBe(false);
    expect(both(doc('kereta anjlok', ['transportasi']))).toBe(false);
  });

  test('the watchlist index files topic watchlists under the topic and finds them', () => {
    const index = createIndex();
    index.add('wl_t', parse('topic:ekonomi'));
    index.add('wl_w', parse('harga'));
    expect(index.match(doc('rupiah melemah', ['ekonomi']))).toEqual(['wl_t']);
    expect(index.match(doc('harga naik', []))).toEqual(['wl_w']);
    expect(index.match(doc('harga naik', ['ekonomi']))).toEqual(['wl_t', 'wl_w']);
  });
});
