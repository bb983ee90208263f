import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_TRAINING_FILE,
  HoaxModel,
  binaryMetrics,
  createEnricher,
  evaluateHoaxModel,
  loadDefaultHoaxModel,
  loadHoaxModel,
  minimizeLbfgs,
  readLabelledCsv,
  scoreInput,
  trainFromInputs,
  saveHoaxModel,
  trainHoaxModel,
  deniesClaim,
} from '../src';

const VACCINE_CHIP_HOAX =
  'Kata temen gw yg kerja di RS, vaksin itu ada microchipnya buat ngelacak kita lewat 5G. SEBARKAN sblm dihapus!!!';
const VACCINE_CHIP_DEBUNK =
  '[HOAKS] Vaksin mengandung microchip pelacak. Faktanya, Kemenkes memastikan informasi yang beredar itu tidak benar.';
const ORDINARY_NEWS =
  'Harga cabai rawit di Pasar Kramat Jati turun jadi Rp40.000 per kilogram setelah panen raya, kata pedagang.';

describe('hoax assessment (default model)', () => {
  const enricher = createEnricher();

  it('scores a forwarded hoax high with readable reasons, strongest first', () => {
    const { hoax } = enricher.enrich(VACCINE_CHIP_HOAX);
    expect(hoax.score).toBeGreaterThan(0.8);
    expect(hoax.score).toBeLessThanOrEqual(1);
    const ids = hoax.signals.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['share-call', 'anonymous-authority', 'urgency']));
    const weights = hoax.signals.map((s) => Math.abs(s.weight));
    expect([...weights].sort((a, b) => b - a)).toEqual(weights);
    const anonymous = hoax.signals.find((s) => s.id === 'anonymous-authority');
    expect(anonymous?.label.id).toMatch(/kata teman/);
    expect(anonymous?.label.en).toMatch(/friend/);
    expect(anonymous?.evidence).toBe('kata teman saya yang kerja');
    expect(hoax.modelVersion).toBe(loadDefaultHoaxModel().version);
  });

  it('treats debunking language as a counter-signal, not as hoax words', () => {
    const { hoax } = enricher.enrich(VACCINE_CHIP_DEBUNK);
    expect(hoax.score).toBeLessThan(0.2);
    const debunk = hoax.signals.find((s) => s.id === 'debunk');
    expect(debunk?.weight).toBeLessThan(0);
    expect(debunk?.evidence).toBe('[HOAKS]');
  });

  it('scores ordinary news low', () => {
    expect(enricher.enrich(ORDINARY_NEWS).hoax.score).toBeLessThan(0.3);
  });

  it('raises the score of a post that resembles a fact-checked false claim, and says which', () => {
    const post =
      'Pemerintah akan memotong saldo tabungan warga di atas 10 juta mulai Januari untuk bayar utang negara';
    const before = enricher.enrich(post).hoax;
    const withFactChecks = createEnricher({
      factChecks: [
        {
          id: 'tbh-2024-0113',
          title: 'Pemotongan saldo tabungan di atas Rp10 juta untuk membayar utang negara',
          text: 'Beredar pesan berantai yang menyebut pemerintah akan memotong saldo tabungan nasabah di atas Rp10 juta mulai Januari. Kemenkeu membantah.',
          verdict: 'SALAH',
          url: 'https://turnbackhoax.id/contoh-pemotongan-saldo',
        },
      ],
    });
    const after = withFactChecks.enrich(post).hoax;
    expect(after.factCheck?.id).toBe('tbh-2024-0113');
    expect(after.score).toBeGreaterThan(before.score);
    expect(after.signals.some((s) => s.id === 'factcheck-match' && s.label.en.includes('fact-checked'))).toBe(
      true,
    );
    expect(withFactChecks.enrich(ORDINARY_NEWS).hoax.factCheck).toBeUndefined();

    // A fact-check added later (the scorer syncs them while running) is matched from the next post on,
    // although the post's words were already looked up in the smaller archive.
    const growing = createEnricher({
      factChecks: [
        { id: 'other', title: 'Vaksin mengandung chip', text: 'Vaksin mengandung chip 5G', verdict: 'HOAKS' },
      ],
    });
    expect(growing.enrich(post).hoax.factCheck).toBeUndefined();
    growing.addFactChecks([
      {
        id: 'tbh-2024-0113',
        title: 'Pemotongan saldo tabungan di atas Rp10 juta untuk membayar utang negara',
        text: 'Pemerintah akan memotong saldo tabungan nasabah di atas Rp10 juta mulai Januari.',
        verdict: 'SALAH',
      },
    ]);
    expect(growing.enrich(post).hoax.factCheck?.id).toBe('tbh-2024-0113');

    // Edited at the source (same id, another claim): the old wording stops matching, the new one
    // matches; withdrawn, nothing matches.
    const edited =
      'Kabarnya BPJS Kesehatan dihapus tahun depan dan iurannya tidak perlu dibayar lagi, sebarkan!';
    growing.addFactChecks([
      {
        id: 'tbh-2024-0113',
        title: 'BPJS Kesehatan dihapus tahun depan, iuran tidak perlu dibayar',
        text: 'Beredar klaim BPJS Kesehatan akan dihapus tahun depan sehingga iuran tidak perlu dibayar lagi.',
        verdict: 'SALAH',
      },
    ]);
    expect(growing.enrich(post).hoax.factCheck).toBeUndefined();
    expect(growing.enrich(edited).hoax.factCheck?.id).toBe('tbh-2024-0113');
    growing.removeFactChecks(['tbh-2024-0113']);
    expect(growing.enrich(edited).hoax.factCheck).toBeUndefined();
  });

  it('does not call a post that asks about or reports a rumoured claim a restatement of it', () => {
    const claim = {
      id: 'mafindo-menpora',
      title: 'Menpora Imam Nahrawi mundur dari jabatannya',
      text: 'Beredar kabar Menpora Imam Nahrawi mundur dari jabatan karena terseret kasus korupsi dana hibah KONI.',
      verdict: 'SALAH',
    };
    const restated =
      'Menpora Imam Nahrawi resmi mundur dari jabatannya, terseret korupsi dana hibah KONI!! #menpora';
    const asked =
      'Terseret korupsi dana hibah KONI, Menpora Imam Nahrawi mundur dari jabatannya?? https://t.co/x1 #menpora';
    const reported =
      'PKB belum tahu soal isu Menpora Imam Nahrawi mundur dari jabatannya terkait dana hibah KONI';
    expect(deniesClaim(restated, claim)).toBe(false);
    expect(deniesClaim(asked, claim)).toBe(true);
    expect(deniesClaim(reported, claim)).toBe(true);
    // A claim that is itself a question is restated by asking it.
    expect(deniesClaim(asked, { ...claim, title: 'Menpora Imam Nahrawi mundur?' })).toBe(false);
    // A question before a link, a request to verify, and the common misspelling "hoak" also talk about
    // the claim rather than spread it.
    const beforeLink = 'Menpora Imam Nahrawi mundur dari jabatannya?: http://youtu.be/abc123 via @YouTube';
    const verify = 'Mohon dicek, Menpora Imam Nahrawi mundur dari jabatannya terseret dana hibah KONI';
    const misspelt = 'Menpora Imam Nahrawi mundur dari jabatannya itu hoak: https://t.co/x2';
    for (const text of [beforeLink, verify, misspelt]) expect(deniesClaim(text, claim)).toBe(true);
    // "dicek" alone, without asking, is no request: "sudah dicek" dresses a claim up as verified.
    expect(
      deniesClaim('Sudah dicek, Menpora Imam Nahrawi mundur dari jabatannya terseret dana hibah KONI', claim),
    ).toBe(false);
    const withClaim = createEnricher({ factChecks: [claim] });
    expect(withClaim.enrich(restated).hoax.factCheck?.id).toBe('mafindo-menpora');
    expect(withClaim.enrich(asked).hoax.factCheck).toBeUndefined();
  });
});

