import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  TOPIC_IDS,
  TopicScorer,
  createNormalizer,
  evaluateTopicModel,
  loadDefaultTopicModel,
  TopicModel,
  readTopicCsv,
  readTopicLexiconFile,
  topicInputOf,
  topicMetrics,
  trainTopicModel,
  trainTopicModelsForPriorWeights,
} from '../src';

const normalizer = createNormalizer();
const scorer = new TopicScorer(loadDefaultTopicModel());
const assess = (text: string) => scorer.assess(topicInputOf(normalizer.normalize(text).tokens));

describe('topic scorer (shipped model, project-written data only)', () => {
  // Written for this test, not in the seeds, the lexicon's example posts or the dev set.
  it.each([
    ['banjir bandang nerjang 3 desa di Lumajang, warga ngungsi ke balai desa #prayforlumajang', 'bencana'],
    ['Gempa M5,2 guncang Sukabumi dini hari, BMKG pastikan tidak ada potensi tsunami', 'bencana'],
    ['gunung marapi erupsi lagi, abu vulkanik sampe ke Bukittinggi', 'bencana'],
    ['longsor nutup jalan provinsi, BPBD kerahkan alat berat', 'bencana'],
    ['kereta api anjlok di Purwakarta, perjalanan KAI ke Bandung terlambat 3 jam', 'transportasi'],
    ['antrean kendaraan arus balik di tol Kalikangkung udah 10 km, sabar ya gaes #arusbalik', 'transportasi'],
    ['tiket pesawat Jakarta-Medan mahal bgt jelang libur, maskapai pada naikin harga', 'transportasi'],
    ['Kemenhub larang truk sumbu tiga lewat jalan tol selama libur Natal', 'transportasi'],
  ])('%s → %s', (text, topic) => {
    const a = assess(text);
    expect(a.top.id).toBe(topic);
    expect(a.topics.map((t) => t.id)).toContain(topic);
  });

  it('explains each topic with the words that pushed it up', () => {
    const a = assess('Banjir rendam ratusan rumah, warga dievakuasi tim SAR');
    const bencana = a.topics.find((t) => t.id === 'bencana');
    expect(bencana?.words.length).toBeGreaterThan(0);
    expect(bencana?.words).toEqual(expect.arrayContaining(['banjir']));
    for (const t of a.topics) expect(t.score).toBeGreaterThanOrEqual(0);
  });

  it('gives every topic a calibrated score and may give a post several topics', () => {
    const a = assess('Kemenkes kirim dokter dan obat-obatan untuk pengungsi gempa di Cianjur');
    expect(Object.keys(a.scores).sort()).toEqual([...TOPIC_IDS].sort());
    for (const s of Object.values(a.scores)) expect(s >= 0 && s <= 1).toBe(true);
    const ids = a.topics.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(['bencana']));
    expect(a.scores.kesehatan).toBeGreaterThan(a.scores.olahraga);
  });

  it("scores the enricher's input (cached word hashes) exactly like plain tokens", () => {
    // The enricher passes each word's cached TokenHashes and the scorer memoises its rows on them; the
    // result must equal the plain path, with repeated words, shared stems and a second scorer in turn.
    const other = new TopicScorer(loadDefaultTopicModel());
    const texts = [
      'banjir banjir banjir lagi!! warga kebanjiran, rumah kebanjiran, BPBD evakuasi warga',
      'Kemenkes kirim dokter dan obat-obatan untuk pengungsi gempa di Cianjur',
      'tiket pesawat mahal bgt, maskapai naikin harga tiket jelang libur #mudik',
      'wkwkwk iya iya',
    ];
    for (let round = 0; round < 2; round++)
      for (const text of texts) {
        const n = normalizer.normalize(text);
        const terms = topicInputOf(n.tokens).terms;
        const plain = scorer.topicsOf({ tokens: n.tokens, terms });
        expect(scorer.topicsOf({ tokens: n.tokens, terms, hashes: n.hashes })).toEqual(plain);
        expect(other.topicsOf({ tokens: n.tokens, terms, hashes: n.hashes })).toEqual(plain);
        expect(scorer.assess({ tokens: n.tokens, terms }).topics).toEqual(plain);
      }
    expect(scorer.topicsOf(topicInputOf(normalizer.normalize(texts[0] as string).tokens))[0]?.id).toBe(
      'bencana',
    );
  });

  it('returns no topic above threshold for text about nothing in particular', () => {
    const a = assess('wkwkwk iya iya');
    expect(a.topics.length).toBeLessThanOrEqual(1);
  });
});

