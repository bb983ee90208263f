/** Similarity of a post to known fact-checked claims (the `factchecks` index; here from lists or CSV). */
import type { TokenHashes } from './hashing';
import { readCsvRecords } from './resources';

export interface FactCheck {
  id: string;
  title: string;
  text: string;
  /** As published: "SALAH", "HOAKS", "BENAR", "DISINFORMASI", … */
  verdict: string;
  url?: string;
}

export interface FactCheckMatch {
  factCheck: FactCheck;
  similarity: number;
  sharedTerms: string[];
}

const FALSE_VERDICT =
  /salah|hoaks|hoax|false|palsu|keliru|disinformasi|misinformasi|menyesatkan|fitnah|penipuan|manipulasi|satire|tidak benar/i;
/** Below this many shared terms two texts merely share a topic. */
const MIN_SHARED_TERMS = 4;
/** A term in more fact-checks than this share (and this count) does not by itself make a candidate. */
const COMMON_TERM_SHARE = 0.01;
const COMMON_TERM_MIN = 50;
/** Distinctive terms a fact-check must share with the post to be scored at all. */
const MIN_RARE_SHARED = 2;
/** Shared-term count at which containment is trusted fully. */
const FULL_CONFIDENCE_SHARED_TERMS = 6;

/**
 * Words by which a post reports, denies, rebuts or asks to verify a claim instead of restating it
 * ("... Hoaks" or "... Itu Hoak", "BIN bantah ...", "ini yang sebenarnya", "mohon dicek", "mhn info").
 * On the 2019 election tweets most posts that match a debunked claim but are labelled true carry one of
 * these (see the README's claim-matching table).
 */
const DENIAL_CUES =
  /\b(?:hoaks|hoax|hoaxs|hoak|bohong|kebohongan|bantah|membantah|dibantah|bantahan|tepis|menepis|ditepis|klarifikasi|sebenarnya|faktanya|tanggapan|tanggapi|menanggapi|jawaban|penjelasan|fitnah|tidak benar|keliru|dipelintir|disinformasi|cek fakta|minta maaf|dituduh|tuduhan|menuduh|bukan|tidak|tak|enggak|nggak|gak|sangkal|menyangkal|padahal|benarkah|apa benar|beredar|cek data|respon|penjelasannya|isu|isunya|diisukan|mengaku|belum|(?:mohon|mhn|tolong|minta) (?:dicek|dicheck|cek|info|konfirmasi|klarifikasi))\b/gi;

/**
 * True when the post uses denial wording that the fact-checked claim itself does not (a claim may be
 * "X says Y is a hoax"): the post talks about the claim, it does not spread it.
 */
export function deniesClaim(postText: string, factCheck: FactCheck): boolean {
  const claim = claimWording(factCheck);
  if (!claim.asks && asksAboutClaim(postText)) return true;
  const cues = postText.match(DENIAL_CUES);
  if (!cues) return false;
  return cues.some((cue) => !claim.cues.has(cue.toLowerCase()));
}

interface ClaimWording {
  asks: boolean;
  cues: ReadonlySet<string>;
}

/**
 * What deniesClaim needs from a fact-check, worked out once per fact-check: a busy claim is matched by
 * many posts, and its text is far longer than a post.
 */
const claimWordingCache = new WeakMap<FactCheck, ClaimWording>();

function claimWording(factCheck: FactCheck): ClaimWording {
  let wording = claimWordingCache.get(factCheck);
  if (!wording) {
    wording = {
      asks: asksAboutClaim(factCheck.title),
      // Whole words only: "tak" inside "kontak" or "ditakutkan" is no denial wording of the claim.
      cues: new Set(
        (`${factCheck.title} ${factCheck.text}`.match(DENIAL_CUES) ?? []).map((c) => c.toLowerCase()),
      ),
    };
    claimWordingCache.set(factCheck, wording);
  }
  return wording;
}

/**
 * A post that ends by asking ("Ketua KPUD Bekasi meninggal ???", "… mundur?", "… dicoblos?: <link>")
 * questions the claim: on the 2019 election tweets such matches are mostly labelled true. Links,
 * mentions and hashtags after the question do not hide it.
 */
