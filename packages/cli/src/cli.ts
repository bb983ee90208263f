import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import {
  createEnricher,
  createNormalizer,
  trainHoaxModel,
  evaluateHoaxModel,
  loadDefaultHoaxModel,
  loadHoaxModel,
  normalize,
  readLabelledCsv,
  saveHoaxModel,
  stem,
  TopicScorer,
  evaluateTopicModel,
  loadDefaultTopicModel,
  loadTopicModel,
  readTopicCsv,
  saveTopicModel,
  topicInputOf,
  trainTopicModel,
} from '@pantau/nlp-id';
import { bcubed, plainTfidfClusters, runStream, type StreamPost } from '@pantau/issues';
import { sources } from './sources';
import { InputError, UsageError } from './usage';

export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `usage:
  pantau stem                                    words on stdin, one per line -> stems, one per line
  pantau normalize [--lexicon FILE.csv]...       lines on stdin -> normalised lines
  pantau hoax train --data FILE.csv --out MODEL.json [--version NAME] [--learner lbfgs|adagrad] [--c C]
                    [--epochs N] [--nb-scaling 0..1] [--char-ngrams 3-5] [--char-weight 0..1]
                    [--max-tokens N]  (only the first N tokens count, 0 = all; default 40)
                    (--c: L-BFGS inverse regularisation; --epochs: AdaGrad only)
  pantau hoax eval [--model MODEL.json] --data FILE.csv
  pantau hoax score [--model MODEL.json]         lines on stdin -> one JSON assessment per line
  pantau issues run --data STREAM.jsonl [--assignments OUT.jsonl] [--events OUT.jsonl]
                    posts (id, text, publishedAt, optional author, source, url) in file order, in stream time
                    (a post without a usable publishedAt takes the time of the one before it; a warning says so)
  pantau issues eval --data LABELLED.jsonl       the same lines plus label (the true cluster) -> B-cubed scores
  pantau sources check [--file sources.yaml] [--allow-private]
                    validates the file (default: PANTAU_SOURCES) and reads each source once, printing what it got
  pantau topics train --data FILE.csv --out MODEL.json [--version NAME] [--c C] [--lexicon-c C]
                      [--no-seeds] [--prior-weight A]   (the shipped seed posts and lexicon are added by
                      default; A in [0, 1): logits (1 - A)·model + A·expert fitted on them alone, default 0)
  pantau topics eval [--model MODEL.json] --data FILE.csv
  pantau topics score [--model MODEL.json]       lines on stdin -> one JSON topic assessment per line
CSV files have a header with columns text,label (label 1 = hoax, 0 = not) and an optional group column;
topic CSVs have text,topic (topic = kesehatan, ekonomi, bencana, politik, hukum, agama, pendidikan,
transportasi, teknologi, olahraga, hiburan or lainnya).
`;

/** Streams stdin line by line, writing each result as it comes, so large inputs need no memory. */
async function mapLines(io: Io, transform: (line: string) => string): Promise<void> {
  const lines = readline.createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) io.stdout.write(transform(line) + '\n');
}

