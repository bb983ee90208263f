/**
 * Cheap language identification for every post: counts Indonesian and English function words and
 * affix shapes among the words. No model to load; one pass over the words.
 */
import { LruCache, isRootWord } from './stem';

export type Lang = 'id' | 'en' | 'mixed' | 'other';

/** Frequent words that are clearly one language (words shared by both, such as "di" or "an", are left out). */
const INDONESIAN_MARKERS = new Set(
  (
    'yang dan di ke dari ini itu tidak dengan untuk ada saya kamu akan juga sudah bisa karena pada adalah dalam kita ' +
    'mereka atau jadi kalau tapi tetapi banget aja saja gak ga nggak enggak tdk yg dgn utk udah udh sdh belum blm ' +
    'sangat lebih masih hanya sama oleh bahwa agar supaya jika seperti kayak kok sih dong deh nih tuh lagi lg ' +
    'apa siapa kenapa mengapa bagaimana gimana kapan mana berapa harus mau ingin bukan jangan kami anda dia ' +
    'orang baru sekarang hari tahun buat bikin kata katanya terus trus gue gw lu lo aku kalian semua banyak ' +
    'sedang telah pernah setelah sebelum karna krn jg tp bgt kalo klo aja dah nya pun lah kan ya iya'
  ).split(' '),
);
const ENGLISH_MARKERS = new Set(
  (
    'the and is are was were be been of to in that it for you this with on not have has had i my we they what ' +
    'but so just will would can could do does did your at from by an or if about there their which when who ' +
    'how all one more no out up some than then them these those very our me he she his her its been being ' +
    'should because into only also over after before such where why get got really think know like people'
  ).split(' '),
);
const INDONESIAN_AFFIXED =
  /^(?:me[mnr]?|meng|meny|di|ber|ter|pe[mnr]?|peng|ke)[a-z]{3,}(?:kan|an|i|nya)?$|^[a-z]{3,}(?:nya|kan|lah)$/;
const ENGLISH_AFFIXED = /^[a-z]{3,}(?:ing|tion|ly|ness|ment|ed|ful|ous)$/;
const WORD = /[\p{L}']+/gu;
const LATIN_WORD = /^[a-z']+$/;

const NOT_LATIN = 99;
/** Word → its vote (positive Indonesian, negative English, NOT_LATIN); one lookup per word instead of four. */
const voteCache = new LruCache<number>(50_000);

function wordVote(w: string): number {
  if (!LATIN_WORD.test(w)) return NOT_LATIN;
  if (INDONESIAN_MARKERS.has(w)) return 1;
  if (ENGLISH_MARKERS.has(w)) return -1;
  if (INDONESIAN_AFFIXED.test(w)) return 0.5;
  if (ENGLISH_AFFIXED.test(w)) return -0.5;
  // Any Indonesian root is weak evidence: it lets short headlines without function words count.
  if (isRootWord(w)) return 0.3;
  return 0;
}

export interface LanguageScores {
  lang: Lang;
  indonesian: number;
  english: number;
  words: number;
}

export function scoreLanguage(text: string): LanguageScores {
  return scoreLanguageOfWords(text.normalize('NFKC').toLowerCase().match(WORD) ?? []);
}

/** Same as scoreLanguage, for words already split and lower-cased (the normaliser's rawWords). */
export function scoreLanguageOfWords(words: readonly string[]): LanguageScores {
  const votes = new Array<number>(words.length);
  for (let i = 0; i < words.length; i++) votes[i] = languageVote(words[i] as string);
  return scoreLanguageOfVotes(votes);
}

/** One lower-cased word's vote (cached): positive Indonesian, negative English, or NOT_LATIN. */
export function languageVote(w: string): number {
  let vote = voteCache.get(w);
  if (vote === undefined) {
    vote = wordVote(w);
    voteCache.set(w, vote);
  }
  return vote;
}

/** languageVote without the cache, for callers that keep the vote with their own per-word cache. */
export const uncachedLanguageVote = wordVote;

/** scoreLanguageOfWords from the words' votes (the normaliser's rawVotes). */
export function scoreLanguageOfVotes(votes: readonly number[]): LanguageScores {
  let indonesian = 0;
  let english = 0;
  let latin = 0;
  for (const vote of votes) {
    if (vote === NOT_LATIN) continue;
    latin++;
    if (vote > 0) indonesian += vote;
    else english -= vote;
  }
  return { lang: decide(indonesian, english, latin, votes.length), indonesian, english, words: votes.length };
}

function decide(indonesian: number, english: number, latin: number, total: number): Lang {
  if (total === 0 || latin / total < 0.5) return 'other';
  const evidence = indonesian + english;
  if (evidence < 0.6 || evidence / latin < 0.12) return 'other';
  const idShare = indonesian / evidence;
  // Code-switching: each language carries at least a quarter of the evidence and appears more than once.
  if (idShare >= 0.25 && idShare <= 0.75 && indonesian >= 1.5 && english >= 1.5) return 'mixed';
  return idShare >= 0.5 ? 'id' : 'en';
}

export function detectLanguage(text: string): Lang {
  return scoreLanguage(text).lang;
}