function asksAboutClaim(text: string): boolean {
  // Most posts hold no question mark; the suffix pattern below scans the whole text.
  if (!text.includes('?')) return false;
  const body = text.replace(/(?:\s*(?:https?:\/\/\S+|[@#][\p{L}\p{N}_]+|via))+\s*$/u, '');
  // "… Sudah Dicoblos?: <link>": punctuation between the question mark and the link is no statement.
  return /\?[\s\p{Extended_Pictographic}:;,.]*$/u.test(body);
}

export function isFalseVerdict(verdict: string): boolean {
  return FALSE_VERDICT.test(verdict);
}

interface IndexedFactCheck {
  factCheck: FactCheck;
  titleTerms: Set<string>;
  allTerms: Set<string>;
}

export class FactCheckIndex {
  private readonly items: IndexedFactCheck[] = [];
  private readonly postings = new Map<string, number[]>();
  /**
   * Per fact-check i, for the current post only, side by side (one cache line): [3i] the post's stamp,
   * [3i + 1] how many of its distinctive terms the fact-check holds, [3i + 2] when the post first
   * reached it. Valid where [3i] holds the current stamp, so nothing is reset between posts and only
   * the few fact-checks reached twice are looked at again.
   */
  private visits: Uint32Array = new Uint32Array(0);
  private stamp = 0;
  /** Grows with every add(): postings memoised on TokenHashes before it are stale. */
  private version = 0;
  /** Per fact-check: its number of title terms, beside the counts so the bound below reads no item. */
  private titleSizes: Uint32Array = new Uint32Array(0);
  /**
   * Fact-check id → its slot. A fact-check edited or withdrawn at its source leaves its slot retired
   * (kept in the postings, never a candidate): rebuilding the postings of a national archive for one
   * edit would cost more than the dead entries, which a restart drops.
   */
  private readonly slotOf = new Map<string, number>();
  private retired: Uint8Array = new Uint8Array(0);
  private live = 0;

  constructor(private readonly termsOf: (text: string) => string[]) {}

  /** Adds fact-checks; one whose id is already held replaces it (an edit at the source). */
  add(factChecks: readonly FactCheck[]): void {
    this.version++;
    for (const factCheck of factChecks) {
      this.retire(factCheck.id);
      const titleTerms = new Set(this.termsOf(factCheck.title));
      const allTerms = new Set([...titleTerms, ...this.termsOf(factCheck.text)]);
      const index = this.items.length;
      this.items.push({ factCheck, titleTerms, allTerms });
      if (this.titleSizes.length <= index) {
        const grow = (a: Uint32Array, make: (n: number) => Uint32Array): Uint32Array => {
          const grown = make((index + 1) * 2);
          grown.set(a);
          return grown;
        };
        this.visits = grow(this.visits, (n) => new Uint32Array(n * 3));
        this.titleSizes = grow(this.titleSizes, (n) => new Uint32Array(n));
        const retired = new Uint8Array(this.titleSizes.length);
        retired.set(this.retired);
        this.retired = retired;
      }
      this.titleSizes[index] = titleTerms.size;
      this.slotOf.set(factCheck.id, index);
      this.live += 1;
      for (const term of allTerms) {
        const list = this.postings.get(term) ?? [];
        list.push(index);
        this.postings.set(term, list);
      }
    }
  }

  /** Withdraws fact-checks (deleted at the source, or no longer a false verdict): they match no post. */
  remove(ids: Iterable<string>): void {
    for (const id of ids) this.retire(id);
  }

  private retire(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    this.retired[slot] = 1;
    this.live -= 1;
  }

  /** Fact-checks that can match (withdrawn and replaced ones not counted). */
  get size(): number {
    return this.live;
  }

  /**
   * The most similar fact-check: the larger of title Jaccard and the share of the post's terms found in
   * the fact-check, discounted while few terms are shared. With `minSimilarity`, candidates that
   * cannot reach it (by an upper bound on their shared terms) are not scored: the answer is the same
   * whenever the best match reaches it, and otherwise may be a weaker match or none. `termHashes`, when
   * given, are the TokenHashes the terms came from (enrich has them): their term's postings are
   * memoised on them, sparing a lookup per term in a map of the whole archive's vocabulary.
   */
  bestMatch(
    postTerms: readonly string[],
    minSimilarity = 0,
    termHashes?: readonly TokenHashes[],
  ): FactCheckMatch | undefined {
    if (this.live === 0 || postTerms.length === 0) return undefined;
    // Candidates come from the post's distinctive terms only: a term found in more than
    // COMMON_TERM_SHARE of the fact-checks (and over COMMON_TERM_MIN of them: "jokowi", "vaksin") still
    // counts towards the similarity of a candidate, but does not make one, and a candidate needs two
    // distinctive terms. A restated claim shares its distinctive words; sharing only common ones (or
    // one name) is topical overlap. So a post costs the postings of
    // its rare terms, not of the archive's busiest words, and the index stays fast at 10,000+ items.
    const common = Math.max(COMMON_TERM_MIN, this.items.length * COMMON_TERM_SHARE);
    if (this.stamp === 0xffffffff) {
      this.visits.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    const visits = this.visits;
    let reached = 0;
    /** Fact-checks reached by two distinctive terms: the only ones that can be candidates. */
    const twice: number[] = [];
    /** The post's indexed terms too common to make a candidate; checked per candidate below. */
    const commonTerms: string[] = [];
    let indexed = 0;
    for (let k = 0; k < postTerms.length; k++) {
      const term = postTerms[k] as string;
      const h = termHashes?.[k];
      let list: number[] | undefined;
      if (h !== undefined && h.term === term) {
        const slot = h.factSlot;
        if (slot !== undefined && slot.owner === this && slot.version === this.version) list = slot.postings;
        else {
          list = this.postings.get(term);
          h.factSlot = { owner: this, version: this.version, postings: list };
        }
      } else list = this.postings.get(term);
      if (!list) continue;
      indexed++;
      if (list.length > common) {
        commonTerms.push(term);
        continue;
      }
      for (const i of list) {
        const at = i * 3;
        if (visits[at] !== stamp) {
          visits[at] = stamp;
          visits[at + 1] = 1;
          visits[at + 2] = reached++;
        } else if ((visits[at + 1] = (visits[at + 1] as number) + 1) === MIN_RARE_SHARED) twice.push(i);
      }
    }
    // Only fact-checks sharing two distinctive terms are counted in full (one shared name is topic).
    // Taken in the order the post first reached them, so ties go to the same fact-check as before.
    if (indexed < MIN_SHARED_TERMS) return undefined;
    // (Insertion sort: there are a handful, and a comparator sort costs more than the rest here.)
    for (let k = 1; k < twice.length; k++) {
      const i = twice[k] as number;
      const order = visits[i * 3 + 2] as number;
      let at = k;
      for (; at > 0 && (visits[(twice[at - 1] as number) * 3 + 2] as number) > order; at--)
        twice[at] = twice[at - 1] as number;
      twice[at] = i;
    }
    let best: FactCheckMatch | undefined;
    const postSize = postTerms.length;
    const retired = this.retired;
    for (const i of twice) {
      if (retired[i]) continue;
      const rare = visits[i * 3 + 1] as number;
      // Shared terms = the distinctive ones counted in `hits` (a fact-check is in a term's postings
      // exactly when it holds the term) + the common ones it holds; terms in no fact-check share nothing.
      let count = rare;
      if (minSimilarity > 0) {
        // At most `count` + the common terms not yet checked are shared, and both similarities grow
        // with the count: a candidate is dropped as soon as even that cannot reach minSimilarity; most
        // random candidates (two rare words in common) before any lookup.
        const titleSize = this.titleSizes[i] as number;
        let unchecked = commonTerms.length;
        if (!canReach(count + unchecked, postSize, titleSize, minSimilarity)) continue;
        const allTerms = (this.items[i] as IndexedFactCheck).allTerms;
        for (const t of commonTerms) {
          unchecked--;
          if (allTerms.has(t)) count++;
          else if (!canReach(count + unchecked, postSize, titleSize, minSimilarity)) break;
        }
        if (!canReach(count + unchecked, postSize, titleSize, minSimilarity)) continue;
      } else {
        const allTerms = (this.items[i] as IndexedFactCheck).allTerms;
        for (const t of commonTerms) if (allTerms.has(t)) count++;
      }
      if (count < MIN_SHARED_TERMS) continue;
      const item = this.items[i] as IndexedFactCheck;
      let titleShared = 0;
      for (const t of postTerms) if (item.titleTerms.has(t)) titleShared++;
      const titleJaccard = titleShared / (postTerms.length + item.titleTerms.size - titleShared);
      const containment = containmentOf(count, postTerms.length);
      const similarity = Math.max(titleJaccard, containment);
      if (!best || similarity > best.similarity) {
        best = {
          factCheck: item.factCheck,
          similarity,
          // Worked out when read: enrich never reads it, and a post may pass through several bests.
          get sharedTerms() {
            return postTerms.filter((t) => item.allTerms.has(t));
          },
        };
      }
    }
    return best;
  }
}

/**
 * Whether a fact-check with `titleSize` title terms that shares at most `most` of the post's terms can
 * reach `minSimilarity`: the similarity with every one of them shared (in the title too, where it fits).
 */
function canReach(most: number, postTerms: number, titleSize: number, minSimilarity: number): boolean {
  if (containmentOf(most, postTerms) >= minSimilarity) return true;
  const titleMost = Math.min(most, titleSize);
  return titleMost / (postTerms + titleSize - titleMost) >= minSimilarity;
}

/** Share of the post's terms found in the fact-check, discounted while few terms are shared. */
function containmentOf(shared: number, postTerms: number): number {
  return (shared / postTerms) * Math.min(1, shared / FULL_CONFIDENCE_SHARED_TERMS);
}

/** CSV with header `id,title,text,verdict,url` (url optional). */
export function loadFactChecksCsv(file: string): FactCheck[] {
  return readCsvRecords(file).map((r, i) => ({
    id: r.id || `factcheck-${i + 1}`,
    title: r.title ?? '',
    text: r.text ?? '',
    verdict: r.verdict ?? '',
    ...(r.url ? { url: r.url } : {}),
  }));
}