function requireOption(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function hoax(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      version: { type: 'string' },
      epochs: { type: 'string' },
      learner: { type: 'string' },
      c: { type: 'string' },
      'nb-scaling': { type: 'string' },
      'char-ngrams': { type: 'string' },
      'char-weight': { type: 'string' },
      'max-tokens': { type: 'string' },
    },
    allowPositionals: false,
  });
  switch (sub) {
    case 'train': {
      const data = requireOption(values, 'data');
      const out = requireOption(values, 'out');
      const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
      if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0))
        throw new UsageError('--epochs must be a positive integer');
      const learner = values.learner;
      if (learner !== undefined && learner !== 'lbfgs' && learner !== 'adagrad')
        throw new UsageError('--learner must be lbfgs or adagrad');
      const C = values.c === undefined ? undefined : Number(values.c);
      if (C !== undefined && !(C > 0 && Number.isFinite(C)))
        throw new UsageError('--c must be a positive number');
      const nbScaling = values['nb-scaling'] === undefined ? undefined : Number(values['nb-scaling']);
      if (nbScaling !== undefined && !(nbScaling >= 0 && nbScaling <= 1))
        throw new UsageError('--nb-scaling must be between 0 and 1');
      let charOptions: { charNgram?: number; charNgramMax?: number; charWeight?: number } = {};
      if (values['char-ngrams'] !== undefined) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(values['char-ngrams']);
        const min = Number(m?.[1]);
        const max = Number(m?.[2] ?? m?.[1]);
        if (!m || min < 0 || max < min || max > 8)
          throw new UsageError('--char-ngrams must be N or MIN-MAX (0 = none, at most 8)');
        charOptions = { charNgram: min, charNgramMax: max };
      }
      if (values['char-weight'] !== undefined) {
        const w = Number(values['char-weight']);
        if (!(w >= 0 && w <= 1)) throw new UsageError('--char-weight must be between 0 and 1');
        charOptions.charWeight = w;
      }
      const maxTokens = values['max-tokens'] === undefined ? undefined : Number(values['max-tokens']);
      if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens >= 0))
        throw new UsageError('--max-tokens must be a non-negative integer');
      const rows = someRows(readLabelledCsv(data), data, 'train on');
      const started = Date.now();
      const model = trainHoaxModel(rows, {
        ...charOptions,
        source: data,
        ...(values.version ? { version: values.version } : {}),
        ...(epochs ? { epochs } : {}),
        ...(learner ? { learner } : {}),
        ...(C !== undefined ? { C } : {}),
        ...(nbScaling !== undefined ? { nbScaling } : {}),
        ...(maxTokens !== undefined ? { maxTokens } : {}),
      });
      saveHoaxModel(model, out);
      io.stderr.write(
        `trained ${model.version} on ${rows.length} rows (${model.training.positives} hoax) in ${((Date.now() - started) / 1000).toFixed(1)}s; threshold ${model.threshold}; wrote ${out}\n`,
      );
      return 0;
    }
    case 'eval': {
      // Without --model: the model Pantau ships and scores with.
      const model = values.model ? loadHoaxModel(values.model) : loadDefaultHoaxModel();
      const data = requireOption(values, 'data');
      const metrics = evaluateHoaxModel(model, someRows(readLabelledCsv(data), data, 'evaluate'));
      const round = (x: number): number => Math.round(x * 10000) / 10000;
      io.stdout.write(
        JSON.stringify({
          n: metrics.n,
          accuracy: round(metrics.accuracy),
          precision: round(metrics.precision),
          recall: round(metrics.recall),
          f1: round(metrics.f1),
          macroF1: round(metrics.macroF1),
        }) + '\n',
      );
      return 0;
    }
    case 'score': {
      const model = values.model ? loadHoaxModel(values.model) : loadDefaultHoaxModel();
      const enricher = createEnricher({ model });
      await mapLines(io, (line) => JSON.stringify(enricher.enrich(line).hoax));
      return 0;
    }
    default:
      throw new UsageError(`unknown hoax command "${sub ?? ''}"`);
  }
}

async function topics(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      version: { type: 'string' },
      c: { type: 'string' },
      'lexicon-c': { type: 'string' },
      'no-seeds': { type: 'boolean' },
      'prior-weight': { type: 'string' },
    },
    allowPositionals: false,
  });
  const positive = (name: string): number | undefined => {
    const raw = values[name as 'c'];
    if (raw === undefined) return undefined;
    const x = Number(raw);
    if (!(x > 0 && Number.isFinite(x))) throw new UsageError(`--${name} must be a positive number`);
    return x;
  };
  switch (sub) {
    case 'train': {
      const data = requireOption(values, 'data');
      const out = requireOption(values, 'out');
      const C = positive('c');
      const lexiconC = positive('lexicon-c');
      const priorWeight = values['prior-weight'] === undefined ? undefined : Number(values['prior-weight']);
      if (priorWeight !== undefined && !(priorWeight >= 0 && priorWeight < 1))
        throw new UsageError('--prior-weight must be a number in [0, 1)');
      if (!fs.existsSync(data)) throw new UsageError(`data not found: ${data}`);
      const rows = readTopicCsv(data);
      const started = Date.now();
      const model = trainTopicModel(rows, {
        sources: [data],
        ...(values.version ? { version: values.version } : {}),
        ...(C !== undefined ? { C } : {}),
        ...(lexiconC !== undefined ? { lexiconC } : {}),
        ...(values['no-seeds'] ? { seeds: false } : {}),
        ...(priorWeight !== undefined ? { priorWeight } : {}),
      });
      saveTopicModel(model, out);
      io.stderr.write(
        `trained ${model.version} on ${model.training.rows} rows (${rows.length} from ${data}) in ${((Date.now() - started) / 1000).toFixed(1)}s; wrote ${out}\n`,
      );
      return 0;
    }
    case 'eval': {
      const model = values.model ? loadTopicModel(values.model) : loadDefaultTopicModel();
      const data = requireOption(values, 'data');
      if (!fs.existsSync(data)) throw new UsageError(`data not found: ${data}`);
      const metrics = evaluateTopicModel(model, someRows(readTopicCsv(data), data, 'evaluate'));
      const round = (x: number): number => Math.round(x * 10000) / 10000;
      const perTopic: Record<string, { precision: number; recall: number; f1: number }> = {};
      for (const [topic, m] of Object.entries(metrics.perTopic))
        perTopic[topic] = { precision: round(m!.precision), recall: round(m!.recall), f1: round(m!.f1) };
      io.stdout.write(
        JSON.stringify({
          n: metrics.n,
          accuracy: round(metrics.accuracy),
          macroF1: round(metrics.macroF1),
          perTopic,
        }) + '\n',
      );
      return 0;
    }
    case 'score': {
      const scorer = new TopicScorer(values.model ? loadTopicModel(values.model) : loadDefaultTopicModel());
      const normalizer = createNormalizer();
      await mapLines(io, (line) => {
        const a = scorer.assess(topicInputOf(normalizer.normalize(line.normalize('NFKC')).tokens));
        return JSON.stringify({
          top: a.top,
          topics: a.topics,
          scores: a.scores,
          modelVersion: scorer.model.version,
        });
      });
      return 0;
    }
    default:
      throw new UsageError(`unknown topics command "${sub ?? ''}"`);
  }
}