describe('training', () => {
  const rows = readLabelledCsv(DEFAULT_TRAINING_FILE);

  it('ships a project-written corpus of a few hundred labelled texts', () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
    expect(rows.filter((r) => r.label === 1).length).toBeGreaterThan(100);
  });

  it('retrains from labelled rows and round-trips the model through JSON', () => {
    const even = rows.filter((_, i) => i % 2 === 0);
    const odd = rows.filter((_, i) => i % 2 === 1);
    const model = trainHoaxModel(even, { version: 'test-model', dim: 1 << 16 });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-model-')), 'model.json');
    saveHoaxModel(model, file);
    const loaded: HoaxModel = loadHoaxModel(file);
    expect(loaded.version).toBe('test-model');
    expect(loaded.threshold).toBeGreaterThan(0);
    expect(loaded.signalWeights.debunk).toBeLessThanOrEqual(0);
    expect(loaded.signalWeights['share-call']).toBeGreaterThanOrEqual(0);
    const metrics = evaluateHoaxModel(loaded, odd);
    expect(metrics.n).toBe(odd.length);
    // The default recipe is regularised for sources it never saw (C = 0.1, lead only): 0.79 here, where
    // the in-domain-tuned recipe (C = 10, whole text) reached 0.8+ and fell apart across sources.
    expect(metrics.macroF1).toBeGreaterThan(0.75);
    expect(createEnricher({ model: loaded }).enrich(VACCINE_CHIP_HOAX).hoax.modelVersion).toBe('test-model');
  });

  it('trains with hashed character n-grams and still explains itself in words', () => {
    const even = rows.filter((_, i) => i % 2 === 0);
    const odd = rows.filter((_, i) => i % 2 === 1);
    const model = trainHoaxModel(even, {
      version: 'char-model',
      dim: 1 << 16,
      charNgram: 3,
      charNgramMax: 5,
      charWeight: 0.25,
    });
    expect(model.features).toEqual({
      charNgram: 3,
      charNgramMax: 5,
      charWeight: 0.25,
      stems: false,
      maxTokens: 40,
    });
    const loaded = JSON.parse(JSON.stringify(model)) as HoaxModel;
    expect(evaluateHoaxModel(loaded, odd).macroF1).toBeGreaterThan(0.75);
    const hoax = createEnricher({ model: loaded }).enrich(VACCINE_CHIP_HOAX).hoax;
    expect(hoax.score).toBeGreaterThan(loaded.threshold);
    for (const signal of hoax.signals) {
      expect(signal.label.id.length).toBeGreaterThan(0);
      expect(signal.label.en.length).toBeGreaterThan(0);
      // Evidence is words of the post (or a domain/fact-check), never a raw character n-gram.
      if (signal.id === 'text-model' && signal.evidence)
        for (const term of signal.evidence.split(', ')) expect(term).not.toMatch(/[<>]/);
    }
  });

  it('rejects files that are not models', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-model-')), 'x.json');
    fs.writeFileSync(file, '{"hello":1}');
    expect(() => loadHoaxModel(file)).toThrow(/not a Pantau hoax model/);
  });
});

