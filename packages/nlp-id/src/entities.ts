/** Gazetteer matching of Indonesian agencies, provinces and cities, so alerts can be routed. */
import * as fs from 'node:fs';
import { dataFile, isPlainAscii } from './resources';

export type EntityKind = 'agency' | 'province' | 'city';

export interface EntityMention {
  kind: EntityKind;
  /** Stable id from the gazetteer (e.g. `komdigi`, `jatim`, `surabaya`). */
  id: string;
  name: string;
  /** The text as written in the post. */
  matched: string;
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
}

const ALIAS_WORD = /[\p{L}\p{N}]+/gu;
const STRIP_BEFORE_MATCHING = /\b(?:https?:\/\/|www\.)\S+|@[\p{L}\p{N}_.]+/gu;
// The same for plain-ASCII text (most posts): V8 runs ASCII classes several times faster than \p{…}.
const ALIAS_WORD_ASCII = /[A-Za-z0-9]+/g;
const STRIP_BEFORE_MATCHING_ASCII = /\b(?:https?:\/\/|www\.)\S+|@[A-Za-z0-9_.]+/g;

export class Gazetteer {
  private readonly aliases = new Map<string, AliasTarget[]>();
  /** First word of an alias → the most words an alias starting with it has; other words are skipped at once. */
  private readonly longestAliasFrom = new Map<string, number>();
  readonly entries: { kind: EntityKind; id: string; name: string; aliases: string[]; province?: string }[] =
    [];

  constructor(file: GazetteerFile) {
    const capitalizedOnly = new Set(file.capitalizedOnly ?? []);
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
            targets.push({ kind, id: entry.id, name: entry.name, needs });
          this.aliases.set(key, targets);
        }
      }
    };
    addAll('agency', file.agencies);
    addAll('province', file.provinces);
    addAll('city', file.cities);
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
  find(text: string): EntityMention[] {
    const ascii = isPlainAscii(text);
    const folded = ascii ? text : text.normalize('NFKC');
    const stripped = /https?:|www\.|@/.test(folded)
      ? folded.replace(ascii ? STRIP_BEFORE_MATCHING_ASCII : STRIP_BEFORE_MATCHING, ' ')
      : folded;
    const words = stripped.match(ascii ? ALIAS_WORD_ASCII : ALIAS_WORD);
    const mentions: EntityMention[] = [];
    if (!words) return mentions;
    // Lower-cased lazily: most words start no alias and are looked up once.
    const lower: (string | undefined)[] = new Array(words.length);
    const lowerAt = (j: number): string => (lower[j] ??= (words[j] as string).toLowerCase());
    let seen: Set<string> | undefined;
    for (let i = 0; i < words.length;) {
      const longest = this.longestAliasFrom.get(lowerAt(i));
      if (longest === undefined) {
        i++;
        continue;
      }
      let matchedLength = 0;
      for (let n = Math.min(longest, words.length - i); n >= 1 && matchedLength === 0; n--) {
        let key = lowerAt(i);
        for (let j = 1; j < n; j++) key += ' ' + lowerAt(i + j);
        const targets = this.aliases.get(key);
        if (!targets) continue;
        const written = n === 1 ? (words[i] as string) : words.slice(i, i + n).join(' ');
        for (const target of targets) {
          if (!isWrittenAsRequired(written, target.needs)) continue;
          matchedLength = n;
          const id = target.kind + ':' + target.id;
          if (!(seen ??= new Set()).has(id)) {
            seen.add(id);
            mentions.push({ kind: target.kind, id: target.id, name: target.name, matched: written });
          }
        }
      }
      i += Math.max(matchedLength, 1);
    }
    return mentions;
  }
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