/**
 * The exact digits of a numeric id: tweet ids (19 digits) are past 2^53, so JSON.parse rounds them and
 * two posts could share an id; written back rounded, they would not match the caller's ids either.
 */
function idDigits(line: string, key: 'id' | 'sourceId', parsed: number): string {
  if (Number.isSafeInteger(parsed)) return String(parsed);
  for (const m of line.matchAll(new RegExp(`"${key}"\\s*:\\s*(-?\\d+)(?=\\s*[,}])`, 'g')))
    if (Number(m[1]) === parsed) return m[1]!;
  return String(parsed);
}

/** A time as epoch seconds or milliseconds (numbers or digit strings), or anything Date.parse reads. */
function isoTime(value: unknown): string | undefined {
  const epoch =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{9,13}$/.test(value)
        ? Number(value)
        : NaN;
  if (Number.isFinite(epoch)) return new Date(epoch < 1e11 ? epoch * 1000 : epoch).toISOString();
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return undefined;
  return value;
}

/** Where exported data keeps a post's time when it is not called publishedAt (Twitter: created_at). */
const TIME_FIELDS = ['publishedAt', 'published_at', 'createdAt', 'created_at', 'timestamp', 'date', 'time'];

/** When no line of a file has a time: every post at this one instant (no time effects at all). */
const TIMELESS_START = '2026-01-01T00:00:00.000Z';

/**
 * Reads a JSONL stream for `issues run` / `issues eval`. Lenient where data exported from elsewhere
 * differs in form only — numeric ids and labels (a dataframe's integer columns), epoch times, a null
 * text, the time under another common name — and strict where a line cannot be a post at all (not a
 * JSON object, no id, no text). A post without a usable time is no reason to throw the file away: it
 * takes the time of the post before it (stream time follows the file order; the first posts, the
 * first time found), and a warning says how many did.
 */
function readStream(file: string, io: Io): StreamPost[] {
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const posts: StreamPost[] = [];
  const timeless: number[] = [];
  fs.readFileSync(file, 'utf8')
    // A byte-order mark (files saved by spreadsheet tools and Windows editors) is no part of line 1.
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let p: Record<string, unknown>;
      try {
        p = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new InputError(`${file}:${i + 1}: not JSON`);
      }
      if (typeof p !== 'object' || p === null || Array.isArray(p))
        throw new InputError(`${file}:${i + 1}: not a JSON object`);
      if (typeof p.id === 'number') p.id = idDigits(line, 'id', p.id);
      // Ingest-style lines (source + sourceId, no id) work too: the id is the post key.
      if (typeof p.sourceId === 'number') p.sourceId = idDigits(line, 'sourceId', p.sourceId);
      if (typeof p.id !== 'string' && typeof p.source === 'string' && typeof p.sourceId === 'string')
        p.id = `${p.source}:${p.sourceId}`;
      if (p.text === null) p.text = '';
      if (typeof p.label === 'number' || typeof p.label === 'boolean') p.label = String(p.label);
      if (typeof p.id !== 'string' || typeof p.text !== 'string')
        throw new InputError(`${file}:${i + 1}: needs an id (or source and sourceId) and text`);
      const field = TIME_FIELDS.find((f) => p[f] !== undefined && p[f] !== null && p[f] !== '');
      const publishedAt = field ? isoTime(p[field]) : undefined;
      if (publishedAt) p.publishedAt = publishedAt;
      else {
        timeless.push(i + 1);
        delete p.publishedAt;
      }
      posts.push(p as unknown as StreamPost);
    });
  if (timeless.length) {
    const first = posts.find((p) => p.publishedAt !== undefined)?.publishedAt ?? TIMELESS_START;
    let previous = first;
    for (const p of posts) {
      if (p.publishedAt === undefined) p.publishedAt = previous;
      previous = p.publishedAt;
    }
    const lines = timeless.slice(0, 5).join(', ') + (timeless.length > 5 ? ', …' : '');
    io.stderr.write(
      `pantau: warning: ${file}: ${timeless.length} of ${posts.length} posts have no usable publishedAt ` +
        `(line ${lines}); each takes the time of the post before it\n`,
    );
  }
  return posts;
}

