/** Gazetteer matching of Indonesian agencies, provinces and cities, so alerts can be routed. */
import * as fs from 'node:fs';
import { fnv1a } from './hashing';
import { dataFile, isPlainAscii } from './resources';

export type EntityKind = 'agency' | 'province' | 'city';

export interface EntityMention {
  kind: EntityKind;
  /** Stable id from the gazetteer (e.g. `komdigi`, `jatim`, `surabaya`). */
  id: string;
  name: string;
  /** The text as written in the post. */
  matched: string;
  /** A city's province id (e.g. `jatim` for Surabaya): alerts are routed by province as well as city. */
  province?: string;
  /** … and its name (Jawa Timur). */
  provinceName?: string;
}

interface GazetteerEntry {
  id: string;
  name: string;
  aliases: string[];
  province?: string;
}

interface GazetteerFile {
  agencies: GazetteerEntry[];
  provinces: GazetteerEntry[];
  cities: GazetteerEntry[];
  capitalizedOnly?: string[];
}

interface AliasTarget {
  kind: EntityKind;
  id: string;
  name: string;
  /** Acronyms and ordinary-word names must be written with capitals to count. */
  needs: 'upper' | 'capital' | 'any';
  province?: string;
  provinceName?: string;
}

const ALIAS_WORD = /[\p{L}\p{N}]+/gu;
const STRIP_BEFORE_MATCHING = /\b(?:https?:\/\/|www\.)\S+|@[\p{L}\p{N}_.]+/gu;
// The same for plain-ASCII text (most posts): V8 runs ASCII classes several times faster than \p{…}.
// Words of ASCII text are [A-Za-z0-9]+, found by findAscii's scan.
const STRIP_BEFORE_MATCHING_ASCII = /\b(?:https?:\/\/|www\.)\S+|@[A-Za-z0-9_.]+/g;

export class Gazetteer {
  private readonly aliases = new Map<string, AliasTarget[]>();
  /** First word of an alias → the most words an alias starting with it has; other words are skipped at once. */
  private readonly longestAliasFrom = new Map<string, number>();
  /** Bit set of the (top 16 bits of the) FNV-1a hashes of alias first words, for findAscii. */
  private readonly firstWordFilter = new Int32Array(1 << (32 - FILTER_SHIFT - 5));
  readonly entries: { kind: EntityKind; id: string; name: string; aliases: string[]; province?: string }[] =
    [];

  constructor(file: GazetteerFile) {
    const capitalizedOnly = new Set(file.capitalizedOnly ?? []);
    const provinceNames = new Map(file.provinces.map((p) => [p.id, p.name]));
    const addAll = (kind: EntityKind, list: GazetteerEntry[]): void => {
      for (const entry of list) {
        this.entries.push({ kind, ...entry });
        for (const alias of [entry.name, ...entry.aliases]) {
          const key = (alias.toLowerCase().match(ALIAS_WORD) ?? []).join(' ');
          if (!key) continue;
          const needs = key.length <= 3 ? 'upper' : capitalizedOnly.has(key) ? 'capital' : 'any';
          const aliasWords = key.split(' ');
          const first = aliasWords[0] as string;
          this.longestAliasFrom.set(
            first,
            Math.max(this.longestAliasFrom.get(first) ?? 0, aliasWords.length),
          );
          const targets = this.aliases.get(key) ?? [];
          if (!targets.some((t) => t.kind === kind && t.id === entry.id))
            targets.push({
              kind,
              id: entry.id,
              name: entry.name,
              needs,
              ...(entry.province
                ? {
                    province: entry.province,
                    provinceName: provinceNames.get(entry.province) ?? entry.province,
                  }
                : {}),
            });
          this.aliases.set(key, targets);
        }
      }
    };
    addAll('agency', file.agencies);
    addAll('province', file.provinces);
    addAll('city', file.cities);
    for (const first of this.longestAliasFrom.keys()) {
      const bit = fnv1a(first) >>> FILTER_SHIFT;
      this.firstWordFilter[bit >>> 5] = (this.firstWordFilter[bit >>> 5] as number) | (1 << (bit & 31));
    }
  }

  /** Every alias word, for splitting hashtags such as #SaveKPK or #PrayForPalu. */
  vocabulary(): string[] {
    const words = new Set<string>();
    for (const key of this.aliases.keys()) for (const w of key.split(' ')) if (w.length >= 2) words.add(w);
    return [...words];
  }

  /** False when none of the (lower-cased) words can start an alias: most posts, answered without a scan. */
  mightMention(lowerCaseWords: readonly string[]): boolean {
    for (const w of lowerCaseWords) if (this.longestAliasFrom.has(w)) return true;
    return false;
  }

  /** Longest non-overlapping alias matches, in text order, one mention per entity. */
  /** `nfkc`: the caller has already applied NFKC (enrich does), which need not be done twice. */
  find(text: string, nfkc = false): EntityMention[] {
    const ascii = isPlainAscii(text);
    const folded = ascii || nfkc ? text : text.normalize('NFKC');
    const stripped = /https?:|www\.|@/.test(folded)
      ? folded.replace(ascii ? STRIP_BEFORE_MATCHING_ASCII : STRIP_BEFORE_MATCHING, ' ')
      : folded;
    return this.findInWords(stripped);
  }