describe('scoring through the table of known buckets', () => {
  it('gives the same score and reasons as the dense arrays when unseen buckets weigh nothing', () => {
    const shipped = loadDefaultHoaxModel();
    expect(shipped.unseenIdf).toBe(0);
    // The same model with a vanishing idf for unseen buckets takes the dense path (every bucket
    // counted, unseen ones contributing ~0): the compact path must agree with it.
    const dense: HoaxModel = { ...shipped, unseenIdf: 1e-300 };
    const enricher = createEnricher();
    const texts = [
      VACCINE_CHIP_HOAX,
      VACCINE_CHIP_DEBUNK,
      ORDINARY_NEWS,
      'VIRAL!!! bansos 2jt cair hari ini, klik link bit.ly/bansos-cair sblm ditutup #bansos',
      'wkwk macet parah di tol cikampek, mending naik kereta aja gaes',
      'Polisi bantah isu penculikan anak di Bekasi, warga diminta tidak panik',
    ];
    for (const text of texts) {
      const input = enricher.modelInput(text);
      const fast = scoreInput(shipped, input);
      const slow = scoreInput(dense, input);
      expect(fast.probability).toBeCloseTo(slow.probability, 12);
      expect(fast.topTerms).toEqual(slow.topTerms);
    }
    // A text of words no training text had scores the bias alone.
    const unknown = scoreInput(shipped, enricher.modelInput('qzxv wqpl zzkrt'));
    expect(unknown.textContribution).toBe(0);
  });
});

