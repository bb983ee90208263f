import { LRUCache } from 'lru-cache';
import { FifoMap, issueIdFor } from '@pantau/core';
import { BandFirsts } from './band-firsts';
import { Centroid, KeyTable } from './centroid';

/**
 * Online clustering of posts into issues: one story told in a hundred wordings is one issue, and
 * unrelated posts that merely share everyday words or a campaign hashtag are not.
 *
 * Each post becomes a weighted term vector: every term weighs its inverse document frequency, learnt
 * online from the stream itself and decayed by post count, so words every issue uses ("tempat",
 * "makan", a hashtag half the stream carries) weigh about nothing and the words that tell stories apart
 * carry the similarity. A post joins the active issue whose time-decayed centroid it is most similar to
 * (cosine, at least `threshold`), or the issue of a near-duplicate it copies (MinHash bands, the
 * strongest evidence: it revives even a quiet issue); otherwise it founds a new issue whose id derives
 * from the founding post, so a replay founds the same issue again. Candidates come from an inverted
 * index over each issue's centroid terms, nominated by the post's most distinctive terms that some
 * issue holds; each candidate is then scored on all of the post's terms.
 *
 * Single-pass clustering on a centroid (not on a bag of "core" terms, not on the closest member) does not
 * chain: a post must resemble what the issue is about now, and a centroid is dominated by its story's
 * distinctive words, not by the everyday words its posts happen to share.
 */
export interface ClustererSettings {
  /** Minimum cosine between a post and an issue's centroid to join it. */
  threshold: number;
  /**
   * Half-life of document frequencies, counted in posts (not time, so idf is as precise on a quiet
   * stream as on a busy one): vocabulary drifts, idf follows.
   */
  dfHalfLifePosts: number;
  /** Half-life of a member's weight in its issue's centroid: the centroid follows the story. */
  centroidHalfLifeMs: number;
  /** An issue with no post for this long stops attracting posts by similarity (near-duplicates revive it). */
  activeMs: number;
  /**
   * The activity window grows by this share of `activeMs` per tenfold growth of the issue: a story
   * that drew a hundred posts is still the story two days later, a lone post is forgotten sooner.
   */
  activeGrowth: number;
  /**
   * Virtual posts that contain none of the terms: until the stream has taught enough idf, every word
   * counts as distinctive (a fresh deployment still groups its first posts), and everyday words fade
   * as real posts arrive.
   */
  idfPriorDocs: number;
  /** The threshold rises by this much per tenfold growth of an issue: a big issue's centroid is broad. */
  sizePenalty: number;
  /**
   * The threshold also rises with how long the issue has been quiet, by up to `quietPenalty` once it
   * has had no post for `quietRampMs`: a post minutes after a story's last one needs less evidence to
   * continue it than one a day later, when chatter that merely shares some words is the likelier
   * explanation. (Measured on the election stream: joins after hours of quiet by tweets of one story
   * are nearly all above 0.2 similarity; unrelated reviews that join each other are often below.)
   */
  quietPenalty: number;
  quietRampMs: number;
  /**
   * A post whose similarity to an issue comes this much (or more) from one shared key shares a word
   * with it, not a story: it does not join by similarity ("marah" in a review about a phone company
   * and in a tweet about a politician) — once the issue has been quiet for `oneKeyQuietMs`. Measured
   * on the election stream mixed with SmSA reviews: of the joins where one key made ≥ 80 % of the
   * similarity, 75 % were wrong; below that, 3–10 %. Applied always (0.8), it cost the election stream
   * recall (0.931 → 0.928: a story told around one word, "beras", continues minutes later with that
   * word); applied only after an hour of quiet, where a burst's first posts otherwise join an old
   * chain of chatter, the election stream keeps 0.930, the mixed stream gains (0.941 → 0.946) and burst
   * precision and recall rise (0.79 → 0.82, 0.91 → 0.93). Quiet 15 min–1 h and share 0.85–0.95 all
   * score alike (`npm run eval:issues -- --clusterer '{…}'`). 1 turns it off.
   */
  maxOneKeyShare: number;
  /** The one-key rule applies only to issues quiet for at least this long (0: always). */
  oneKeyQuietMs: number;
  /**
   * A post with fewer keys than this (words, hashtags, mentions, links) is too thin to say which story it
   * tells — an emoji, a bare link or mention, "wkwk", "mantap", "aamiin": it founds its own issue and
   * joins none, by similarity or as a copy. Real streams carry many such posts; joined, they made one
   * issue of every empty, emoji-only and link-only post (all share the signature of no words) and one
   * of every "mantap", which then grew and rose like a story.
   */
  minKeys: number;
  /** Weight multipliers: a hashtag or mention alone is weak evidence of one story. */
  hashtagWeight: number;
  mentionWeight: number;
  /** A shared link (the same article, the same short link) is strong evidence of one story. */
  urlWeight: number;
  /**
   * A term held by more active issues than this nominates no candidates (it still counts in the
   * similarity of candidates other terms nominated): an issue sharing only such everyday words with a
   * post could not be its story, and scanning their long lists is what makes online clustering slow.
   * 10 (was 30): a third of the candidates per post (13 instead of 36 on the election stream with SmSA
   * reviews), B-cubed unchanged on every stream and on the held-out half (±0.001), and fewer bursts
   * joined to older issues that merely share a word (see packages/issues/README.md); at 6 the
   * election stream starts to lose recall.
   */
  nominateLimit: number;
  /** How many of a post's heaviest held terms nominate candidate issues. */
  nominateTerms: number;
  /** Terms kept per centroid (heaviest first). */
  centroidTerms: number;
  /** Issues kept in memory (least recently touched evicted). */
  maxIssues: number;
  /** Posts remembered for near-duplicate links and replay stability. */
  maxPosts: number;
}

