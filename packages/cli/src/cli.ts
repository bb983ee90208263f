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
} from '@pantau/nlp-id';

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
  pantau hoax eval --model MODEL.json --data FILE.csv
  pantau hoax score [--model MODEL.json]         lines on stdin -> one JSON assessment per line
CSV files have a header with columns text,label (label 1 = hoax, 0 = not) and an optional group column.
`;

class UsageError extends Error {}

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
      const rows = readLabelledCsv(data);
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
      const model = loadHoaxModel(requireOption(values, 'model'));
      const rows = readLabelledCsv(requireOption(values, 'data'));
      const metrics = evaluateHoaxModel(model, rows);
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
      io.stderr.write(`pantau: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}