const round4 = (x: number): number => Math.round(x * 10000) / 10000;

/** Rows to train on or evaluate: none is an error (zeros printed as if measured would mislead). */
function someRows<T>(rows: T[], file: string, purpose: 'train on' | 'evaluate'): T[] {
  if (rows.length === 0) throw new InputError(`${file}: no rows to ${purpose}`);
  return rows;
}

async function issues(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' },
      assignments: { type: 'string' },
      events: { type: 'string' },
    },
    allowPositionals: false,
  });
  switch (sub) {
    case 'run': {
      const posts = readStream(requireOption(values, 'data'), io);
      const assignments = values.assignments ? fs.createWriteStream(values.assignments) : undefined;
      const events = values.events ? fs.createWriteStream(values.events) : undefined;
      const result = runStream(posts, {
        onAssignment: (a) => assignments?.write(JSON.stringify(a) + '\n'),
        onEvent: (e) =>
          events?.write(
            JSON.stringify({ issueId: e.issueId, type: e.type, at: e.at, reason: e.reason }) + '\n',
          ),
      });
      await Promise.all(
        [assignments, events].map((s) => (s ? new Promise<void>((done) => s.end(done)) : undefined)),
      );
      const { summary } = result;
      io.stdout.write(
        JSON.stringify({ ...summary, largestIssueShare: round4(summary.largestIssueShare) }) + '\n',
      );
      return 0;
    }
    case 'eval': {
      const data = requireOption(values, 'data');
      const posts = someRows(readStream(data, io), data, 'evaluate');
      const gold = posts.map((p, i) => (typeof p.label === 'string' ? p.label : `unlabelled-${i}`));
      const started = Date.now();
      const result = runStream(posts, { detect: false });
      const score = bcubed(result.issueIds, gold);
      const baseline = bcubed(
        plainTfidfClusters(posts.map((p) => ({ id: p.id, text: p.text, at: Date.parse(p.publishedAt) }))),
        gold,
      );
      io.stderr.write(`clustered ${posts.length} posts in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
      const line = (s: typeof score) => ({
        n: s.n,
        issues: s.issues,
        goldClusters: s.goldClusters,
        bcubedPrecision: round4(s.bcubedPrecision),
        bcubedRecall: round4(s.bcubedRecall),
        bcubedF1: round4(s.bcubedF1),
        largestIssueShare: round4(s.largestIssueShare),
      });
      // The plain single-pass TF-IDF cosine baseline on the same stream first; Pantau's figure last.
      io.stdout.write(JSON.stringify({ baseline: 'plain-tfidf-cosine@0.15', ...line(baseline) }) + '\n');
      io.stdout.write(JSON.stringify(line(score)) + '\n');
      return 0;
    }
    default:
      throw new UsageError(`unknown issues command "${sub ?? ''}"`);
  }
}

export async function run(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'stem':
        parseArgs({ args: rest, options: {}, allowPositionals: false });
        await mapLines(io, (line) => stem(line));
        return 0;
      case 'normalize': {
        const { values } = parseArgs({
          args: rest,
          options: { lexicon: { type: 'string', multiple: true } },
          allowPositionals: false,
        });
        const lexicons = values.lexicon ?? [];
        for (const file of lexicons)
          if (!fs.existsSync(file)) throw new UsageError(`lexicon not found: ${file}`);
        if (lexicons.length === 0) {
          await mapLines(io, (line) => normalize(line).text);
        } else {
          const normalizer = createNormalizer(lexicons);
          await mapLines(io, (line) => normalizer.normalize(line).text);
        }
        return 0;
      }
      case 'hoax':
        return await hoax(rest, io);
      case 'issues':
        return await issues(rest, io);
      case 'topics':
        return await topics(rest, io);
      case 'sources':
        return await sources(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr.write(`pantau: ${error.message}\n${error instanceof InputError ? '' : USAGE}`);
      return 2;
    }
    throw error;
  }
}