describe('L-BFGS learner', () => {
  it('minimises a smooth function to its optimum', () => {
    // Rosenbrock: curved valley, minimum 0 at (1, 1).
    const result = minimizeLbfgs(
      (x, g) => {
        const [a, b] = [x[0] as number, x[1] as number];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.from([-1.2, 1]),
      { tolerance: 0, gradientTolerance: 1e-8 },
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
  });

  // One-word texts: each text's vector is its word with value 1, so the raw logit is bias + w(word) and
  // the optimality conditions of Σ class-weight·log-loss + ‖w‖²/(2C) can be checked from the scores.
  const rowsOf = (spec: [string, 0 | 1, number][]) =>
    spec.flatMap(([word, label, count]) =>
      Array.from({ length: count }, () => ({ tokens: [word], signals: new Map<string, number>(), label })),
    );
  const gradientAtOptimum = (rows: ReturnType<typeof rowsOf>, model: HoaxModel, C: number) => {
    const positives = rows.filter((r) => r.label === 1).length;
    const classWeight = (y: 0 | 1) => rows.length / (2 * (y === 1 ? positives : rows.length - positives));
    const byWord = new Map<string, number>();
    let biasGradient = 0;
    for (const r of rows) {
      const z = scoreInput(model, r).logit;
      const e = classWeight(r.label) * (1 / (1 + Math.exp(-z)) - r.label);
      biasGradient += e;
      byWord.set(r.tokens[0] as string, (byWord.get(r.tokens[0] as string) ?? 0) + e);
    }
    const wordGradients = [...byWord].map(([word]) => {
      const w = scoreInput(model, { tokens: [word], signals: new Map() }).logit - model.bias;
      return (byWord.get(word) as number) + w / C;
    });
    return Math.max(Math.abs(biasGradient), ...wordGradients.map(Math.abs));
  };

  it('trains to convergence on a non-separable set (zero gradient at the solution)', () => {
    const rows = rowsOf([
      ['palsu', 1, 9],
      ['palsu', 0, 3],
      ['resmi', 0, 8],
      ['resmi', 1, 2],
      ['kabar', 1, 5],
      ['kabar', 0, 5],
    ]);
    const model = trainFromInputs(rows, { learner: 'lbfgs', C: 10, heldOut: 0.5, tolerance: 1e-9 });
    expect(model.training).toMatchObject({ learner: 'lbfgs', C: 10, converged: true });
    expect(model.training.iterations).toBeLessThan(200);
    expect(Object.keys(model.weights)).toHaveLength(3);
    expect(gradientAtOptimum(rows, model, 10)).toBeLessThan(1e-3);
    const palsu = scoreInput(model, { tokens: ['palsu'], signals: new Map() }).logit;
    const resmi = scoreInput(model, { tokens: ['resmi'], signals: new Map() }).logit;
    expect(palsu).toBeGreaterThan(0);
    expect(resmi).toBeLessThan(0);
  });

  it('stays finite on a separable set, where the penalty alone bounds the weights', () => {
    const rows = rowsOf([
      ['palsu', 1, 8],
      ['resmi', 0, 8],
    ]);
    const model = trainFromInputs(rows, { learner: 'lbfgs', C: 10, heldOut: 0.5, tolerance: 1e-9 });
    expect(model.training.converged).toBe(true);
    expect(gradientAtOptimum(rows, model, 10)).toBeLessThan(1e-3);
    const palsu = scoreInput(model, { tokens: ['palsu'], signals: new Map() }).logit;
    expect(palsu).toBeGreaterThan(2);
    expect(palsu).toBeLessThan(20);
    // An unseen word counts neither in the score nor in the norm, as in scikit-learn.
    expect(scoreInput(model, { tokens: ['palsu', 'zzz'], signals: new Map() }).logit).toBeCloseTo(palsu, 4);
  });
});

describe('binaryMetrics', () => {
  it('computes hoax-class precision/recall/F1 and macro-F1', () => {
    const m = binaryMetrics([1, 1, 0, 0], [1, 0, 0, 1]);
    expect(m).toEqual({ n: 4, accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5, macroF1: 0.5 });
  });
});

describe('labelled CSV files exported from elsewhere', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-csv-'));
    file = path.join(dir, 'export.csv');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a spreadsheet export: BOM, capitalised headers, CRLF, labels as 1.0 / True / False', () => {
    fs.writeFileSync(
      file,
      '\ufeffText,Label\r\n' +
        '"Vaksin bikin mandul, sebarkan ke grup keluarga!!",1.0\r\n' +
        '"BMKG: gempa M5,1 guncang Lombok, tidak berpotensi tsunami",0.0\r\n' +
        '"Air rebusan daun sirsak sembuhkan kanker stadium 4",True\r\n' +
        '"Menkeu umumkan realisasi APBN semester I",False\r\n',
    );
    expect(readLabelledCsv(file).map((r) => r.label)).toEqual([1, 0, 1, 0]);
    expect(readLabelledCsv(file)[1]!.text).toContain('M5,1');
    fs.writeFileSync(file, 'text,label\n"Katanya besok libur nasional",mungkin\n');
    expect(() => readLabelledCsv(file)).toThrow('row 2 has label "mungkin", expected 0 or 1');
  });

  it('reads the semicolons and tabs spreadsheets set to Indonesian save, and names a missing column', () => {
    // Excel with Indonesian regional settings: semicolons, so a decimal comma stays in its cell.
    fs.writeFileSync(
      file,
      'Text;Label\r\nBMKG: gempa M5,1 guncang Lombok, tidak berpotensi tsunami;0\r\n' +
        '"Minum air kelapa + garam; obat covid paling ampuh!!";1\r\n',
    );
    expect(readLabelledCsv(file)).toEqual([
      { text: 'BMKG: gempa M5,1 guncang Lombok, tidak berpotensi tsunami', label: 0 },
      { text: 'Minum air kelapa + garam; obat covid paling ampuh!!', label: 1 },
    ]);
    fs.writeFileSync(file, 'text\tlabel\nHarga BBM naik, katanya mulai besok\t1\n');
    expect(readLabelledCsv(file)).toEqual([{ text: 'Harga BBM naik, katanya mulai besok', label: 1 }]);
    // A "title" column is not "text": said, not read as rows of empty texts.
    fs.writeFileSync(file, 'title,label\n"Vaksin mengandung chip 5G",1\n');
    expect(() => readLabelledCsv(file)).toThrow('no "text" column (its header: title, label)');
  });
});
