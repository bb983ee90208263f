/** Shipped data files and word lists shared by the modules of this package. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';

/** packages/nlp-id/data, whether running from src/ (tsx, jest, the CLI) or from a bundle. */
// Found through the package itself, not __dirname, so a service bundled by `npm run build` (whose
// __dirname is its dist folder) still finds the shipped lexicons and model.
export const DATA_DIR = path.join(path.dirname(require.resolve('@pantau/nlp-id/package.json')), 'data');

export function dataFile(name: string): string {
  return path.join(DATA_DIR, name);
}

/**
 * One-word names of provinces and cities in the shipped gazetteer, lower-cased. Content terms keep them
 * as written: the stemmer knows no place names and makes common words of some (Kediri → "diri", Maluku →
 * "malu", Bekasi → "bekas", Bali → "bal"), so a story from Kediri shared a key with "bunuh diri".
 * Read from the gazetteer file here, not through entities.ts's Gazetteer: that module imports
 * hashing.ts, which needs this set (an import cycle).
 */
export const PLACE_WORDS: ReadonlySet<string> = (() => {
  const file = JSON.parse(fs.readFileSync(dataFile('gazetteer-id.json'), 'utf8')) as Record<
    string,
    { name?: string; aliases?: string[] }[] | string
  >;
  const words = new Set<string>();
  for (const kind of ['provinces', 'cities']) {
    const entries = file[kind];
    if (!Array.isArray(entries)) continue;
    for (const e of entries)
      for (const alias of [e.name ?? '', ...(e.aliases ?? [])]) {
        const word = alias.toLowerCase();
        if (/^[a-z]+$/.test(word)) words.add(word);
      }
  }
  return words;
})();

/**
 * The field separator a CSV file's header line uses: a comma, or — as spreadsheets set to Indonesian
 * (and other locales that write decimals with a comma) save "CSV" — a semicolon, or a tab.
 */
function delimiterOf(content: string): string {
  const header = content.slice(0, content.search(/\r?\n|$/));
  const count = (c: string) => header.split(c).length - 1;
  return [';', '\t'].find((c) => count(c) > count(',')) ?? ',';
}

/**
 * A CSV file's rows as records keyed by lower-cased header names. `required`: columns the file must
 * have; without one, a clear error names the columns it does have (a file with a "title" column and no
 * "text" one would otherwise be read as rows of empty texts, and scored without complaint).
 */
export function readCsvRecords(file: string, required: readonly string[] = []): Record<string, string>[] {
  const content = fs.readFileSync(file, 'utf8');
  let columns: string[] = [];
  const records = parse(content, {
    // Header names as written by hand or by a spreadsheet ("Text", " Label") name the same columns.
    columns: (header: string[]) => (columns = header.map((h) => h.trim().toLowerCase())),
    delimiter: delimiterOf(content.replace(/^\uFEFF/, '')),
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
    bom: true,
  }) as Record<string, string>[];
  const missing = required.filter((c) => !columns.includes(c));
  if (missing.length)
    throw new Error(
      `${file}: no ${missing.map((c) => `"${c}"`).join(' or ')} column (its header: ${columns.join(', ') || 'empty'})`,
    );
  return records;
}

// natural's stop-word lists are plain arrays; required directly to avoid loading natural's index.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const indonesianStopwords: string[] = require('natural/lib/natural/util/stopwords_id').words;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const englishStopwords: string[] = require('natural/lib/natural/util/stopwords').words;

/** Words that carry no topic: natural's Indonesian list plus particles of informal speech it lacks. */
export const STOPWORDS_ID: ReadonlySet<string> = new Set([
  ...indonesianStopwords,
  'sih',
  'dong',
  'deh',
  'kok',
  'nih',
  'tuh',
  'ya',
  'iya',
  'yah',
  'lah',
  'kan',
  'pun',
  'nya',
  'haha',
  'banget',
  'aja',
  'oke',
  'gitu',
  'gini',
  'wah',
  'aduh',
  'loh',
  'lho',
  'kah',
  'tah',
  'si',
  'sang',
  'para',
]);

export const STOPWORDS_EN: ReadonlySet<string> = new Set(englishStopwords);

const BEYOND_PRINTABLE_ASCII = /[^\t\n\r -~]/;

/** Printable ASCII needs no Unicode normalisation (NFKC), which is the common case and worth skipping. */
export function isPlainAscii(text: string): boolean {
  // Enrichment asks about the same post three times (enrich, normalize, find): the last answer is
  // kept, and comparing a string with itself is free.
  if (text === lastAsciiText) return lastAsciiAnswer;
  lastAsciiText = text;
  lastAsciiAnswer = !BEYOND_PRINTABLE_ASCII.test(text);
  return lastAsciiAnswer;
}
let lastAsciiText: string | undefined;
let lastAsciiAnswer = false;