export const DEFAULT_CLUSTERER_SETTINGS: ClustererSettings = {
  threshold: 0.15,
  dfHalfLifePosts: 500_000,
  centroidHalfLifeMs: 48 * 3600_000,
  activeMs: 36 * 3600_000,
  activeGrowth: 1,
  idfPriorDocs: 1000,
  sizePenalty: 0.02,
  quietPenalty: 0.05,
  quietRampMs: 24 * 3600_000,
  maxOneKeyShare: 0.9,
  oneKeyQuietMs: 3600_000,
  minKeys: 2,
  hashtagWeight: 0.5,
  mentionWeight: 0.3,
  urlWeight: 1,
  nominateLimit: 10,
  nominateTerms: 10,
  centroidTerms: 120,
  maxIssues: 200_000,
  maxPosts: 1_000_000,
};

export interface ClusterInput {
  id: string;
  /** Stream time of the post (its publication time), ms since epoch. */
  at: number;
  /** Stemmed content terms (deduplicated). */
  terms: readonly string[];
  hashtags?: readonly string[];
  mentions?: readonly string[];
  /** Links in the post. */
  urls?: readonly string[];
  /** Near-duplicate LSH band keys. */
  bands?: readonly string[];
  /** The post's text, for the issue's title (its most representative post). */
  text?: string;
}

export interface ClusterAssignment {
  issueId: string;
  /** True when the post joined an existing issue. */
  joined: boolean;
  /** How it joined: a near-duplicate link, centroid similarity, or it founded the issue. */
  via: 'near-duplicate' | 'similarity' | 'founded' | 'known';
  similarity: number;
  /** The post this one copies, when linked as a near-duplicate. */
  nearDuplicateOf?: string;
  /** The issue's title now: its most representative original post, shortened cleanly. */
  title: string;
}

interface Issue {
  id: string;
  /**
   * Centroid weights, stored divided by `scale`: the whole centroid decays by shrinking `scale`, and a
   * new post is added as w / scale — O(post) per post, not O(centroid). The cosine does not depend on
   * the scale, so similarity reads the stored weights directly. Keyed by interned key id.
   */
  centroid: Centroid;
  scale: number;
  /** Squared norm of the stored weights, kept up to date as they change. */
  normSq: number;
  lastAt: number;
  firstAt: number;
  posts: number;
  title: string;
  /** Similarity of the title's post to the centroid when it joined (the founder: 0). */
  titleScore: number;
  /** Scratch for candidate scoring: the dot product over nominating terms, valid while `dotOf` is the post's. */
  dot: number;
  dotOf: number;
  /** Whether the issue's centroid terms are in the postings (an issue that went quiet is taken out). */
  indexed: boolean;
}

