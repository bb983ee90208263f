import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_TRAINING_FILE, stem } from '@pantau/nlp-id';

const BIN = path.resolve(__dirname, '..', 'bin', 'pantau.js');
const SASTRAWI_VECTORS = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'data',
  'stemmer',
  'sastrawi-stemmer-vectors.tsv',
);

function pantau(args: string[], input = ''): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 120_000 });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

describe('pantau CLI', () => {
  (fs.existsSync(SASTRAWI_VECTORS) ? it : it.skip)(
    fs.existsSync(SASTRAWI_VECTORS)
      ? 'pantau stem reproduces the Sastrawi vectors'
      : `skipped: ${SASTRAWI_VECTORS} not present`,
    () => {
      const rows = fs
        .readFileSync(SASTRAWI_VECTORS, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t'));
      const { stdout, status } = pantau(['stem'], rows.map((r) => r[0]).join('\n') + '\n');
      expect(status).toBe(0);
      expect(stdout.split('\n').slice(0, -1)).toEqual(rows.map((r) => r[1]));
    },
  );

  it('pantau stem prints exactly one stem per input line and nothing else', () => {
    const words = ['menerangi', 'memuaskan', 'membantah', 'pemerintah', 'viralkan', 'anak-anak'];
    const { stdout, stderr, status } = pantau(['stem'], words.join('\n') + '\n');
    expect(status).toBe(0);
    expect(stdout).toBe(words.map((w) => stem(w)).join('\n') + '\n');
    expect(stdout).toBe('terang\npuas\nbantah\nperintah\nviral\nanak\n');
    expect(stderr).toBe('');
  });

  it('pantau normalize normalises each line', () => {
    const { stdout, status } = pantau(['normalize'], 'gw udh bilang bangeeet\n#TolakHoaks anak2 s4y4\n');
    expect(status).toBe(0);
    expect(stdout).toBe('saya sudah bilang banget\ntolak hoaks anak-anak saya\n');
  });

  it('pantau hoax train + eval round-trip, eval prints metrics as its last JSON line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-cli-'));
    const lines = fs.readFileSync(DEFAULT_TRAINING_FILE, 'utf8').trim().split('\n');
    const header = lines[0] as string;
    const body = lines.slice(1);
    fs.writeFileSync(
      path.join(dir, 'train.csv'),
      [header, ...body.filter((_, i) => i % 3 !== 0)].join('\n') + '\n',
    );
    fs.writeFileSync(
      path.join(dir, 'test.csv'),
      [header, ...body.filter((_, i) => i % 3 === 0)].join('\n') + '\n',
    );
    const model = path.join(dir, 'model.json');

    const train = pantau(['hoax', 'train', '--data', path.join(dir, 'train.csv'), '--out', model]);
    expect(train.status).toBe(0);
    expect(train.stdout).toBe('');
    expect(fs.existsSync(model)).toBe(true);

    const evaluation = pantau(['hoax', 'eval', '--model', model, '--data', path.join(dir, 'test.csv')]);
    expect(evaluation.status).toBe(0);
    const last = evaluation.stdout.trim().split('\n').pop() as string;
    const metrics = JSON.parse(last) as Record<string, number>;
    expect(Object.keys(metrics)).toEqual(['n', 'accuracy', 'precision', 'recall', 'f1', 'macroF1']);
    expect(metrics.n).toBe(body.filter((_, i) => i % 3 === 0).length);
    expect(metrics.macroF1).toBeGreaterThan(0.8);
  });

  it('pantau hoax train --learner chooses the learner and records it in the model', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-cli-'));
    const model = path.join(dir, 'model.json');
    const train = pantau([
      'hoax',
      'train',
      '--data',
      DEFAULT_TRAINING_FILE,
      '--out',
      model,
      '--learner',
      'adagrad',
      '--epochs',
      '2',
    ]);
    expect(train.status).toBe(0);
    const written = JSON.parse(fs.readFileSync(model, 'utf8')) as { training: Record<string, unknown> };
    expect(written.training).toMatchObject({ learner: 'adagrad', epochs: 2 });
    expect(pantau(['hoax', 'train', '--data', 'x.csv', '--out', model, '--learner', 'sgd']).status).toBe(2);
    expect(pantau(['hoax', 'train', '--data', 'x.csv', '--out', model, '--c', '0']).status).toBe(2);
  });

  it('pantau hoax score prints one JSON assessment per line', () => {
    const { stdout, status } = pantau(
      ['hoax', 'score'],
      'SEBARKAN!!! kata teman saya yg kerja di BPOM beras plastik beredar\n',
    );
    expect(status).toBe(0);
    const assessment = JSON.parse(stdout.trim()) as { score: number; signals: { id: string }[] };
    expect(assessment.score).toBeGreaterThan(0.5);
    expect(assessment.signals.length).toBeGreaterThan(0);
  });

  it('pantau topics train + eval: the last stdout line of eval is one JSON object of the contract', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-cli-topics-'));
    const data = path.join(dir, 'topics.csv');
    // Project-written rows; no bencana or transportasi here, the seeds and lexicon bring them.
    fs.writeFileSync(
      data,
      [
        'text,topic',
        '"Harga beras naik lagi, emak-emak ngeluh di pasar",ekonomi',
        '"Rupiah melemah, IHSG ditutup turun",ekonomi',
        '"Timnas menang 3-1, gol di menit akhir",olahraga',
        '"Persib juara liga setelah kalahkan Persija",olahraga',
        '"Vaksin campak gratis di puskesmas minggu ini",kesehatan',
        '"Antrean pasien BPJS di rumah sakit mengular",kesehatan',
      ].join('\n') + '\n',
    );
    const model = path.join(dir, 'model.json');
    const train = pantau(['topics', 'train', '--data', data, '--out', model, '--c', '3']);
    expect(train.status).toBe(0);
    expect(train.stderr).toMatch(/trained .* on \d+ rows \(6 from/);
    const evalData = path.join(dir, 'eval.csv');
    fs.writeFileSync(
      evalData,
      [
        'text,topic',
        '"banjir setinggi pinggang di Bekasi, warga ngungsi",bencana',
        '"KRL gangguan, penumpang numpuk di stasiun",transportasi',
        '"harga cabai rawit tembus 100 ribu sekilo",ekonomi',
        '"gol telat bikin timnas menang",olahraga',
      ].join('\n') + '\n',
    );
    const ev = pantau(['topics', 'eval', '--model', model, '--data', evalData]);
    expect(ev.status).toBe(0);
    const last = ev.stdout.trim().split('\n').pop() as string;
    const metrics = JSON.parse(last) as {
      n: number;
      accuracy: number;
      macroF1: number;
      perTopic: Record<string, { precision: number; recall: number; f1: number }>;
    };
    expect(Object.keys(metrics)).toEqual(['n', 'accuracy', 'macroF1', 'perTopic']);
    expect(metrics.n).toBe(4);
    expect(Object.keys(metrics.perTopic).sort()).toEqual(['bencana', 'ekonomi', 'olahraga', 'transportasi']);
    for (const m of Object.values(metrics.perTopic))
      expect(Object.keys(m)).toEqual(['precision', 'recall', 'f1']);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.75);
    expect(pantau(['topics', 'train', '--data', data]).status).toBe(2);
    // The prior expert's weight is stored in the model; out of [0, 1) is a usage error.
    const blended = path.join(dir, 'blended.json');
    expect(
      pantau(['topics', 'train', '--data', data, '--out', blended, '--prior-weight', '0.3']).status,
    ).toBe(0);
    expect(
      (JSON.parse(fs.readFileSync(blended, 'utf8')) as { training: { priorWeight: number } }).training
        .priorWeight,
    ).toBe(0.3);
    expect(pantau(['topics', 'train', '--data', data, '--out', blended, '--prior-weight', '1']).status).toBe(
      2,
    );
    expect(pantau(['topics', 'eval', '--model', model, '--data', path.join(dir, 'missing.csv')]).status).toBe(
      2,
    );
  });

  it('pantau topics score prints one JSON per input line with topics and their words', () => {
    const { stdout, status } = pantau(
      ['topics', 'score'],
      'gempa guncang Lombok, warga lari keluar rumah\nmacet parah di tol cikampek arah Jakarta\n',
    );
    expect(status).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { top: { id: string; words: string[] } });
    expect(lines.map((l) => l.top.id)).toEqual(['bencana', 'transportasi']);
    expect(lines[0]?.top.words).toContain('gempa');
  });

  describe('pantau issues run / eval (the contract held-out streams are scored through)', () => {
    const T0 = Date.parse('2019-04-17T10:00:00Z');
    const hoax = [
      'KPU sudah coblos 7 juta surat suara di Tanjung Priok untuk paslon 01, sebarkan!!',
      'Katanya 7 juta surat suara udh dicoblos di Tanjung Priok buat 01, bener gak sih? #pemilu2019',
      '7 juta surat suara tercoblos di Priok, KPU diam aja?? parah',
    ];
    const chatter = [
      'Macet parah di tol Cikampek pagi ini, telat ngantor lagi deh',
      'Ada rekomendasi bakso enak di Depok? pengen nyobain yang baru buka',
      'Timnas menang 2-0 semalam, mainnya ngotot dari menit pertama',
    ];
    const lines = [
      ...hoax.map((text, i) => ({
        id: `h${i}`,
        text,
        publishedAt: new Date(T0 + i * 60_000).toISOString(),
        author: `akun${i}`,
        label: 'surat-suara',
      })),
      ...chatter.map((text, i) => ({
        id: `c${i}`,
        text,
        publishedAt: new Date(T0 + (i + 3) * 60_000).toISOString(),
        label: `c${i}`,
      })),
    ];
    let dir: string;
    const write = (name: string, rows: unknown[]) => {
      const file = path.join(dir, name);
      fs.writeFileSync(
        file,
        rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n',
      );
      return file;
    };
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-issues-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('run: one assignment per post, events in stream time, a summary as the last stdout line', () => {
      const data = write('stream.jsonl', lines);
      const out = path.join(dir, 'assignments.jsonl');
      const events = path.join(dir, 'events.jsonl');
      const { stdout, status } = pantau([
        'issues',
        'run',
        '--data',
        data,
        '--assignments',
        out,
        '--events',
        events,
      ]);
      expect(status).toBe(0);
      const summary = JSON.parse(stdout.trim().split('\n').pop()!);
      expect(Object.keys(summary).sort()).toEqual(['events', 'issues', 'largestIssueShare', 'posts']);
      expect(Object.keys(summary.events).sort()).toEqual(['cooled', 'growing', 'new', 'peaked', 'rising']);
      expect(summary.posts).toBe(6);
      const assigned = fs
        .readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(assigned.map((a) => a.id)).toEqual(lines.map((l) => l.id));
      expect(new Set(assigned.slice(0, 3).map((a) => a.issueId)).size).toBe(1);
      expect(assigned.slice(3).map((a) => a.issueId)).not.toContain(assigned[0].issueId);
      expect(summary.issues).toBe(new Set(assigned.map((a) => a.issueId)).size);
      const evs = fs
        .readFileSync(events, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(evs.length).toBeGreaterThan(0);
      for (const e of evs) {
        expect(Object.keys(e).sort()).toEqual(['at', 'issueId', 'reason', 'type']);
        expect(Date.parse(e.at)).toBeGreaterThanOrEqual(T0); // stream time, not the wall clock
        expect(Date.parse(e.at)).toBeLessThan(T0 + 3600_000);
      }
    });

    it('eval: B-cubed against the labels as the last line, the baseline before it', () => {
      const { stdout, status } = pantau(['issues', 'eval', '--data', write('labelled.jsonl', lines)]);
      expect(status).toBe(0);
      const out = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const last = out.pop();
      expect(Object.keys(last).sort()).toEqual(
        [
          'bcubedF1',
          'bcubedPrecision',
          'bcubedRecall',
          'goldClusters',
          'issues',
          'largestIssueShare',
          'n',
        ].sort(),
      );
      expect(last).toMatchObject({ n: 6, goldClusters: 4, issues: 4, bcubedF1: 1 });
      expect(out.find((o) => o.baseline)).toMatchObject({ n: 6, goldClusters: 4 });
    });

    it('reads data exported from elsewhere: numeric ids past 2^53, integer labels, epoch and Twitter times', () => {
      const raw = [
        `{"id": 1118453212001234567, "text": ${JSON.stringify(hoax[0])}, "publishedAt": "Wed Apr 17 10:00:00 +0000 2019", "label": 7}`,
        `{"id": 1118453212001234568, "text": ${JSON.stringify(hoax[1])}, "publishedAt": 1555495260, "label": 7}`,
        `{"id": 1118453212001234569, "text": ${JSON.stringify(chatter[0])}, "publishedAt": 1555495320000, "label": 8}`,
        `{"id": 42, "text": null, "publishedAt": "2019-04-17T10:03:00Z", "label": 9}`,
      ];
      const data = write('exported.jsonl', raw);
      const out = path.join(dir, 'exported-assignments.jsonl');
      expect(pantau(['issues', 'run', '--data', data, '--assignments', out]).status).toBe(0);
      const assigned = fs
        .readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(assigned.map((a) => a.id)).toEqual([
        '1118453212001234567',
        '1118453212001234568',
        '1118453212001234569',
        '42',
      ]);
      expect(assigned[1].issueId).toBe(assigned[0].issueId);
      const { stdout, status } = pantau(['issues', 'eval', '--data', data]);
      expect(status).toBe(0);
      expect(JSON.parse(stdout.trim().split('\n').pop()!)).toMatchObject({
        n: 4,
        goldClusters: 3,
        bcubedF1: 1,
      });
    });

    it('reads a file saved with a byte-order mark and Windows line ends', () => {
      const file = path.join(dir, 'windows.jsonl');
      fs.writeFileSync(
        file,
        '\uFEFF' +
          lines
            .slice(0, 3)
            .map((l) => JSON.stringify(l))
            .join('\r\n') +
          '\r\n',
      );
      const { stdout, status } = pantau(['issues', 'eval', '--data', file]);
      expect(status).toBe(0);
      expect(JSON.parse(stdout.trim().split('\n').pop()!)).toMatchObject({ n: 3 });
    });

    it('refuses a line that cannot be a post with exit code 2 and the line number', () => {
      const data = write('bad.jsonl', [lines[0], '{"text": "tanpa id"}']);
      const { stderr, status } = pantau(['issues', 'run', '--data', data]);
      expect(status).toBe(2);
      // The file and line, not the usage text: the command was called right, the data is wrong.
      expect(stderr.trim()).toMatch(/^pantau: \S*bad\.jsonl:2: needs an id/);
      expect(stderr).not.toContain('usage:');
      expect(pantau(['issues', 'eval', '--data', write('bad2.jsonl', ['[1, 2]'])]).status).toBe(2);
      expect(pantau(['issues', 'eval', '--data', write('bad3.jsonl', ['{"id": "x"}'])]).status).toBe(2);
    });

    it('keeps a post without a usable time: it takes the time of the post before it, and a warning says so', () => {
      const data = write('timeless.jsonl', [
        lines[0],
        // No time, an unreadable one, and one under the name Twitter exports use.
        { id: 'tanpa-waktu', text: lines[1]!.text, label: lines[1]!.label },
        { id: 'kemarin', text: lines[2]!.text, label: lines[2]!.label, publishedAt: 'kemarin' },
        {
          id: 'twitter',
          text: lines[3]!.text,
          label: lines[3]!.label,
          created_at: 'Wed Apr 17 10:00:00 +0000 2019',
        },
      ]);
      const out = path.join(dir, 'timeless-assignments.jsonl');
      const run = pantau(['issues', 'run', '--data', data, '--assignments', out]);
      expect(run.status).toBe(0);
      expect(run.stderr).toMatch(
        /warning: \S*timeless\.jsonl: 2 of 4 posts have no usable publishedAt \(line 2, 3\)/,
      );
      expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ posts: 4 });
      const assigned = fs
        .readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(assigned.map((a) => a.id)).toEqual([lines[0]!.id, 'tanpa-waktu', 'kemarin', 'twitter']);
      // A file with no time at all is clustered on its words alone (every post at one instant).
      const none = write(
        'no-times.jsonl',
        lines.map(({ id, text, label }) => ({ id, text, label })),
      );
      const evaluated = pantau(['issues', 'eval', '--data', none]);
      expect(evaluated.status).toBe(0);
      expect(evaluated.stderr).toContain(
        `${lines.length} of ${lines.length} posts have no usable publishedAt`,
      );
      expect(JSON.parse(evaluated.stdout.trim().split('\n').pop()!)).toMatchObject({ n: lines.length });
    });
  });

  it('pantau hoax eval and topics eval without --model evaluate the shipped models', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-eval-'));
    const hoaxCsv = path.join(dir, 'hoax.csv');
    fs.writeFileSync(
      hoaxCsv,
      'text,label\n"VIRAL!! minum air rebusan bawang putih sembuhkan covid dalam 1 malam, sebarkan!!",1\n' +
        '"BMKG: gempa magnitudo 5,1 guncang Lombok Utara, tidak berpotensi tsunami",0\n',
    );
    const hoax = pantau(['hoax', 'eval', '--data', hoaxCsv]);
    expect(hoax.status).toBe(0);
    expect(JSON.parse(hoax.stdout.trim().split('\n').pop()!)).toMatchObject({ n: 2 });
    const topicCsv = path.join(dir, 'topics.csv');
    fs.writeFileSync(
      topicCsv,
      'text,topic\n"Harga cabai dan bawang merah naik lagi di pasar induk",ekonomi\n',
    );
    const topics = pantau(['topics', 'eval', '--data', topicCsv]);
    expect(topics.status).toBe(0);
    expect(JSON.parse(topics.stdout.trim().split('\n').pop()!)).toMatchObject({ n: 1 });
    // A file with nothing to evaluate is an error (exit 2), not a line of zeros as if measured.
    const emptyCsv = path.join(dir, 'empty.csv');
    fs.writeFileSync(emptyCsv, 'text,label,topic\n');
    const emptyJsonl = path.join(dir, 'empty.jsonl');
    fs.writeFileSync(emptyJsonl, '\n');
    for (const args of [
      ['hoax', 'eval', '--data', emptyCsv],
      ['hoax', 'train', '--data', emptyCsv, '--out', path.join(dir, 'm.json')],
      ['topics', 'eval', '--data', emptyCsv],
      ['issues', 'eval', '--data', emptyJsonl],
    ]) {
      const run = pantau(args);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/empty\.(csv|jsonl): no rows to (evaluate|train on)/);
      expect(run.stdout).toBe('');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 with usage on bad arguments', () => {
    expect(pantau(['hoax', 'train', '--data', 'x.csv']).status).toBe(2);
    expect(pantau(['frobnicate']).status).toBe(2);
    expect(pantau(['stem', '--bogus']).status).toBe(2);
  });
});
