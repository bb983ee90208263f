/**
 * Words that burst across issues. A story whose first posts are worded too differently to meet in one
 * issue (or that partly joined an older, related one) is split over several small issues, and each
 * piece grows slower than the story: on the burst harness the slowest bursts were nearly all such
 * splits ("Petugas KPPS meninggal diracun": 20 posts over 3 issues, the largest piece rising 70 s after
 * the first post, when its own third post came). What the pieces share is a word that is rare in the
 * stream and is suddenly in several accounts' posts within a minute ("diracun"). When that is unlikely
 * enough by chance, the newest piece holding most of those posts rises at once, as a quick start.
 *
 * "Unlikely enough" scales with the stream: the expected number of posts with the word in the span is
 * its share of all posts (a document frequency decayed by post count, with a prior so that a word never
 * seen is not taken for a rare one) times the posts of the whole stream in the span, and the chance of
 * seeing as many accounts use it is a Poisson tail. At 2 posts a minute most shared content words are
 * rare; at 1,000 posts a second only a word of one post in millions is.
 */
export interface TermBurstSettings {
  /** The span the posts must fall in (ms of stream time). */
  spanMs: number;
  /** Distinct accounts that must use the word within the span. */
  minAuthors: number;
  /** The largest chance, at the word's usual share, of as many accounts using it in the span. */
  maxChance: number;
  /** Virtual posts without any word: before the stream has taught frequencies, no word is rare. */
  priorPosts: number;
  /** Half-life of the word counts, in posts. */
  halfLifePosts: number;
}

export interface TermBurst {
  term: string;
  /** Posts with the word in the span, their accounts, and the issues they are in. */
  posts: number;
  authors: number;
  issues: number;
  /** Stream time of the post that made it a burst. */
  at: number;
}

interface Use {
  at: number;
  author: string;
  issueId: string;
}

/** A queue of the span's entries: appended at the end, dropped from the head (no O(n) shift). */
class Recent<T extends { at: number }> {
  items: T[] = [];
  head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  /** Appends; past `max` entries the oldest is dropped. */
  push(item: T, max = Infinity): void {
    this.items.push(item);
    if (this.size > max) this.head += 1;
  }

  /** Drops the entries at or before `since` (entries arrive about in time order). */
  dropUntil(since: number): void {
    while (this.head < this.items.length && this.items[this.head]!.at <= since) this.head += 1;
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  get last(): T | undefined {
    return this.items[this.items.length - 1];
  }
}

/** Words of a post looked at (its first, heaviest terms): enough to find a shared one, bounded cost. */
const MAX_TERMS = 12;
/** Uses of one word kept per span: past this many, it bursts on the count alone, or is no rare word. */
const MAX_USES = 1_000;
/** Word counts kept at most (about; see sweep): a day of a fast stream has millions of one-off words. */
const MAX_WORDS = 500_000;
/** Spans of the stream to watch before any word can burst. */
const WARM_SPANS = 10;
/** Posts between two sweeps of faded word counts and idle words. */
const SWEEP_EVERY = 50_000;

export class TermBursts {
  private readonly counts = new Map<string, { value: number; at: number }>();
  private posts = 0;
  private readonly uses = new Map<string, Recent<Use>>();
  /** The stream's posts in the span (their times). */
  private readonly stream = new Recent<{ at: number }>();
  private latest = -Infinity;
  private readonly bursts = new Map<string, TermBurst>();
  private readonly step: number;
  private readonly lnStep: number;

  constructor(private readonly settings: TermBurstSettings) {
    this.step = Math.pow(0.5, 1 / settings.halfLifePosts);
    this.lnStep = Math.log(this.step);
  }

  /** step^posts, as exp(posts · ln step): equal within ~1e-15 and ~4× cheaper than Math.pow in V8 (every term of every post). */
  private fade(posts: number): number {
    return Math.exp(posts * this.lnStep);
  }

