/**
 * Normalisation of informal Indonesian posts: Unicode/case folding, feature extraction (URLs, mentions,
 * hashtags, emoji, numbers), hashtag splitting, elongation and reduplication repair, letter/number
 * swaps and the slang lexicon.
 */
import { SlangLexicon, loadSlangLexicon } from './lexicon';
import { STOPWORDS_ID, isPlainAscii } from './resources';
import { LruCache, isRootWord, stem } from './stem';
import { getDefaultGazetteer } from './entities';
import { TokenHashes, tokenHashes } from './hashing';
import { languageVote, uncachedLanguageVote } from './langid';
import { WordTable } from './word-table';

/**
 * A written word's normalised words and their hashes, and its language vote, cached together: one
 * lookup per word.
 */
interface WordEntry {
  tokens: string[];
  hashes: TokenHashes[];
  vote: number;
  /** Some two-word lexicon entry starts with this word (most words: no pair lookup needed). */
  startsPair: boolean;
}

export interface NormalizedText {
  /** Normalised words joined by single spaces; hashtags appear as their split words. */
  text: string;
  tokens: string[];
  /** tokenHashes() of each token (word/stem hashes, content term), parallel to tokens. */
  hashes: TokenHashes[];
  /** Lower-cased, without '#'. */
  hashtags: string[];
  /** Lower-cased, without '@'. */
  mentions: string[];
  urls: string[];
  /** Host names without a leading "www.". */
  domains: string[];
  emojis: string[];
  numbers: string[];
  /** The words as written (lower-cased, before slang resolution), for language identification. */
  rawWords: string[];
  /** languageVote() of each raw word, parallel to rawWords (for scoreLanguageOfVotes). */
  rawVotes: number[];
}

