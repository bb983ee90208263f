import { createHash } from 'node:crypto';

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
   * the scale, so similarity reads the stored weights directly.
   */
  centroid: Map<string, number>;
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
  const clean = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/, '')}…`;
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

export function issueIdFor(foundingPostId: string): string {
  return `is_${createHash('sha256').update(foundingPostId).digest('hex').slice(0, 20)}`;
}

/** A Map in insertion order used as a bounded LRU. */
class Bounded<K, V> extends Map<K, V> {
  constructor(
    private readonly max: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    super();
  }
  touch(key: K, value: V): void {
    super.delete(key);
    super.set(key, value);
    while (this.size > this.max) {
      const [k, v] = this.entries().next().value as [K, V];
      super.delete(k);
      this.onEvict?.(k, v);
    }
  }
}

export class IssueClusterer {
  readonly settings: ClustererSettings;
  /** Document frequency of each key, as of post number `at` (decayed lazily). */
  private readonly df = new Map<string, { v: number; at: number }>();
  private docs = 0;
  private readonly issues: Bounded<string, Issue>;
  /**
   * Centroid term → the active issues whose centroid holds it. Issues that went quiet are taken out
   * (see `sweepInactive`): the nomination limit counts these lists, and with every issue ever founded in
   * them, any word some months of stream had used ("makan", "babi") held by more than `nominateLimit`
   * issues nominated nothing, so the posts of a new story could not find each other.
   */
  private readonly postings = new Map<string, Set<Issue>>();
  /** The latest stream time seen: issues quiet for longer than their activity window before it leave the postings. */
  private latestAt = -Infinity;
  /** post id → issue id: a replayed post keeps its issue; near-duplicates find theirs. */
  private readonly postIssue: Bounded<string, string>;
  private readonly firstByBand: Bounded<string, string>;
  private observed = 0;
  private sinceSweep = 0;
  /** Work done, for benchmarks: posts that looked for candidates, and candidates scored. */
  readonly stats = { posts: 0, nominated: 0, candidates: 0 };
  /** Numbers each candidate scan, so an issue's scratch dot product is known fresh without a reset pass. */
  private scan = 0;

  constructor(settings: Partial<ClustererSettings> = {}) {
    this.settings = { ...DEFAULT_CLUSTERER_SETTINGS, ...settings };
    this.issues = new Bounded(this.settings.maxIssues, (id, issue) => this.unindex(id, issue));
    this.postIssue = new Bounded(this.settings.maxPosts);
    this.firstByBand = new Bounded(this.settings.maxPosts * 4);
  }

  get size(): number {
    return this.issues.size;
  }

  private decay(at: number, since: number, halfLife: number): number {
    return at <= since ? 1 : Math.pow(0.5, (at - since) / halfLife);
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
    return this.settings.activeMs * (1 + this.settings.activeGrowth * Math.log10(Math.max(1, issue.posts)));
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

  /** idf of a key, given log(N + prior + 1) computed once per post. */
  private idf(term: string, logN: number): number {
    const e = this.df.get(term);
    const df = e ? e.v * this.decay(this.docs, e.at, this.settings.dfHalfLifePosts) : 0;
    return logN - Math.log(df + 1);
  }

  private learnDf(keys: readonly string[]): void {
    const h = this.settings.dfHalfLifePosts;
    this.docs += 1;
    for (const k of keys) {
      const e = this.df.get(k);
      if (e) {
        e.v = e.v * this.decay(this.docs, e.at, h) + 1;
        e.at = this.docs;
      } else this.df.set(k, { v: 1, at: this.docs });
    }
    // Forget keys whose weight has decayed to almost nothing, so the vocabulary stays bounded.
    if (++this.observed % 50_000 === 0) {
      for (const [k, e] of this.df) if (e.v * this.decay(this.docs, e.at, h) < 0.05) this.df.delete(k);
    }
  }

  /**
   * A key's weight in a post's vector, once (a method, not a closure per post: under tsx's keepNames a
   * named closure costs a defineProperty each time it is made).
   */
  private addKey(raw: Map<string, number>, key: string, factor: number, logN: number): void {
    if (raw.has(key)) return;
    const w = this.idf(key, logN) * factor;
    if (w > 0) raw.set(key, w);
  }

  /** The post's weighted, L2-normalised vector. Keys: terms, `#hashtag`, `@mention`. */
  vector(post: ClusterInput): Map<string, number> {
    const raw = new Map<string, number>();
    const logN = Math.log(this.effectiveDocs() + this.settings.idfPriorDocs + 1);
    // Words that come from splitting a hashtag (#InfoJakarta → info, jakarta) weigh as little as the
    // hashtag: a shared hashtag alone must not make two posts one story.
    // (A word counts as hashtag-made when the text without its hashtags does not contain it; slang the
    // normaliser expanded is caught too, which only costs weight on posts that carry hashtags.)
    const tags = (post.hashtags ?? []).map((h) => h.toLowerCase());
    const plain = tags.length && post.text ? post.text.toLowerCase().replace(/#[^\s#]+/g, ' ') : undefined;
    for (const t of post.terms) {
      const fromTag = plain !== undefined ? !plain.includes(t) : tags.some((h) => h.includes(t));
      this.addKey(raw, t, fromTag ? this.settings.hashtagWeight : 1, logN);
    }
    for (const h of tags) this.addKey(raw, `#${h}`, this.settings.hashtagWeight, logN);
    for (const m of post.mentions ?? [])
      this.addKey(raw, `@${m.toLowerCase()}`, this.settings.mentionWeight, logN);
    for (const u of post.urls ?? []) {
      const key = urlKey(u);
      if (key) this.addKey(raw, key, this.settings.urlWeight, logN);
    }
    let norm = 0;
    for (const w of raw.values()) norm += w * w;
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [k, w] of raw) raw.set(k, w / norm);
    return raw;
  }

  private keysOf(post: ClusterInput): string[] {
    return [
      ...new Set([
        ...post.terms,
        ...(post.hashtags ?? []).map((h) => `#${h.toLowerCase()}`),
        ...(post.mentions ?? []).map((m) => `@${m.toLowerCase()}`),
        ...(post.urls ?? []).map(urlKey).filter((k) => k !== ''),
      ]),
    ];
  }

  /**
   * Whether one shared key makes `maxOneKeyShare` or more of the post's dot product with an issue
   * quiet for `oneKeyQuietMs` or longer (see `maxOneKeyShare`).
   */
  private restsOnOneWord(post: ClusterInput, v: Map<string, number>, issue: Issue, dot: number): boolean {
    if (this.settings.maxOneKeyShare >= 1 || dot <= 0) return false;
    if (this.gap(post.at, issue) < this.settings.oneKeyQuietMs) return false;
    let top = 0;
    for (const [k, w] of v) {
      const c = issue.centroid.get(k);
      if (c !== undefined && w * c > top) top = w * c;
    }
    return top >= this.settings.maxOneKeyShare * dot;
  }

  private similarity(v: Map<string, number>, issue: Issue): number {
    if (issue.normSq <= 0) return 0;
    let dot = 0;
    for (const [k, w] of v) {
      const c = issue.centroid.get(k);
      if (c !== undefined) dot += w * c;
    }
    return dot / Math.sqrt(issue.normSq);
  }

  private unindex(id: string, issue: Issue): void {
    if (!issue.indexed) return;
    for (const k of issue.centroid.keys()) {
      const list = this.postings.get(k);
      if (!list) continue;
      list.delete(issue);
      if (list.size === 0) this.postings.delete(k);
    }
    issue.indexed = false;
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
    for (const [id, issue] of this.issues)
      if (issue.indexed && this.latestAt - issue.lastAt > this.activeFor(issue)) this.unindex(id, issue);
  }

  private addToCentroid(issue: Issue, v: Map<string, number>, at: number): void {
    if (!issue.indexed) {
      // A quiet issue revived (by a near-duplicate): back into the postings with all its terms.
      for (const k of issue.centroid.keys()) {
        let list = this.postings.get(k);
        if (!list) this.postings.set(k, (list = new Set()));
        list.add(issue);
      }
      issue.indexed = true;
    }
    issue.scale *= this.decay(at, issue.lastAt, this.settings.centroidHalfLifeMs);
    if (issue.scale < 1e-9) {
      // Fold the scale back into the weights before it underflows.
      for (const [k, w] of issue.centroid) issue.centroid.set(k, w * issue.scale);
      issue.normSq *= issue.scale * issue.scale;
      issue.scale = 1;
    }
    for (const [k, w] of v) {
      const old = issue.centroid.get(k);
      const next = (old ?? 0) + w / issue.scale;
      issue.centroid.set(k, next);
      issue.normSq += next * next - (old ?? 0) * (old ?? 0);
      if (old === undefined) {
        let list = this.postings.get(k);
        if (!list) this.postings.set(k, (list = new Set()));
        list.add(issue);
      }
    }
    const cap = this.settings.centroidTerms;
    if (issue.centroid.size > cap * 2) {
      // Keep the heaviest terms (amortised: once every `cap` new terms), and recompute the norm exactly.
      const keep = [...issue.centroid].sort((a, b) => b[1] - a[1]);
      for (const [k] of keep.slice(cap)) {
        issue.centroid.delete(k);
        const list = this.postings.get(k);
        list?.delete(issue);
        if (list && list.size === 0) this.postings.delete(k);
      }
      let normSq = 0;
      for (const w of issue.centroid.values()) normSq += w * w;
      issue.normSq = normSq;
    }
    issue.lastAt = Math.max(issue.lastAt, at);
    issue.firstAt = Math.min(issue.firstAt, at);
    issue.posts += 1;
  }

  /** Puts a post in an issue. Deterministic for a given stream: a replay gives the same ids. */
  assign(post: ClusterInput): ClusterAssignment {
    const known = this.postIssue.get(post.id);
    if (known !== undefined) {
      const issueId = known;
      const title = this.issues.get(issueId)?.title ?? shortTitle(post.text ?? '');
      return { issueId, joined: true, via: 'known', similarity: 1, title };
    }
    this.sweepInactive(post.at);
    const v = this.vector(post);
    this.learnDf(this.keysOf(post));

    let best: { issue: Issue; similarity: number; via: ClusterAssignment['via']; of?: string } | undefined;
    const thin = v.size < this.settings.minKeys;
    for (const band of thin ? [] : (post.bands ?? [])) {
      const first = this.firstByBand.get(band);
      if (first === undefined || first === post.id) continue;
      const issueId = this.postIssue.get(first);
      const issue = issueId === undefined ? undefined : this.issues.get(issueId);
      if (issue) {
        best = { issue, similarity: 1, via: 'near-duplicate', of: first };
        break;
      }
    }

    if (!best && !thin) {
      // Candidates are the issues that share one of the post's most distinctive known terms (the
      // heaviest `nominateTerms` that some issue holds, each held by at most `nominateLimit` issues).
      // Their dot products over those terms are summed term at a time; the post's other held terms
      // can add at most their norm to any cosine (Cauchy–Schwarz), so a candidate that cannot reach
      // the threshold even so is dropped unscored, and the rest are completed on every term. Words no
      // issue holds nominate nothing and add nothing.
      const ordered = [...v].sort((a, b) => b[1] - a[1]);
      // The nominated part of each candidate's dot product accumulates on the issue itself (scratch
      // fields tagged with this scan's number): a Map keyed by issue cost two lookups per term and issue.
      const scan = ++this.scan;
      const dots: Issue[] = [];
      const rest: [string, number][] = [];
      let restSq = 0;
      let nominating = 0;
      for (const [k, w] of ordered) {
        const list = this.postings.get(k);
        if (!list) continue;
        if (nominating < this.settings.nominateTerms && list.size <= this.settings.nominateLimit) {
          nominating += 1;
          for (const issue of list) {
            if (issue.dotOf !== scan) {
              issue.dotOf = scan;
              issue.dot = 0;
              dots.push(issue);
            }
            issue.dot += w * issue.centroid.get(k)!;
          }
        } else {
          rest.push([k, w]);
          restSq += w * w;
        }
      }
      const restNorm = Math.sqrt(restSq);
      // restTail[i]: the norm of rest[i..] (rest is heaviest first), the most those terms can add.
      const restTail = new Float64Array(rest.length + 1);
      for (let i = rest.length - 1; i >= 0; i--) restTail[i] = restTail[i + 1]! + rest[i]![1] ** 2;
      for (let i = 0; i < rest.length; i++) restTail[i] = Math.sqrt(restTail[i]!);
      this.stats.posts += 1;
      this.stats.nominated += dots.length;
      for (const issue of dots) {
        const nominatedDot = issue.dot;
        const gap = this.gap(post.at, issue);
        if (gap > this.activeFor(issue) || issue.normSq <= 0) continue;
        const quiet = Math.min(1, gap / this.settings.quietRampMs);
        const threshold =
          this.settings.threshold +
          this.settings.sizePenalty * Math.log10(Math.max(1, issue.posts)) +
          this.settings.quietPenalty * quiet;
        const norm = Math.sqrt(issue.normSq);
        const need = Math.max(threshold, best?.similarity ?? 0) * norm;
        if (nominatedDot + restNorm * norm < need) continue;
        this.stats.candidates += 1;
        // Heaviest remaining terms first; once even the rest's whole norm could not lift the cosine to
        // what is needed, the candidate is dropped without reading its remaining terms.
        let dot = nominatedDot;
        let hopeless = false;
        for (let i = 0; i < rest.length; i++) {
          const [k, w] = rest[i]!;
          const c = issue.centroid.get(k);
          if (c !== undefined) dot += w * c;
          if (dot + restTail[i + 1]! * norm < need) {
            hopeless = true;
            break;
          }
        }
        if (hopeless) continue;
        const s = dot / norm;
        if (s >= threshold && (!best || s > best.similarity) && !this.restsOnOneWord(post, v, issue, dot))
          best = { issue, similarity: s, via: 'similarity' };
      }
    }

    let issue: Issue;
    if (best) issue = best.issue;
    else {
      issue = {
        id: issueIdFor(post.id),
        centroid: new Map(),
        scale: 1,
        normSq: 0,
        lastAt: post.at,
        firstAt: post.at,
        posts: 0,
        title: shortTitle(post.text ?? ''),
        titleScore: 0,
        dot: 0,
        dotOf: 0,
        indexed: true,
      };
    }
    // The title is the most representative original wording: the post closest to the centroid when it
    // joined by similarity (a copy adds nothing new, so near-duplicates never replace it).
    if (best?.via === 'similarity' && post.text && best.similarity > issue.titleScore) {
      issue.title = shortTitle(post.text);
      issue.titleScore = best.similarity;
    }
    this.addToCentroid(issue, v, post.at);
    this.issues.touch(issue.id, issue);
    this.postIssue.touch(post.id, issue.id);
    if (!thin)
      for (const band of post.bands ?? [])
        if (!this.firstByBand.has(band)) this.firstByBand.touch(band, post.id);
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
   * Takes back a post whose issue is already known (a restarted or newly promoted assigner re-reading
   * recent posts from the index): the issue's centroid, the idf and the near-duplicate links are
   * rebuilt as if the post had just been assigned there.
   */
  learn(post: ClusterInput, issueId: string, title?: string): void {
    if (this.postIssue.has(post.id)) return;
    this.sweepInactive(post.at);
    const v = this.vector(post);
    this.learnDf(this.keysOf(post));
    let issue = this.issues.get(issueId);
    if (!issue) {
      issue = {
        id: issueId,
        centroid: new Map(),
        scale: 1,
        normSq: 0,
        lastAt: post.at,
        firstAt: post.at,
        posts: 0,
        title: title ?? shortTitle(post.text ?? ''),
        titleScore: 0.5,
        dot: 0,
        dotOf: 0,
        indexed: true,
      };
    }
    this.addToCentroid(issue, v, post.at);
    this.issues.touch(issue.id, issue);
    this.postIssue.touch(post.id, issue.id);
    // As in assign: a thin post is nobody's original (documents indexed before nlp-id gave texts without
    // words no band keys still carry the shared keys of the empty sketch).
    if (v.size >= this.settings.minKeys)
      for (const band of post.bands ?? [])
        if (!this.firstByBand.has(band)) this.firstByBand.touch(band, post.id);
  }

  /**
   * The issue's heaviest centroid terms: what it is about (ties by name). Asked for every assigned
   * post, so the top n are picked in one pass over the centroid instead of sorting all of it.
   */
  keywords(issueId: string, n = 8): string[] {
    const issue = this.issues.get(issueId);
    if (!issue || n <= 0) return [];
    const keys: string[] = [];
    const weights: number[] = [];
    const before = (w: number, k: string, i: number) =>
      w > weights[i]! || (w === weights[i]! && k.localeCompare(keys[i]!) < 0);
    for (const [k, w] of issue.centroid) {
      if (keys.length === n && !before(w, k, n - 1)) continue;
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
    }
    return keys;
  }

  /** Similarity of a post to its issue's current centroid (for picking a representative post). */
  representativeness(issueId: string, post: ClusterInput): number {
    const issue = this.issues.get(issueId);
    return issue ? this.similarity(this.vector(post), issue) : 0;
  }
}