  /**
   * The words of the text are its maximal runs of letters and digits (ALIAS_WORD), found without a
   * regex or a string per word: one scan records where each word starts and ends and hashes the
   * plain-ASCII ones lower-cased on the way. A word is looked up only when its hash is among the alias
   * first words' hashes (or it has non-ASCII letters, whose lower-casing the scan does not attempt): the
   * filter only ever passes words it cannot rule out, so results are those of a lookup per word.
   */
  private findInWords(text: string): EntityMention[] {
    const length = text.length;
    let count = 0;
    for (let i = 0; i < length;) {
      let step = wordCharLength(text, i);
      if (step === 0) {
        // (Into the second half of a surrogate pair too: a lone low surrogate is no letter.)
        i++;
        continue;
      }
      const start = i;
      let h = FNV_OFFSET;
      let plain = true;
      do {
        const c = text.charCodeAt(i);
        if (step === 1 && c < 128) {
          // The FNV-1a of the lower-cased word, as fnv1a() computes it for the alias words.
          h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), FNV_PRIME);
        } else plain = false;
        i += step;
        step = i < length ? wordCharLength(text, i) : 0;
      } while (step > 0);
      if (count === wordStarts.length) {
        wordStarts = growInt32(wordStarts);
        wordEnds = growInt32(wordEnds);
        wordHashes = growInt32(wordHashes);
        wordPlain = growUint8(wordPlain);
      }
      wordStarts[count] = start;
      wordEnds[count] = i;
      wordHashes[count] = h;
      wordPlain[count] = plain ? 1 : 0;
      count++;
    }
    if (count === 0) return [];
    const starts = wordStarts;
    const ends = wordEnds;
    const hashes = wordHashes;
    const plainWords = wordPlain;
    const firstWords = this.firstWordFilter;
    // Inline callbacks, not named consts: under tsx (keepNames) a named closure costs a defineProperty
    // each time it is made, and this runs for every post.
    return this.matchWords(
      count,
      (j) => text.slice(starts[j], ends[j]),
      (j) => text.slice(starts[j], ends[j]).toLowerCase(),
      (j) => {
        if (plainWords[j] === 0) return true;
        const bit = (hashes[j] as number) >>> FILTER_SHIFT;
        return ((firstWords[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
      },
    );
  }

  /**
   * The matching itself, over `count` words given by position: as written, lower-cased, and an optional
   * cheap test that rules a word out as the start of an alias before any lookup.
   */
  private matchWords(
    count: number,
    wordAt: (j: number) => string,
    lowerAt: (j: number) => string,
    mayStartAlias: ((j: number) => boolean) | undefined,
  ): EntityMention[] {
    const mentions: EntityMention[] = [];
    let seen: Set<string> | undefined;
    for (let i = 0; i < count;) {
      if (mayStartAlias && !mayStartAlias(i)) {
        i++;
        continue;
      }
      const longest = this.longestAliasFrom.get(lowerAt(i));
      if (longest === undefined) {
        i++;
        continue;
      }
      let matchedLength = 0;
      for (let n = Math.min(longest, count - i); n >= 1 && matchedLength === 0; n--) {
        let key = lowerAt(i);
        for (let j = 1; j < n; j++) key += ' ' + lowerAt(i + j);
        const targets = this.aliases.get(key);
        if (!targets) continue;
        let written = wordAt(i);
        for (let j = 1; j < n; j++) written += ' ' + wordAt(i + j);
        for (const target of targets) {
          if (!isWrittenAsRequired(written, target.needs)) continue;
          matchedLength = n;
          const id = target.kind + ':' + target.id;
          if (!(seen ??= new Set()).has(id)) {
            seen.add(id);
            mentions.push({
              kind: target.kind,
              id: target.id,
              name: target.name,
              matched: written,
              ...(target.province ? { province: target.province, provinceName: target.provinceName } : {}),
            });
          }
        }
      }
      i += Math.max(matchedLength, 1);
    }
    return mentions;
  }
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** The first-word filter: a 2^16-bit set indexed by the top 16 bits of a word's FNV-1a hash. */
const FILTER_SHIFT = 16;
let wordStarts: Int32Array = new Int32Array(256);
let wordEnds: Int32Array = new Int32Array(256);
let wordHashes: Int32Array = new Int32Array(256);
let wordPlain: Uint8Array = new Uint8Array(256);

function growInt32(array: Int32Array): Int32Array {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

function growUint8(array: Uint8Array): Uint8Array {
  const grown = new Uint8Array(array.length * 2);
  grown.set(array);
  return grown;
}

const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;
/** Non-ASCII code point → whether it is a letter or number (\p{L}, \p{N}); posts reuse few of them. */
const letterOrNumberCache = new Map<number, boolean>();

/**
 * Code units of the letter or digit (ALIAS_WORD's [\p{L}\p{N}], by code point) at text[i]: 1, 2 for a
 * surrogate pair, 0 when it is neither.
 */
function wordCharLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ? 1 : 0;
  let codePoint = c;
  let units = 1;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) {
      codePoint = (c - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
      units = 2;
    }
  }
  let isWordChar = letterOrNumberCache.get(codePoint);
  if (isWordChar === undefined) {
    isWordChar = LETTER_OR_NUMBER.test(String.fromCodePoint(codePoint));
    if (letterOrNumberCache.size < 10_000) letterOrNumberCache.set(codePoint, isWordChar);
  }
  return isWordChar ? units : 0;
}

function isWrittenAsRequired(written: string, needs: AliasTarget['needs']): boolean {
  if (needs === 'upper') return written === written.toUpperCase();
  if (needs === 'capital') return /^\p{Lu}/u.test(written);
  return true;
}

export const DEFAULT_GAZETTEER_FILE = dataFile('gazetteer-id.json');

let defaultGazetteer: Gazetteer | undefined;

export function getDefaultGazetteer(): Gazetteer {
  defaultGazetteer ??= new Gazetteer(
    JSON.parse(fs.readFileSync(DEFAULT_GAZETTEER_FILE, 'utf8')) as GazetteerFile,
  );
  return defaultGazetteer;
}

export function findEntities(text: string): EntityMention[] {
  return getDefaultGazetteer().find(text);
}