  /** Takes one post in; returns the issue a word burst it completed put ahead, if any. */
  observe(post: {
    terms: readonly string[];
    at: number;
    author: string;
    issueId: string;
  }): string | undefined {
    const s = this.settings;
    if (post.at > this.latest) this.latest = post.at;
    const since = this.latest - s.spanMs;
    this.stream.push({ at: post.at });
    this.stream.dropUntil(since);
    const streamPosts = this.stream.size;
    const watched = this.effectivePosts();
    const seen = watched + s.priorPosts;
    let ahead: string | undefined;
    const terms = new Set(post.terms.slice(0, MAX_TERMS));
    // A word's usual share is known once the stream has been watched for a while: ten spans' worth of
    // posts (after a restart at 1,000 posts a second every word is new, and its share still unknown).
    // (Capped at half of what the decayed count can reach, or a fast stream would never be warm.)
    const warm = watched >= Math.min(WARM_SPANS * streamPosts, 0.5 / (1 - this.step));
    for (const term of terms) {
      let uses = this.uses.get(term);
      if (!uses) this.uses.set(term, (uses = new Recent()));
      uses.push({ at: post.at, author: post.author, issueId: post.issueId }, MAX_USES);
      uses.dropUntil(since);
      if (!warm || uses.size < s.minAuthors) continue;
      // Its usual share: before the span's own posts with it (the current one is not counted yet).
      const before = Math.max(0, this.count(term) - (uses.size - 1));
      const expected = ((before + 1) / seen) * streamPosts;
      // The count of uses bounds the accounts: when even it is not unlikely, no need to count accounts.
      if (poissonTail(expected, uses.size) >= s.maxChance) continue;
      const authors = new Set<string>();
      for (let i = uses.head; i < uses.items.length; i++) authors.add(uses.items[i]!.author);
      if (authors.size < s.minAuthors || poissonTail(expected, authors.size) >= s.maxChance) continue;
      ahead = this.record(term, uses, authors.size, post.at) ?? ahead;
    }
    // Counted after the test: the burst itself does not make its word look usual.
    this.posts += 1;
    for (const term of terms) {
      const c = this.counts.get(term);
      if (c) {
        c.value = c.value * this.fade(this.posts - c.at) + 1;
        c.at = this.posts;
      } else this.counts.set(term, { value: 1, at: this.posts });
    }
    if (this.posts % SWEEP_EVERY === 0) this.sweep(since);
    return ahead;
  }

  /** The word burst that put this issue ahead, if one did within the span before `now`. */
  burstOf(issueId: string, now: number): TermBurst | undefined {
    const b = this.bursts.get(issueId);
    return b && b.at > now - this.settings.spanMs ? b : undefined;
  }

  /** Words and bursts held now (for memory checks). */
  get size(): { words: number; recentWords: number; bursts: number } {
    return { words: this.counts.size, recentWords: this.uses.size, bursts: this.bursts.size };
  }

  private record(term: string, uses: Recent<Use>, authors: number, at: number): string | undefined {
    const perIssue = new Map<string, number>();
    for (let i = uses.head; i < uses.items.length; i++) {
      const id = uses.items[i]!.issueId;
      perIssue.set(id, (perIssue.get(id) ?? 0) + 1);
    }
    // Within one issue the quick rule already sees the posts: a word burst is for a story in pieces.
    if (perIssue.size < 2) return undefined;
    let best: string | undefined;
    let most = 0;
    // The issue with most of the word's posts; ties go to the one that had the word first.
    for (const [issueId, n] of perIssue)
      if (n > most) {
        best = issueId;
        most = n;
      }
    if (best === undefined) return undefined;
    this.bursts.set(best, { term, posts: uses.size, authors, issues: perIssue.size, at });
    return best;
  }

  private count(term: string): number {
    const c = this.counts.get(term);
    return c ? c.value * this.fade(this.posts - c.at) : 0;
  }

  private effectivePosts(): number {
    return (1 - this.fade(this.posts)) / (1 - this.step);
  }

  /** Forgets faded word counts, words no post of the span used, and bursts past their span. */
  private sweep(since: number): void {
    // Faded words go; past MAX_WORDS words, so do those barely used (their share is ~0 either way).
    const least = this.counts.size > MAX_WORDS ? 1 : 0.05;
    for (const [term, c] of this.counts)
      if (c.value * this.fade(this.posts - c.at) < least) this.counts.delete(term);
    for (const [term, uses] of this.uses) if ((uses.last?.at ?? -Infinity) <= since) this.uses.delete(term);
    for (const [issueId, b] of this.bursts) if (b.at <= since) this.bursts.delete(issueId);
  }
}

/** P(X ≥ k) for X ~ Poisson(λ). */
export function poissonTail(lambda: number, k: number): number {
  if (k <= 0) return 1;
  let term = Math.exp(-lambda);
  let below = term;
  for (let i = 1; i < k; i++) {
    term *= lambda / i;
    below += term;
  }
  return Math.max(0, 1 - below);
}