/** A post shortened for a title: links dropped, whitespace collapsed, cut at a word with "…". */
export function shortTitle(text: string, max = 140): string {
  // Runs for every issue founded and every better title: a text without links skips the link pass, and
  // whitespace is rewritten only where it is not already one space (/\s+/ → ' ' rebuilt every text).
  const unlinked = text.includes('http') ? text.replace(/https?:\/\/\S+/g, ' ') : text;
  const clean = unlinked.replace(/\s{2,}|[^\S ]/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/, '')}…`;
}

/**
 * log10(max(1, n)) for an issue's post count: read for every candidate issue of every post (its activity
 * window and its threshold, ~30 calls a post), where Math.log10 costs ~20 ns; most issues are small.
 */
const LOG10_TABLE = Float64Array.from({ length: 4096 }, (_, n) => Math.log10(Math.max(1, n)));
function log10Posts(n: number): number {
  return n < LOG10_TABLE.length ? LOG10_TABLE[n]! : Math.log10(n);
}

/** Posts between two sweeps of quiet issues out of the postings (each sweep reads every issue once). */
const SWEEP_EVERY = 1_000;

/** Query parameters that say who shared a link, or how, not what it points to. */
const SHARING_PARAM =
  /^(utm_\w+|fbclid|gclid|igshid|igsh|mibextid|si|s|t|ref|ref_src|ref_url|feature|share|amp)$/i;

/**
 * A link without scheme, fragment, trailing slash or sharing parameters: the same article however it
 * was shared. The rest of the query stays — it is what a video or a post is on many sites
 * (youtube.com/watch?v=…, facebook.com/story.php?story_fbid=…), and without it every video would be
 * one "article". Host lowercased, `www.`/`m.` dropped; the path keeps its case (short-link codes).
 * A site's front page is no article: no key ('').
 */
export function urlKey(url: string): string {
  const bare = url.replace(/^[a-z]+:\/\//i, '').replace(/#.*$/, '');
  const slash = bare.search(/[/?]/);
  const host = (slash < 0 ? bare : bare.slice(0, slash)).toLowerCase().replace(/^(www|m|mobile)\./, '');
  const rest = slash < 0 ? '' : bare.slice(slash);
  const q = rest.indexOf('?');
  const path = (q < 0 ? rest : rest.slice(0, q)).replace(/\/+$/, '');
  const kept =
    q < 0
      ? []
      : rest
          .slice(q + 1)
          .split('&')
          .filter((kv) => kv !== '' && !SHARING_PARAM.test(kv.split('=')[0]!))
          .sort();
  if (!path && !kept.length) return '';
  return `url:${host}${path}${kept.length ? `?${kept.join('&')}` : ''}`;
}

// Where issue ids come from lives in core (the detector needs it too); kept exported from here.
export { issueIdFor };

export class IssueClusterer {
  readonly settings: ClustererSettings;
  /**
   * Every key the clusterer knows, interned: its document frequency (as of post number `docs`,
   * decayed lazily), and the centroids holding it.
   */
  private readonly keys = new KeyTable();
  private docs = 0;
  /** Issues in memory, least recently joined evicted (`peek` reads without refreshing). */
  private readonly issues: LRUCache<string, Issue>;
  /**
   * Key id → the active issues whose centroid holds it. Issues that went quiet are taken out
   * (see `sweepInactive`): the nomination limit counts these lists, and with every issue ever founded in
   * them, any word some months of stream had used ("makan", "babi") held by more than `nominateLimit`
   * issues nominated nothing, so the posts of a new story could not find each other.
   */
  private readonly postings: (Set<Issue> | undefined)[] = [];
  /**
   * The issues in the postings, for the sweep (iterating every issue in memory — 200,000 at the cap —
   * every 1,000 posts cost more than assigning them).
   */
  private readonly indexedIssues = new Set<Issue>();
  /** The latest stream time seen: issues quiet for longer than their activity window before it leave the postings. */
  private latestAt = -Infinity;
  /** post id → issue id: a replayed post keeps its issue; near-duplicates find theirs. */
  private readonly postIssue: FifoMap<string, string>;
  /** Near-duplicate band key → the first post that had it. */
  private readonly firstByBand: BandFirsts;
  private observed = 0;
  private sinceSweep = 0;
  /** Work done, for benchmarks: posts that looked for candidates, and candidates scored. */
  readonly stats = { posts: 0, nominated: 0, candidates: 0 };
  /** Numbers each candidate scan, so an issue's scratch dot product is known fresh without a reset pass. */
  private scan = 0;
  /**
   * The current post's keys (ids, each once, first occurrence first) and their weights in its
   * L2-normalised vector (0 for a key that weighs nothing: such a key is learnt but matches nothing).
   * Scratch, refilled by `vectorOf` for every post.
   */
  private postKeys = new Int32Array(256);
  private postWeights = new Float64Array(256);
  private postLength = 0;
  /** Keys of the current post with a weight (> 0). */
  private postHeld = 0;
  /** Numbers posts for `KeyTable.seenBy` (deduplicating a post's keys without a Set). */
  private postStamp = 0;
  /** Scratch of `mostSimilar`, reused for every post: its keys heaviest first, the candidates, the rest. */
  private order = new Int32Array(256);
  private candidates: Issue[] = [];
  private restIds = new Int32Array(256);
  private restWeights = new Float64Array(256);
  private restTail = new Float64Array(257);

  constructor(settings: Partial<ClustererSettings> = {}) {
    this.settings = { ...DEFAULT_CLUSTERER_SETTINGS, ...settings };
    this.issues = new LRUCache<string, Issue>({
      max: this.settings.maxIssues,
      // Evicted, or replaced by another issue of the same id (its founding post forgotten by
      // `postIssue` and seen again): out of the postings either way, its keys released.
      dispose: (issue, _id, reason) => {
        if (reason === 'evict' || reason === 'set') this.forget(issue);
      },
    });
    this.postIssue = new FifoMap(this.settings.maxPosts);
    this.firstByBand = new BandFirsts(this.settings.maxPosts * 4, this.settings.maxPosts);
  }

  get size(): number {
    return this.issues.size;
  }

  /** Whether this issue is in memory. */
  has(issueId: string): boolean {
    return this.issues.has(issueId);
  }

  /** Whether the issues in memory have reached `maxIssues` (one more evicts the least recent). */
  get full(): boolean {
    return this.issues.size >= this.settings.maxIssues;
  }

  /** 0.5^((at − since) / halfLife), 1 when `at` is not later. */
  private decay(at: number, since: number, halfLife: number): number {
    // As exp(−ln 2 · t): equal to Math.pow(0.5, t) within 3e-15 and ~4× cheaper in V8, and it runs for
    // every key of every post (document frequencies) — ~2 µs a post with pow.
    return at <= since ? 1 : Math.exp(((since - at) / halfLife) * Math.LN2);
  }

  /**
   * Stream time between a post and an issue's posts: 0 inside the issue's span, else the distance to its
   * nearer end. A live stream arrives about in time order (the gap is then the time since the issue's
   * last post); a file sorted by topic, or a late backfill, goes back in time, and measured only forward
   * every issue ever founded looked active to an older post (election stream sorted by topic: F1 0.906,
   * shuffled 0.864, against 0.931 in time order).
   */
  private gap(at: number, issue: Issue): number {
    return at > issue.lastAt ? at - issue.lastAt : at < issue.firstAt ? issue.firstAt - at : 0;
  }

  /** How long the issue keeps attracting posts after its last one (see `activeGrowth`). */
  private activeFor(issue: Issue): number {
    return this.settings.activeMs * (1 + this.settings.activeGrowth * log10Posts(issue.posts));
  }

  /**
   * How far back a restarted assigner re-reads posts: the activity window of an issue of 100 posts
   * (108 h by default). A bigger issue quiet for longer than that is re-founded by its next post.
   */
  restoreWindowMs(): number {
    return this.settings.activeMs * (1 + this.settings.activeGrowth * 2);
  }

  /** Effective number of posts seen (each older post counts less). */
  private effectiveDocs(): number {
    const r = Math.pow(0.5, 1 / this.settings.dfHalfLifePosts);
    return (1 - Math.pow(r, this.docs)) / (1 - r);
  }

  /** Document frequency of a key now. */
  private df(id: number): number {
    const v = this.keys.dfValue[id]!;
    return v > 0 ? v * this.decay(this.docs, this.keys.dfAt[id]!, this.settings.dfHalfLifePosts) : 0;
  }

  /** Counts the current post's keys in the document frequencies. */
  private learnDf(): void {
    const h = this.settings.dfHalfLifePosts;
    const { dfValue, dfAt } = this.keys;
    this.docs += 1;
    for (let k = 0; k < this.postLength; k++) {
      const id = this.postKeys[k]!;
      const v = dfValue[id]!;
      dfValue[id] = v > 0 ? v * this.decay(this.docs, dfAt[id]!, h) + 1 : 1;
      dfAt[id] = this.docs;
    }
    // Forget keys whose weight has decayed to almost nothing, so the vocabulary stays bounded.
    if (++this.observed % 50_000 === 0) {
      for (let id = 0; id < dfValue.length; id++) if (dfValue[id]! > 0 && this.df(id) < 0.05) dfValue[id] = 0;
      this.keys.sweep((id) => dfValue[id] === 0);
    }
  }

  /** Appends a key to the current post's keys with its weight (once: a key seen before keeps its first). */
  private addKey(key: string, factor: number, logN: number): void {
    const id = this.keys.idOf(key);
    if (this.keys.seenBy[id] === this.postStamp) return;
    this.keys.seenBy[id] = this.postStamp;
    if (this.postLength === this.postKeys.length) {
      const keys = new Int32Array(this.postLength * 2);
      keys.set(this.postKeys);
      this.postKeys = keys;
      const weights = new Float64Array(this.postLength * 2);
      weights.set(this.postWeights);
      this.postWeights = weights;
    }
    const w = (logN - Math.log(this.df(id) + 1)) * factor;
    this.postKeys[this.postLength] = id;
    this.postWeights[this.postLength] = w > 0 ? w : 0;
    this.postLength += 1;
    if (w > 0) this.postHeld += 1;
  }

  /**
   * Fills the current post's keys and their weights in its L2-normalised vector. Keys: terms,
   * `#hashtag`, `@mention`, link keys; each weighs its idf times the factor of its kind.
   */
  private vectorOf(post: ClusterInput): void {
    this.postLength = 0;
    this.postHeld = 0;
    // Wraps after 2^31 posts; a stale stamp equal to the new one would only merge two equal keys.
    this.postStamp = (this.postStamp + 1) | 0 || 1;
    const logN = Math.log(this.effectiveDocs() + this.settings.idfPriorDocs + 1);
    // Words that come from splitting a hashtag (#InfoJakarta → info, jakarta) weigh as little as the
    // hashtag: a shared hashtag alone must not make two posts one story.
    // (A word counts as hashtag-made when the text without its hashtags does not contain it; slang the
    // normaliser expanded is caught too, which only costs weight on posts that carry hashtags.)
    const tags = (post.hashtags ?? []).map((h) => h.toLowerCase());
    const plain = tags.length && post.text ? post.text.toLowerCase().replace(/#[^\s#]+/g, ' ') : undefined;
    for (const t of post.terms) {
      const fromTag =
        plain !== undefined ? !plain.includes(t) : tags.length > 0 && tags.some((h) => h.includes(t));
      this.addKey(t, fromTag ? this.settings.hashtagWeight : 1, logN);
    }
    for (const h of tags) this.addKey(`#${h}`, this.settings.hashtagWeight, logN);
    for (const m of post.mentions ?? [])
      this.addKey(`@${m.toLowerCase()}`, this.settings.mentionWeight, logN);
    for (const u of post.urls ?? []) {
      const key = urlKey(u);
      if (key) this.addKey(key, this.settings.urlWeight, logN);
    }
    const weights = this.postWeights;
    let norm = 0;
    for (let k = 0; k < this.postLength; k++) norm += weights[k]! * weights[k]!;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < this.postLength; k++) weights[k] = weights[k]! / norm;
  }

  /**
   * Whether one shared key makes `maxOneKeyShare` or more of the post's dot product with an issue
   * quiet for `oneKeyQuietMs` or longer (see `maxOneKeyShare`).
   */
  private restsOnOneWord(at: number, issue: Issue, dot: number): boolean {
    if (this.settings.maxOneKeyShare >= 1 || dot <= 0) return false;
    if (this.gap(at, issue) < this.settings.oneKeyQuietMs) return false;
    let top = 0;
    for (let k = 0; k < this.postLength; k++) {
      const c = this.postWeights[k]! * issue.centroid.get(this.postKeys[k]!);
      if (c > top) top = c;
    }
    return top >= this.settings.maxOneKeyShare * dot;
  }

  private index(id: number, issue: Issue): void {
    let list = this.postings[id];
    if (!list) this.postings[id] = list = new Set();
    list.add(issue);
  }

  private unindexKey(id: number, issue: Issue): void {
    const list = this.postings[id];
    if (!list) return;
    list.delete(issue);
    if (list.size === 0) this.postings[id] = undefined;
  }

  private unindex(issue: Issue): void {
    if (!issue.indexed) return;
    issue.centroid.forEach((id) => this.unindexKey(id, issue));
    issue.indexed = false;
    this.indexedIssues.delete(issue);
  }

  /** An issue evicted from memory: out of the postings, and its keys no longer held by it. */
  private forget(issue: Issue): void {
    this.unindex(issue);
    issue.centroid.forEach((id) => (this.keys.holders[id]! -= 1));
  }

  /**
   * Takes the issues that have gone quiet for longer than their activity window out of the postings
   * (amortised: once every `sweepEvery` posts). They stay in memory: a near-duplicate still revives one,
   * and the revived issue goes back into the postings (`addToCentroid`).
   */
  private sweepInactive(at: number): void {
    if (at > this.latestAt) this.latestAt = at;
    if (++this.sinceSweep < SWEEP_EVERY) return;
    this.sinceSweep = 0;
    for (const issue of this.indexedIssues)
      if (this.latestAt - issue.lastAt > this.activeFor(issue)) this.unindex(issue);
  }

  /** Adds the current post's vector to an issue's centroid. */
  private addToCentroid(issue: Issue, at: number): void {
    if (!issue.indexed) {
      // A quiet issue revived (by a near-duplicate): back into the postings with all its terms.
      issue.centroid.forEach((id) => this.index(id, issue));
      issue.indexed = true;
      this.indexedIssues.add(issue);
    }
    issue.scale *= this.decay(at, issue.lastAt, this.settings.centroidHalfLifeMs);
    if (issue.scale < 1e-9) {
      // Fold the scale back into the weights before it underflows.
      issue.centroid.scaleAll(issue.scale);
      issue.normSq *= issue.scale * issue.scale;
      issue.scale = 1;
    }
    for (let k = 0; k < this.postLength; k++) {
      const w = this.postWeights[k]!;
      if (w <= 0) continue;
      const id = this.postKeys[k]!;
      const delta = w / issue.scale;
      const old = issue.centroid.add(id, delta);
      const next = old + delta;
      issue.normSq += next * next - old * old;
      if (old === 0) {
        this.keys.holders[id]! += 1;
        this.index(id, issue);
      }
    }
    const cap = this.settings.centroidTerms;
    if (issue.centroid.size > cap * 2) {
      // Keep the heaviest terms, ties by name (amortised: once every `cap` new terms), and recompute
      // the norm exactly.
      const { ids, weights } = issue.centroid.entries();
      const names = this.keys.names;
      const order = ids.map((_, i) => i);
      order.sort((a, b) => weights[b]! - weights[a]! || (names[ids[a]!]! < names[ids[b]!]! ? -1 : 1));
      const kept = new Centroid(cap * 2);
      let normSq = 0;
      order.forEach((i, rank) => {
        const id = ids[i]!;
        if (rank < cap) {
          kept.add(id, weights[i]!);
          normSq += weights[i]! * weights[i]!;
        } else {
          this.keys.holders[id]! -= 1;
          if (issue.indexed) this.unindexKey(id, issue);
        }
      });
      issue.centroid = kept;
      issue.normSq = normSq;
    }
    issue.lastAt = Math.max(issue.lastAt, at);
    issue.firstAt = Math.min(issue.firstAt, at);
    issue.posts += 1;
  }

  /** `keys`: how many keys its centroid will take first (a table sized for them is not grown twice). */
  private newIssue(id: string, at: number, title: string, titleScore: number, keys = 8): Issue {
    const issue: Issue = {
      id,
      centroid: new Centroid(keys * 2),
      scale: 1,
      normSq: 0,
      lastAt: at,
      firstAt: at,
      posts: 0,
      title,
      titleScore,
      dot: 0,
      dotOf: 0,
      indexed: true,
    };
    this.indexedIssues.add(issue);
    return issue;
  }

  /** Puts a post in an issue. Deterministic for a given stream: a replay gives the same ids. */
  assign(post: ClusterInput): ClusterAssignment {
    const known = this.postIssue.get(post.id);
    if (known !== undefined) {
      const issueId = known;
      const title = this.issues.peek(issueId)?.title ?? shortTitle(post.text ?? '');
      return { issueId, joined: true, via: 'known', similarity: 1, title };
    }
    this.sweepInactive(post.at);
    this.vectorOf(post);
    this.learnDf();

    let best: { issue: Issue; similarity: number; via: ClusterAssignment['via']; of?: string } | undefined;
    const thin = this.postHeld < this.settings.minKeys;
    const bands = thin ? [] : (post.bands ?? []);
    // Every band is looked up once, here, and the ones no post holds yet become this post's at once
    // (the band table holds millions of keys; a second lookup per band was a fifth of assignment).
    for (let i = 0; i < bands.length; i++) {
      const first = this.firstByBand.claim(bands[i]!, post.id);
      if (best || first === undefined || first === post.id) continue;
      const issueId = this.postIssue.get(first);
      const issue = issueId === undefined ? undefined : this.issues.peek(issueId);
      if (issue) best = { issue, similarity: 1, via: 'near-duplicate', of: first };
    }

    if (!best && !thin) best = this.mostSimilar(post.at);

    let issue: Issue;
    if (best) issue = best.issue;
    else issue = this.newIssue(issueIdFor(post.id), post.at, shortTitle(post.text ?? ''), 0, this.postHeld);
    // The title is the most representative original wording: the post closest to the centroid when it
    // joined by similarity (a copy adds nothing new, so near-duplicates never replace it).
    if (best?.via === 'similarity' && post.text && best.similarity > issue.titleScore) {
      issue.title = shortTitle(post.text);
      issue.titleScore = best.similarity;
    }
    this.addToCentroid(issue, post.at);
    this.issues.set(issue.id, issue);
    this.postIssue.addNew(post.id, issue.id);
    return {
      issueId: issue.id,
      joined: best !== undefined,
      via: best?.via ?? 'founded',
      similarity: best?.similarity ?? 1,
      ...(best?.of ? { nearDuplicateOf: best.of } : {}),
      title: issue.title,
    };
  }

  /**
   * The active issue the current post is most similar to, at or above its threshold.
   *
   * Candidates are the issues that share one of the post's most distinctive known terms (the heaviest
   * `nominateTerms` that some issue holds, each held by at most `nominateLimit` issues). Their dot
   * products over those terms are summed term at a time; the post's other held terms can add at most
   * their norm to any cosine (Cauchy–Schwarz), so a candidate that cannot reach the threshold even so
   * is dropped unscored, and the rest are completed on every term. Words no issue holds nominate
   * nothing and add nothing.
   */
  private mostSimilar(at: number): { issue: Issue; similarity: number; via: 'similarity' } | undefined {
    const keys = this.postKeys;
    const weights = this.postWeights;
    // The post's held keys, heaviest first (equal weights in the post's order): an insertion sort into
    // scratch, as a post has a few dozen keys (Array.sort with a comparator allocated and called out
    // for every comparison).
    if (this.order.length < this.postLength) this.growScan(this.postLength);
    const ordered = this.order;
    let held = 0;
    for (let k = 0; k < this.postLength; k++) {
      const w = weights[k]!;
      if (!(w > 0)) continue;
      let i = held++;
      while (i > 0 && weights[ordered[i - 1]!]! < w) {
        ordered[i] = ordered[i - 1]!;
        i -= 1;
      }
      ordered[i] = k;
    }
    // The nominated part of each candidate's dot product accumulates on the issue itself (scratch
    // fields tagged with this scan's number): a Map keyed by issue cost two lookups per term and issue.
    const scan = ++this.scan;
    const dots = this.candidates;
    dots.length = 0;
    const restIds = this.restIds;
    const restWeights = this.restWeights;
    let rest = 0;
    let restSq = 0;
    let nominating = 0;
    for (let o = 0; o < held; o++) {
      const k = ordered[o]!;
      const id = keys[k]!;
      const w = weights[k]!;
      const list = this.postings[id];
      if (!list) continue;
      if (nominating < this.settings.nominateTerms && list.size <= this.settings.nominateLimit) {
        nominating += 1;
        for (const issue of list) {
          if (issue.dotOf !== scan) {
            issue.dotOf = scan;
            issue.dot = 0;
            dots.push(issue);
          }
          issue.dot += w * issue.centroid.get(id);
        }
      } else {
        restIds[rest] = id;
        restWeights[rest] = w;
        rest += 1;
        restSq += w * w;
      }
    }
    const restNorm = Math.sqrt(restSq);
    // restTail[i]: the norm of rest[i..] (rest is heaviest first), the most those terms can add.
    const restTail = this.restTail;
    restTail[rest] = 0;
    for (let i = rest - 1; i >= 0; i--) restTail[i] = restTail[i + 1]! + restWeights[i]! ** 2;
    for (let i = 0; i < rest; i++) restTail[i] = Math.sqrt(restTail[i]!);
    this.stats.posts += 1;
    this.stats.nominated += dots.length;
    let best: { issue: Issue; similarity: number; via: 'similarity' } | undefined;
    for (const issue of dots) {
      const nominatedDot = issue.dot;
      const gap = this.gap(at, issue);
      if (gap > this.activeFor(issue) || issue.normSq <= 0) continue;
      const quiet = Math.min(1, gap / this.settings.quietRampMs);
      const threshold =
        this.settings.threshold +
        this.settings.sizePenalty * log10Posts(issue.posts) +
        this.settings.quietPenalty * quiet;
      const norm = Math.sqrt(issue.normSq);
      const need = Math.max(threshold, best?.similarity ?? 0) * norm;
      if (nominatedDot + restNorm * norm < need) continue;
      this.stats.candidates += 1;
      // Heaviest remaining terms first; once even the rest's whole norm could not lift the cosine to
      // what is needed, the candidate is dropped without reading its remaining terms.
      let dot = nominatedDot;
      let hopeless = false;
      for (let i = 0; i < rest; i++) {
        dot += restWeights[i]! * issue.centroid.get(restIds[i]!);
        if (dot + restTail[i + 1]! * norm < need) {
          hopeless = true;
          break;
        }
      }
      if (hopeless) continue;
      const s = dot / norm;
      if (s >= threshold && (!best || s > best.similarity) && !this.restsOnOneWord(at, issue, dot))
        best = { issue, similarity: s, via: 'similarity' };
    }
    // The candidates are not kept past the scan (the scratch would hold evicted issues alive).
    dots.length = 0;
    return best;
  }

  private growScan(n: number): void {
    let size = this.order.length;
    while (size < n) size *= 2;
    this.order = new Int32Array(size);
    this.restIds = new Int32Array(size);
    this.restWeights = new Float64Array(size);
    this.restTail = new Float64Array(size + 1);
  }

  /**
   * Takes back a post whose issue is already known (a restarted or newly promoted assigner re-reading
   * recent posts from the index): the issue's centroid, the idf and the near-duplicate links are
   * rebuilt as if the post had just been assigned there.
   */
  learn(post: ClusterInput, issueId: string, title?: string): void {
    if (this.postIssue.has(post.id)) return;
    this.sweepInactive(post.at);
    this.vectorOf(post);
    this.learnDf();
    const issue =
      this.issues.peek(issueId) ??
      this.newIssue(issueId, post.at, title ?? shortTitle(post.text ?? ''), 0.5, this.postHeld);
    this.addToCentroid(issue, post.at);
    this.issues.set(issue.id, issue);
    this.postIssue.addNew(post.id, issue.id);
    // As in assign: a thin post is nobody's original (documents indexed before nlp-id gave texts without
    // words no band keys still carry the shared keys of the empty sketch).
    if (this.postHeld >= this.settings.minKeys)
      for (const band of post.bands ?? []) this.firstByBand.claim(band, post.id);
  }

  /**
   * Restores an issue from its document: still active, but its posts are older than what a restarted
   * assigner replays (the replay is capped). Best from its sample posts (the first few the detector
   * kept, read back from the index): learnt like replayed posts, they give a real centroid and the
   * near-duplicate links that let tomorrow's copies of a viral post find it. Without samples, from its
   * keywords as the detector counted them (`state.termCounts`), each weighing its count times its idf
   * now, scaled to the norm of `posts` posts that agree half-way — the head of the centroid it had.
   * Either way it keeps the document's post count and span (its activity window and size penalty).
   * Call after the replay (the idf is learnt from it); an issue already in memory is left as it is, and
   * none is restored once the memory is full.
   */
  restoreIssue(doc: {
    id: string;
    title: string;
    /** Sample posts of the issue (any order). */
    samples?: readonly ClusterInput[];
    terms?: readonly (readonly [string, number])[];
    posts: number;
    firstAt: number;
    lastAt: number;
  }): boolean {
    // Never at the cost of an issue rebuilt from posts (a full cache evicts its least recent).
    if (this.issues.has(doc.id) || this.full) return false;
    if (doc.samples?.length) {
      for (const post of [...doc.samples].sort((a, b) => a.at - b.at)) this.learn(post, doc.id, doc.title);
      const issue = this.issues.peek(doc.id);
      if (issue) {
        issue.posts = Math.max(issue.posts, Math.round(doc.posts));
        issue.firstAt = Math.min(issue.firstAt, doc.firstAt);
        issue.lastAt = Math.max(issue.lastAt, doc.lastAt);
        return true;
      }
    }
    if (!doc.terms?.length) return false;
    const logN = Math.log(this.effectiveDocs() + this.settings.idfPriorDocs + 1);
    const { hashtagWeight, mentionWeight, urlWeight } = this.settings;
    const kind = (key: string) =>
      key.startsWith('#')
        ? hashtagWeight
        : key.startsWith('@')
          ? mentionWeight
          : key.startsWith('url:')
            ? urlWeight
            : 1;
    const weights = new Map<number, number>();
    let normSq = 0;
    for (const [key, count] of doc.terms) {
      const id = this.keys.idOf(key);
      const w = (logN - Math.log(this.df(id) + 1)) * kind(key) * count;
      if (!(w > 0) || weights.has(id)) continue;
      weights.set(id, w);
      normSq += w * w;
    }
    if (normSq === 0) return false;
    const posts = Math.max(1, Math.round(doc.posts));
    const scale = Math.sqrt(posts) / Math.sqrt(normSq);
    const issue = this.newIssue(doc.id, doc.lastAt, doc.title, 0.5);
    issue.firstAt = Math.min(doc.firstAt, doc.lastAt);
    issue.posts = posts;
    for (const [id, w] of weights) {
      issue.centroid.add(id, w * scale);
      issue.normSq += (w * scale) ** 2;
      this.keys.holders[id]! += 1;
      this.index(id, issue);
    }
    this.issues.set(issue.id, issue);
    return true;
  }

  /**
   * The issue's heaviest centroid terms: what it is about (ties by name). Asked for every assigned
   * post, so the top n are picked in one pass over the centroid instead of sorting all of it.
   */
  keywords(issueId: string, n = 8): string[] {
    const issue = this.issues.peek(issueId);
    if (!issue || n <= 0) return [];
    const names = this.keys.names;
    const keys: string[] = [];
    const weights: number[] = [];
    const before = (w: number, k: string, i: number) =>
      w > weights[i]! || (w === weights[i]! && k.localeCompare(keys[i]!) < 0);
    issue.centroid.forEach((id, w) => {
      // Lighter than the n-th kept: out without reading its name (a cache miss for each of the up to
      // 240 terms, and this runs for every post the scorer assigns).
      if (keys.length === n && w < weights[n - 1]!) return;
      const k = names[id]!;
      if (keys.length === n && !before(w, k, n - 1)) return;
      let i = keys.length === n ? n - 1 : keys.length;
      keys[i] = k;
      weights[i] = w;
      while (i > 0 && before(w, k, i - 1)) {
        keys[i] = keys[i - 1]!;
        weights[i] = weights[i - 1]!;
        keys[i - 1] = k;
        weights[i - 1] = w;
        i -= 1;
      }
    });
    return keys;
  }

  /** Keys interned now (the vocabulary the clusterer remembers), for memory measurements. */
  get vocabulary(): number {
    return this.keys.size;
  }
}