describe('topic training', () => {
  it('learns a topic missing from the labelled rows from the seeds and the lexicon', () => {
    // Labelled rows with no bencana or transportasi at all (as in the CLICK-ID headlines).
    const rows = readTopicCsv(path.join(__dirname, 'fixtures', 'topics-social-dev.csv')).filter(
      (r) => r.topic !== 'bencana' && r.topic !== 'transportasi',
    );
    const model = trainTopicModel(rows, { maxIterations: 100, C: 3 });
    const s = new TopicScorer(model);
    const top = (t: string) => s.top(topicInputOf(normalizer.normalize(t).tokens));
    expect(top('banjir rob rendam rumah warga pesisir, BPBD siagakan perahu')).toBe('bencana');
    expect(top('penumpang KRL numpuk di stasiun, jadwal kereta kacau')).toBe('transportasi');
    expect(model.training.perTopic.bencana).toBeGreaterThan(0);
  });

  it('without seeds and lexicon, a topic absent from the data can never be the answer', () => {
    const rows = readTopicCsv(path.join(__dirname, 'fixtures', 'topics-social-dev.csv')).filter(
      (r) => r.topic !== 'bencana',
    );
    const model = trainTopicModel(rows, { seeds: false, features: { lexicon: false }, maxIterations: 100 });
    const metrics = evaluateTopicModel(model, [{ text: 'gempa dan tsunami di Palu', topic: 'bencana' }]);
    expect(metrics.accuracy).toBe(0);
  });

  it('rejects unknown topics in a CSV and in a lexicon, naming the row', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-topics-'));
    const csv = path.join(dir, 'bad.csv');
    fs.writeFileSync(csv, 'text,topic\nhalo,kesehatan\nhalo,cuaca\n');
    expect(() => readTopicCsv(csv)).toThrow(/row 3 has topic "cuaca"/);
    const lex = path.join(dir, 'bad.json');
    fs.writeFileSync(lex, JSON.stringify({ cuaca: ['hujan'] }));
    expect(() => readTopicLexiconFile(lex)).toThrow(/unknown topic "cuaca"/);
  });
});

describe('prior expert blend (priorWeight) and labelledOnlyC', () => {
  // A labelled "outlet" whose sports desk signs every headline with its name: outlet and topic confounded.
  const sport = ['Persija menang tipis', 'Timnas U-23 latihan perdana', 'Petenis muda lolos ke final'];
  const gossip = ['Raffi Ahmad liburan ke Bali', 'Film horor baru tayang', 'Penyanyi dangdut menikah'];
  const rows = [
    ...sport.flatMap((t) =>
      [1, 2, 3, 4].map((i) => ({ text: `${t} ${i} | Kabarsport`, topic: 'olahraga' as const })),
    ),
    ...gossip.flatMap((t) => [1, 2, 3, 4].map((i) => ({ text: `${t} ${i}`, topic: 'hiburan' as const }))),
  ];
  const options = { maxIterations: 60 };
  let plain: TopicModel, low: TopicModel, high: TopicModel;
  beforeAll(() => {
    const models = trainTopicModelsForPriorWeights(rows, options, [0, 0.2, 0.4]);
    [plain, low, high] = [models[0]!, models[1]!, models[2]!];
  });
  const weightsOf = (m: TopicModel, name: string): number[] => (m.vocabulary[name] ?? []).slice(1);

  it('α = 0 is the unblended model, and α is stored in the model', () => {
    const single = trainTopicModel(rows, options);
    expect({ ...plain, training: undefined }).toEqual({ ...single, training: undefined });
    expect([plain, low, high].map((m) => m.training.priorWeight)).toEqual([0, 0.2, 0.4]);
  });

  it('blends the two experts linearly in one weight table (scoring stays one pass)', () => {
    // (1 − α)·main + α·prior is linear in α: the α = 0.2 weights lie halfway between α = 0 and α = 0.4.
    for (const name of ['olahraga', 'banjir', '=kabarsport', 'kabarsport']) {
      const [a, b, c] = [weightsOf(plain, name), weightsOf(low, name), weightsOf(high, name)];
      expect(b.length).toBe(TOPIC_IDS.length);
      b.forEach((v, t) => expect(v).toBeCloseTo(((a[t] ?? 0) + (c[t] ?? 0)) / 2, 3));
    }
    // The outlet's signature is a headline-only word: the prior expert never saw it, so blending shrinks it.
    const olahraga = TOPIC_IDS.indexOf('olahraga');
    expect(weightsOf(high, 'kabarsport')[olahraga]).toBeLessThan(weightsOf(plain, 'kabarsport')[olahraga]!);
    expect(weightsOf(high, 'kabarsport')[olahraga]).toBeGreaterThan(0);
  });

  it('a prior weight without labelled rows changes nothing (the main expert is the prior)', () => {
    const [own] = trainTopicModelsForPriorWeights([], options, [0.4]);
    expect(own?.training.priorWeight).toBe(0);
    expect(() => trainTopicModelsForPriorWeights(rows, options, [1])).toThrow(/prior weight/);
  });

  it('labelledOnlyC holds words that no project-written row uses tighter', () => {
    const tight = trainTopicModel(rows, { ...options, labelledOnlyC: 0.3 });
    const olahraga = TOPIC_IDS.indexOf('olahraga');
    const w = (m: TopicModel, name: string): number => Math.abs(weightsOf(m, name)[olahraga] ?? 0);
    expect(w(tight, 'kabarsport')).toBeLessThan(w(plain, 'kabarsport') / 2);
    expect(tight.training).toBeDefined();
  });
});

describe('topic metrics', () => {
  it('counts the top topic against the label and averages F1 over the topics present', () => {
    const m = topicMetrics(
      ['bencana', 'bencana', 'politik', 'hukum'],
      ['bencana', 'politik', 'politik', 'politik'],
    );
    expect(m.n).toBe(4);
    expect(m.accuracy).toBe(0.5);
    expect(m.perTopic.bencana).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
    expect(m.perTopic.politik?.precision).toBeCloseTo(1 / 3);
    expect(m.perTopic.hukum?.f1).toBe(0);
    expect(Object.keys(m.perTopic)).toEqual(
      ['politik', 'hukum', 'bencana'].sort(
        (a, b) => TOPIC_IDS.indexOf(a as never) - TOPIC_IDS.indexOf(b as never),
      ),
    );
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0.5 + 0) / 3);
  });
});
