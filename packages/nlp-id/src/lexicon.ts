/** Slang/alay → formal Indonesian lexicon: the project's own list plus optional extra CSV files. */
import { dataFile, readCsvRecords } from './resources';

export class SlangLexicon {
  private readonly entries = new Map<string, string[]>();
  /** Keys of two words ("kasih tau"), looked up on token pairs before single tokens. */
  private readonly pairKeys = new Set<string>();
  /** First words of pair keys: most words start no pair, and are rejected without building a string. */
  private readonly pairFirstWords = new Set<string>();
  /** Every word that appears on the formal side: those are known, correct words. */
  readonly formalWords = new Set<string>();

  /** Later entries win, so an extra file can correct a shipped entry. */
  add(slang: string, formal: string): void {
    const key = slang.trim().toLowerCase();
    const value = formal.trim().toLowerCase();
    if (!key || !value) return;
    const words = value.split(/\s+/);
    this.entries.set(key, words);
    if (key.includes(' ')) {
      this.pairKeys.add(key);
      this.pairFirstWords.add(key.split(' ')[0] as string);
    }
    for (const w of words) this.formalWords.add(w);
  }

  /** Loads a CSV with columns `slang,formal` (extra columns are ignored). */
  loadCsv(file: string): number {
    let added = 0;
    for (const record of readCsvRecords(file)) {
      const slang = record.slang ?? '';
      const formal = record.formal ?? '';
      if (slang && formal) {
        this.add(slang, formal);
        added++;
      }
    }
    return added;
  }

  lookup(word: string): string[] | undefined {
    return this.entries.get(word);
  }

  /** Whether some two-word entry starts with this word. */
  startsPair(word: string): boolean {
    return this.pairFirstWords.has(word);
  }

  hasPair(first: string, second: string): boolean {
    return this.pairFirstWords.has(first) && this.pairKeys.has(first + ' ' + second);
  }

  has(word: string): boolean {
    return this.entries.has(word);
  }

  get size(): number {
    return this.entries.size;
  }
}

export const DEFAULT_SLANG_FILE = dataFile('slang-id.csv');

export function loadSlangLexicon(extraFiles: readonly string[] = []): SlangLexicon {
  const lexicon = new SlangLexicon();
  lexicon.loadCsv(DEFAULT_SLANG_FILE);
  for (const file of extraFiles) lexicon.loadCsv(file);
  return lexicon;
}