const URL_PATTERN =
  /\b(?:https?:\/\/|www\.)[^\s<>"']+|\b(?:[a-z0-9-]+\.)+(?:com|id|net|org|info|xyz|ly|co|me|io|tv|news|site|online|link)(?:\/[^\s<>"']*)?/giu;
/** A cheap scan that rules out URLs in most posts before the full (costly) URL pattern runs. */
const MIGHT_HAVE_URL = /:\/\/|www\.|\.(?:com|id|net|org|info|xyz|ly|co|me|io|tv|news|site|online|link)\b/i;
const MENTION_PATTERN = /(?<![\p{L}\p{N}_])@([\p{L}\p{N}_](?:[\p{L}\p{N}_.]*[\p{L}\p{N}_])?)/gu;
const HASHTAG_PATTERN = /(?<![\p{L}\p{N}_&])#([\p{L}\p{N}_]+)/gu;
// The same patterns for plain-ASCII text (most posts), where \p{L} is [A-Za-z] and \p{N} is [0-9]:
// V8 runs these several times faster than the Unicode-property classes.
// (Mentions in ASCII text are found by replaceMentionsAscii, which does what this pattern would.)
export const MENTION_PATTERN_ASCII = /(?<![A-Za-z0-9_])@([A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?)/g;
const HASHTAG_PATTERN_ASCII = /(?<![A-Za-z0-9_&])#([A-Za-z0-9_]+)/g;
const EMOJI_PATTERN =
  /\p{Regional_Indicator}{2}|\p{Extended_Pictographic}(?:\uFE0F?\u200D\p{Extended_Pictographic})*/gu;
const WORD_PATTERN = /\d+(?:[.,]\d+)+|[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;
/** WORD_PATTERN for lower-cased plain-ASCII text. */
// (Lower-cased ASCII text is split by asciiWords, which does what this pattern would.)
export const WORD_PATTERN_ASCII = /\d+(?:[.,]\d+)+|[a-z0-9]+(?:['-][a-z0-9]+)*/g;
const NUMBER_PATTERN = /^\d+(?:[.,]\d+)*$/;
const LAUGHTER_PATTERN =
  /^(?:(?:wk)+w?|(?:kw)+k?|(?:ha){2,}h?|(?:he){2,}h?|(?:hi){2,}h?|(?:xi){2,}|a?wokwok\w*)$/;
/** Writers swap letters for digits that look alike: s4y4, b3n3r, t3rim4 k4sih. */
const DIGIT_AS_LETTER: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '6': 'g',
  '7': 't',
  '8': 'b',
  '9': 'g',
};
/** Single English words that show up in Indonesian hashtags (#SaveKPK, #PrayForPalu). */
const HASHTAG_ENGLISH = [
  'save',
  'pray',
  'for',
  'stop',
  'no',
  'yes',
  'we',
  'love',
  'support',
  'stand',
  'with',
  'not',
  'fake',
  'news',
  'real',
  'free',
  'go',
  'new',
  'day',
  'the',
];

/** Places and directions that di/ke/dari are often glued to (dirumah, kesini); as verbs' prefixes they are not. */
const PLACE_WORDS = new Set(
  (
    'sini sana situ mana atas bawah dalam luar depan belakang samping sebelah tengah pinggir sekitar antara rumah kantor ' +
    'sekolah kampus pasar jalan kota desa kampung toko warung masjid gereja saat mall bandara stasiun terminal ' +
    'puskesmas apotek bank'
  ).split(' '),
);

const NORMALIZED_WORD_CACHE_CAPACITY = 50_000;
/** Longer lower-case hashtags are left whole: segmentation is quadratic in their length. */
const MAX_SEGMENTED_HASHTAG_LENGTH = 40;

export class Normalizer {
  private readonly wordCache = new LruCache<WordEntry>(NORMALIZED_WORD_CACHE_CAPACITY);
  private readonly hashtagCache = new LruCache<string>(NORMALIZED_WORD_CACHE_CAPACITY);
  private readonly hashtagVocabulary: Set<string>;
  private readonly wordTable = new WordTable<WordEntry>();

  /** extraVocabulary: names and acronyms (agencies, places) that hashtags are made of: #SaveKPK. */
  constructor(
    readonly lexicon: SlangLexicon,
    extraVocabulary: Iterable<string> = [],
  ) {
    this.hashtagVocabulary = new Set([
      ...lexicon.formalWords,
      ...STOPWORDS_ID,
      ...HASHTAG_ENGLISH,
      ...extraVocabulary,
    ]);
  }

  /** A correct word: a root, a stop word, a formal lexicon word, or an affixed form of a known root. */
  isKnownWord(word: string): boolean {
    if (this.lexicon.formalWords.has(word) || STOPWORDS_ID.has(word) || isRootWord(word)) return true;
    return word.length > 4 && stem(word) !== word;
  }

  /** `nfkc`: the caller has already applied NFKC (enrich does), which need not be done twice. */
  normalize(input: string, nfkc = false): NormalizedText {
    // Each extraction pass runs only when its marker character is present: most posts have no URL,
    // many no mention, and the regexes are the costliest part of normalisation.
    const ascii = isPlainAscii(input);
    let text = ascii || nfkc ? input : input.normalize('NFKC');
    const urls: string[] = [];
    const domains: string[] = [];
    if (MIGHT_HAVE_URL.test(text))
      text = text.replace(URL_PATTERN, (url) => {
        const cleaned = url.replace(/[.,;:!?)\]]+$/, '');
        urls.push(cleaned);
        const domain = hostOf(cleaned);
        if (domain && !domains.includes(domain)) domains.push(domain);
        return ' ';
      });
    const mentions: string[] = [];
    if (text.includes('@'))
      text = ascii
        ? replaceMentionsAscii(text, mentions)
        : text.replace(MENTION_PATTERN, (_m, handle: string) => {
            mentions.push(handle.toLowerCase());
            return ' ';
          });
    const hashtags: string[] = [];
    if (text.includes('#'))
      text = text.replace(ascii ? HASHTAG_PATTERN_ASCII : HASHTAG_PATTERN, (_m, tag: string) => {
        hashtags.push(tag.toLowerCase());
        return ' ' + this.splitHashtagCached(tag) + ' ';
      });
    const emojis: string[] = [];
    if (!ascii)
      text = text.replace(EMOJI_PATTERN, (emoji) => {
        emojis.push(emoji);
        return ' ';
      });
    // Replacements above insert only ASCII, so an ASCII input stays ASCII.
    const knownEntries: (WordEntry | undefined)[] = [];
    const rawWords = ascii
      ? this.asciiWordEntries(text.toLowerCase(), knownEntries)
      : (text.toLowerCase().match(WORD_PATTERN) ?? []);
    // Emptied of URLs, mentions and emoji above; hashtags contribute their split words.
    const tokens: string[] = [];
    const hashes: TokenHashes[] = [];
    const numbers: string[] = [];
    const rawVotes = new Array<number>(rawWords.length);
    for (let i = 0; i < rawWords.length; i++) {
      const written = rawWords[i] as string;
      const word = !ascii && written.includes('’') ? written.replace(/’/g, "'") : written;
      const first = word.charCodeAt(0);
      if (first >= 48 && first <= 57 && NUMBER_PATTERN.test(word)) {
        rawVotes[i] = languageVote(written);
        numbers.push(word);
        tokens.push(word);
        hashes.push(tokenHashes(word));
        continue;
      }
      const entry = knownEntries[i] ?? this.wordEntry(word);
      const next = rawWords[i + 1];
      if (entry.startsPair && next !== undefined && this.lexicon.hasPair(word, next)) {
        rawVotes[i] = languageVote(written);
        rawVotes[i + 1] = languageVote(next);
        const formal = this.lexicon.lookup(word + ' ' + next) ?? [];
        for (const w of formal) {
          tokens.push(w);
          hashes.push(tokenHashes(w));
        }
        i++;
        continue;
      }
      // The entry's vote is the word's with ' (votes see ’ as not Latin, as languageVote does).
      rawVotes[i] = written === word ? entry.vote : languageVote(written);
      for (let k = 0; k < entry.tokens.length; k++) {
        tokens.push(entry.tokens[k] as string);
        hashes.push(entry.hashes[k] as TokenHashes);
      }
    }
    return {
      text: tokens.join(' '),
      tokens,
      hashes,
      hashtags,
      mentions,
      urls,
      domains,
      emojis,
      numbers,
      rawWords,
      rawVotes,
    };
  }

  /**
   * asciiWords(text) (lower-cased ASCII), with each word's entry in `entries` (undefined for a word
   * that starts with a digit: the caller checks numbers first). Words seen before come from the
   * word table: neither sliced out nor hashed by a Map again.
   */
  private asciiWordEntries(text: string, entries: (WordEntry | undefined)[]): string[] {
    const words: string[] = [];
    const table = this.wordTable;
    for (let i = 0; i < text.length;) {
      const c = text.charCodeAt(i);
      if (!isLowerAlphanumericCode(c)) {
        i++;
        continue;
      }
      const start = i;
      const end = (i = asciiWordEnd(text, start));
      if (isDigitCode(c)) {
        words.push(text.slice(start, end));
        entries.push(undefined);
        continue;
      }
      const hash = WordTable.hash(text, start, end);
      const found = table.find(text, start, end, hash);
      if (found >= 0) {
        words.push(table.word(found));
        entries.push(table.value(found));
        continue;
      }
      const word = text.slice(start, end);
      const entry = this.wordEntry(word);
      table.add(word, hash, entry);
      words.push(word);
      entries.push(entry);
    }
    return words;
  }

  /** One lower-cased word → one or more normalised words (a slang entry may expand: "gpp"). */
  normalizeWord(word: string): string[] {
    return this.wordEntry(word).tokens;
  }

  private wordEntry(word: string): WordEntry {
    const cached = this.wordCache.get(word);
    if (cached) return cached;
    const tokens = this.normalizeWordUncached(word);
    const entry = {
      tokens,
      hashes: tokens.map(tokenHashes),
      vote: uncachedLanguageVote(word),
      startsPair: this.lexicon.startsPair(word),
    };
    this.wordCache.set(word, entry);
    return entry;
  }

  private normalizeWordUncached(word: string): string[] {
    const direct = this.lexicon.lookup(word);
    if (direct) return direct;
    if (LAUGHTER_PATTERN.test(word)) return ['haha'];
    // Checked before the known-word test: the stemmer would accept "dirumah" as di- + rumah.
    const preposition = /^(di|ke|dari)([a-z]{3,})$/.exec(word);
    if (preposition?.[2] && PLACE_WORDS.has(preposition[2]))
      return [preposition[1] as string, preposition[2]];
    // anak2 / anak22 / org2nya: the digit 2 marks reduplication.
    const reduplicated = /^([a-z]{2,})2+(nya|an|kan|lah)?$/.exec(word);
    if (reduplicated?.[1]) {
      const base = this.normalizeWord(reduplicated[1]).join(' ');
      return [base + '-' + base + (reduplicated[2] ?? '')];
    }
    // 26c → 26 c, 100gb → 100 gb; network generations (4g, 5g) are names and stay whole.
    const numberWithUnit = /^(\d+)([a-z]{1,4})$/.exec(word);
    if (numberWithUnit && !/^[2-6]g$/.test(word))
      return [numberWithUnit[1] as string, numberWithUnit[2] as string];
    if (/\d/.test(word) && /[a-z]/.test(word)) {
      // Swaps are the exception among letters (s4y4, b3n3r); codes such as covid19 or a1b2c3d stay as written.
      if (word.replace(/[^0-9]/g, '').length > word.length / 2) return [word];
      const swapped = word.replace(/[0-9]/g, (d) => DIGIT_AS_LETTER[d] ?? d);
      if (this.lexicon.has(swapped) || this.isKnownWord(swapped)) return this.normalizeWord(swapped);
      return [word];
    }
    if (this.isKnownWord(word)) return [word];
    const repaired = this.repairElongation(word);
    if (repaired !== word) return this.normalizeWord(repaired);
    // Jakarta/Javanese vowel in the last syllable: seneng → senang, males → malas.
    const finalA = word.replace(/e([^aeiou]+)$/, 'a$1');
    if (finalA !== word && this.isKnownWord(finalA)) return [finalA];
    const formalVerb = this.formalizeColloquialVerb(word);
    if (formalVerb) return [formalVerb];
    return [word];
  }

  /**
   * Jakarta-style verbs: nge-/ng-/ny- for the formal meN- prefix and -in for -kan/-i
   * (ngelacak → melacak, nyariin → mencarikan, ngebantuin → membantukan).
   */
  private formalizeColloquialVerb(word: string): string | undefined {
    // pikirin → pikirkan
    if (word.endsWith('in') && word.length > 5 && isRootWord(word.slice(0, -2)))
      return word.slice(0, -2) + 'kan';
    // milih → memilih, nulis → menulis: the nasal replaced the first consonant and the me- fell away.
    const dropped = /^([mn])([aiueo][a-z]{2,})$/.exec(word);
    if (dropped?.[2]) {
      const root = (dropped[1] === 'm' ? 'p' : 't') + dropped[2];
      if (isRootWord(root)) return withMeN(root);
    }
    const m = /^(nge|ng|ny)([a-z]{3,}?)(in)?$/.exec(word);
    if (!m) return undefined;
    const [, prefix, body = '', suffixIn] = m;
    // Colloquial ny- nasalises c as well as s (nyari, nyuci); c first, as both suci and cuci are roots.
    const candidates =
      prefix === 'ny' ? ['c' + body, 's' + body] : prefix === 'ng' ? [body, 'k' + body] : [body];
    for (const root of candidates) {
      if (!isRootWord(root)) continue;
      return withMeN(root) + (suffixIn ? 'kan' : '');
    }
    return undefined;
  }

  /**
   * bangeeet → banget, mantuuul → mantul → mantap, sayanggg → sayang. Runs of 3+ letters are never
   * Indonesian; doubled letters rarely are (maaf, saat, taat), so a double is only collapsed when the
   * result is a known word.
   */
  private repairElongation(word: string): string {
    if (/(.)\1\1/.test(word)) {
      const single = word.replace(/(.)\1+/g, '$1');
      const double = word.replace(/(.)\1{2,}/g, '$1$1');
      if (this.isKnownWord(double) || this.lexicon.has(double)) return double;
      return single;
    }
    if (/(.)\1/.test(word)) {
      const single = word.replace(/(.)\1+/g, '$1');
      if (single !== word && (this.isKnownWord(single) || this.lexicon.has(single))) return single;
    }
    return word;
  }

  /** splitHashtag's words joined by spaces, cached per tag as written (campaign tags repeat all day). */
  private splitHashtagCached(tag: string): string {
    const cached = this.hashtagCache.get(tag);
    if (cached !== undefined) return cached;
    const words = this.splitHashtag(tag).join(' ');
    this.hashtagCache.set(tag, words);
    return words;
  }

  /** #TolakHoaks → [tolak, hoaks]; #kawalpemilu → [kawal, pemilu]; #2024GantiPresiden → [2024, ganti, presiden]. */
  splitHashtag(tag: string): string[] {
    const camelParts = tag
      .replace(/_/g, ' ')
      .replace(/([\p{Ll}])([\p{Lu}])/gu, '$1 $2')
      .replace(/([\p{Lu}]+)([\p{Lu}][\p{Ll}])/gu, '$1 $2')
      .replace(/(\p{L})(\p{N})/gu, '$1 $2')
      .replace(/(\p{N})(\p{L})/gu, '$1 $2')
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean);
    const words: string[] = [];
    for (const part of camelParts) {
      if (
        part.length < 6 ||
        part.length > MAX_SEGMENTED_HASHTAG_LENGTH ||
        !/^[a-z]+$/.test(part) ||
        this.isKnownWord(part) ||
        this.lexicon.has(part)
      ) {
        words.push(part);
        continue;
      }
      words.push(...(this.segment(part) ?? [part]));
    }
    return words;
  }

  private isHashtagPiece(piece: string): boolean {
    if (piece.length < 2) return false;
    if (this.hashtagVocabulary.has(piece) || isRootWord(piece) || this.lexicon.has(piece)) return true;
    return piece.length >= 5 && isAffixedRoot(piece);
  }

  /** Fewest-pieces segmentation of a lower-case hashtag into known words; undefined when none exists. */
  private segment(text: string): string[] | undefined {
    const n = text.length;
    const best: (string[] | undefined)[] = new Array(n + 1);
    best[0] = [];
    for (let end = 1; end <= n; end++) {
      for (let start = 0; start < end; start++) {
        const prefix = best[start];
        if (!prefix) continue;
        const piece = text.slice(start, end);
        if (!this.isHashtagPiece(piece)) continue;
        const candidate = [...prefix, piece];
        const current = best[end];
        if (!current || candidate.length < current.length) best[end] = candidate;
      }
    }
    const result = best[n];
    return result?.map((piece) => this.lexicon.lookup(piece)?.join(' ') ?? piece);
  }
}

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;
const isLowerAlphanumericCode = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/**
 * text.match(WORD_PATTERN_ASCII) for lower-cased ASCII text, by a scan (the word regex was the largest
 * single cost of normalising a post): a number with separators (1.000, 2,5) where one starts, else a
 * run of letters/digits joined by single ' or - (anak-anak, don't).
 */
export function asciiWords(text: string): string[] {
  const words: string[] = [];
  for (let i = 0; i < text.length;) {
    if (!isLowerAlphanumericCode(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const end = asciiWordEnd(text, i);
    words.push(text.slice(i, end));
    i = end;
  }
  return words;
}

/** Where the asciiWords word that starts at `start` (a lower-case letter or a digit) ends. */
function asciiWordEnd(text: string, start: number): number {
  if (isDigitCode(text.charCodeAt(start))) {
    // \d+(?:[.,]\d+)+ — taken when at least one separator is followed by a digit.
    let end = start + 1;
    while (isDigitCode(text.charCodeAt(end))) end++;
    let numberEnd = -1;
    for (;;) {
      const separator = text.charCodeAt(end);
      if ((separator !== 46 && separator !== 44) || !isDigitCode(text.charCodeAt(end + 1))) break;
      end += 2;
      while (isDigitCode(text.charCodeAt(end))) end++;
      numberEnd = end;
    }
    if (numberEnd !== -1) return numberEnd;
  }
  // [a-z0-9]+(?:['-][a-z0-9]+)*
  let end = start + 1;
  for (;;) {
    while (isLowerAlphanumericCode(text.charCodeAt(end))) end++;
    const joiner = text.charCodeAt(end);
    if ((joiner !== 39 && joiner !== 45) || !isLowerAlphanumericCode(text.charCodeAt(end + 1))) break;
    end += 2;
  }
  return end;
}

/** [A-Za-z0-9_] */
function isAsciiWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * text.replace(MENTION_PATTERN_ASCII, ' ') collecting the lower-cased handles, without a regex and a
 * callback per post (most posts carry a mention): an @ not preceded by a word character, then the
 * longest run of word characters and dots that starts and ends with a word character.
 */
export function replaceMentionsAscii(text: string, mentions: string[]): string {
  let out = '';
  let copied = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    if ((at > 0 && isAsciiWordCode(text.charCodeAt(at - 1))) || !isAsciiWordCode(text.charCodeAt(at + 1)))
      continue;
    let end = at + 2;
    while (isAsciiWordCode(text.charCodeAt(end)) || text.charCodeAt(end) === 46) end++;
    while (text.charCodeAt(end - 1) === 46) end--;
    mentions.push(text.slice(at + 1, end).toLowerCase());
    out += text.slice(copied, at) + ' ';
    copied = end;
    at = end - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * A root with one common prefix and/or suffix (terserah, bersatu, kebakaran). Set lookups only: the
 * segmenter tries every substring of a hashtag, far too many for the full stemmer.
 */
function isAffixedRoot(word: string): boolean {
  for (const prefix of AFFIX_PREFIXES) {
    if (prefix !== '' && !word.startsWith(prefix)) continue;
    const rest = word.slice(prefix.length);
    for (const suffix of AFFIX_SUFFIXES) {
      if (suffix !== '' && !rest.endsWith(suffix)) continue;
      const root = rest.slice(0, rest.length - suffix.length);
      if (root.length >= 3 && root !== word && isRootWord(root)) return true;
    }
  }
  return false;
}

const AFFIX_PREFIXES = [
  '',
  'di',
  'ke',
  'se',
  'ter',
  'ber',
  'be',
  'per',
  'pe',
  'me',
  'mem',
  'men',
  'meng',
  'meny',
  'pem',
  'pen',
  'peng',
];
const AFFIX_SUFFIXES = ['', 'kan', 'an', 'i', 'nya', 'lah'];

/** The formal meN- prefix with its nasal assimilation: lacak → melacak, bantu → membantu, sapu → menyapu, cat → mengecat. */
export function withMeN(root: string): string {
  if (root.length <= 3) return 'menge' + root;
  const first = root.charAt(0);
  if ('lmnrwy'.includes(first)) return 'me' + root;
  if ('bfv'.includes(first)) return 'mem' + root;
  if (first === 'p') return 'mem' + root.slice(1);
  if ('dcjz'.includes(first)) return 'men' + root;
  if (first === 't') return 'men' + root.slice(1);
  if (first === 's') return 'meny' + root.slice(1);
  if (first === 'k') return 'meng' + root.slice(1);
  return 'meng' + root;
}

function hostOf(url: string): string | undefined {
  const withScheme = /^[a-z]+:\/\//i.test(url) ? url : 'http://' + url;
  try {
    return new URL(withScheme).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return undefined;
  }
}

let defaultNormalizer: Normalizer | undefined;

/** The normaliser with the shipped lexicon only. */
export function getDefaultNormalizer(): Normalizer {
  defaultNormalizer ??= new Normalizer(loadSlangLexicon(), getDefaultGazetteer().vocabulary());
  return defaultNormalizer;
}

export function createNormalizer(extraLexiconFiles: readonly string[] = []): Normalizer {
  return extraLexiconFiles.length === 0
    ? getDefaultNormalizer()
    : new Normalizer(loadSlangLexicon(extraLexiconFiles), getDefaultGazetteer().vocabulary());
}

export function normalize(text: string): NormalizedText {
  return getDefaultNormalizer().normalize(text);
}
