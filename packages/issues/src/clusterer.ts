import { createHash } from 'node:crypto';

/**
 * Online clustering of posts into issues: one story told in a hundred wordings is one issue, and
 * unrelated posts that merely share everyday words or a campaign hashtag are not.
 *
 * Each post becomes a weighted term vector: every term weighs its inverse document frequency, learnt
 * online from the stream itself and decayed in stream time, so words every issue uses ("tempat",
 * "makan", a hashtag half the stream carries) weigh about nothing and the words that tell stories apart
 * carry the similarity. A post joins the active issue whose time-decayed centroid it is most similar to
 * (cosine, at least `threshold`), or the issue of a near-duplicate it copies (MinHash bands, the
 * strongest evidence: it revives even a quiet issue); otherwise it founds a new issue whose id derives
 * from the founding post, so a replay founds the same issue again. Candidates come from an inverted
 * index over each issue's centroid terms, looked up with the post's most distinctive terms only.
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
   * An issue that had a post in the last `recentMs` takes posts from `recentThreshold` on: stories
   * come in bursts, and a post arriving during one is likelier to belong to it.
   */
  recentMs: number;
  recentThreshold: number;
  /**
   * Virtual posts that contain none of the terms: until the stream has taught enough idf, every word
   * counts as distinctive (a fresh deployment still groups its first posts), and everyday words fade
   * as real posts arrive.
   */
  idfPriorDocs: number;
  /** Term weight = idf^idfPower: above 1 favours the rarest words more. */
  idfPower: number;
  /** The threshold rises by this much per tenfold growth of an issue: a big issue's centroid is broad. */
  sizePenalty: number;
  /** Two issues whose centroids reach this cosine are one story: the younger merges into the older (0 = never). */
  mergeThreshold: number;
  /** Weight multipliers: a hashtag or mention alone is weak evidence of one story. */
  hashtagWeight: number;
  mentionWeight: number;
  /** A shared link (the same article, the same short link) is strong evidence of one story. */
  urlWeight: number;
  /** Terms of a post looked up in the inverted index (its most distinctive ones). */
  lookupTerms: number;
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
  centroidHalfLifeMs: 24 * 3600_000,
  activeMs: 36 * 3600_000,
  recentMs: 0,
  recentThreshold: 0.3,
  idfPower: 1,
  idfPriorDocs: 1000,
  sizePenalty: 0.02,
  mergeThreshold: 0,
  hashtagWeight: 0.5,
  mentionWeight: 0.3,
  urlWeight: 1,
  lookupTerms: 12,
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
  centroid: Map<string, number>;
  norm: number;
  lastAt: number;
  firstAt: number;
  posts: number;
  title: string;
  /** Similarity of the title's post to the centroid when it joined (the founder: 0). */
  titleScore: number;
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

/** A link without scheme, query, fragment or trailing slash: the same article however it was shared. */
export function urlKey(url: string): string {
  return `url:${url
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')}`;
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
  private readonly postings = new Map<string, Set<string>>();
  /** post id → issue id: a replayed post keeps its issue; near-duplicates find theirs. */
  private readonly postIssue: Bounded<string, string>;
  private readonly firstByBand: Bounded<string, string>;
  private readonly aliases = new Map<string, string>();
  private observed = 0;

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

  /** Effective number of posts seen (each older post counts less). */
  private effectiveDocs(): number {
    const r = Math.pow(0.5, 1 / this.settings.dfHalfLifePosts);
    return (1 - Math.pow(r, this.docs)) / (1 - r);
  }

  private idf(term: string): number {
    const e = this.df.get(term);
    const df = e ? e.v * this.decay(this.docs, e.at, this.settings.dfHalfLifePosts) : 0;
    return Math.log((this.effectiveDocs() + this.settings.idfPriorDocs + 1) / (df + 1));
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

  /** The post's weighted, L2-normalised vector. Keys: terms, `#hashtag`, `@mention`. */
  vector(post: ClusterInput): Map<string, number> {
    const raw = new Map<string, number>();
    const add = (key: string, factor: number) => {
      if (raw.has(key)) return;
      const idf = this.idf(key);
      const w = (idf > 0 ? Math.pow(idf, this.settings.idfPower) : 0) * factor;
      if (w > 0) raw.set(key, w);
    };
    // Words that come from splitting a hashtag (#InfoJakarta → info, jakarta) weigh as little as the
    // hashtag: a shared hashtag alone must not make two posts one story.
    // (A word counts as hashtag-made when the text without its hashtags does not contain it; slang the
    // normaliser expanded is caught too, which only costs weight on posts that carry hashtags.)
    const tags = (post.hashtags ?? []).map((h) => h.toLowerCase());
    const plain = tags.length && post.text ? post.text.toLowerCase().replace(/#[^\s#]+/g, ' ') : undefined;
    for (const t of post.terms) {
      const fromTag = plain !== undefined ? !plain.includes(t) : tags.some((h) => h.includes(t));
      add(t, fromTag ? this.settings.hashtagWeight : 1);
    }
    for (const h of tags) add(`#${h}`, this.settings.hashtagWeight);
    for (const m of post.mentions ?? []) add(`@${m.toLowerCase()}`, this.settings.mentionWeight);
    for (const u of post.urls ?? []) add(urlKey(u), this.settings.urlWeight);
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
        ...(post.urls ?? []).map(urlKey),
      ]),
    ];
  }

  private resolve(id: string): string {
    let cur = id;
    for (let i = 0; i < 10 && this.aliases.has(cur); i++) cur = this.aliases.get(cur)!;
    return cur;
  }

  private similarity(v: Map<string, number>, issue: Issue): number {
    if (issue.norm === 0) return 0;
    let dot = 0;
    for (const [k, w] of v) {
      const c = issue.centroid.get(k);
      if (c !== undefined) dot += w * c;
    }
    // The centroid decays as a whole, so its direction (and the cosine) does not depend on time.
    return dot / issue.norm;
  }

  private unindex(id: string, issue: Issue): void {
    for (const k of issue.centroid.keys()) {
      const list = this.postings.get(k);
      if (!list) continue;
      list.delete(id);
      if (list.size === 0) this.postings.delete(k);
    }
  }

  private addToCentroid(issue: Issue, v: Map<string, number>, at: number): void {
    const d = this.decay(at, issue.lastAt, this.settings.centroidHalfLifeMs);
    if (d < 1) for (const [k, w] of issue.centroid) issue.centroid.set(k, w * d);
    for (const [k, w] of v) {
      const had = issue.centroid.has(k);
      issue.centroid.set(k, (issue.centroid.get(k) ?? 0) + w);
      if (!had) {
        let list = this.postings.get(k);
        if (!list) this.postings.set(k, (list = new Set()));
        list.add(issue.id);
      }
    }
    const cap = this.settings.centroidTerms;
    if (issue.centroid.size > cap * 1.5) {
      const keep = [...issue.centroid].sort((a, b) => b[1] - a[1]);
      for (const [k] of keep.slice(cap)) {
        issue.centroid.delete(k);
        const list = this.postings.get(k);
        list?.delete(issue.id);
        if (list && list.size === 0) this.postings.delete(k);
      }
    }
    let norm = 0;
    for (const w of issue.centroid.values()) norm += w * w;
    issue.norm = Math.sqrt(norm);
    issue.lastAt = Math.max(issue.lastAt, at);
    issue.firstAt = Math.min(issue.firstAt, at);
    issue.posts += 1;
  }

  /** Puts a post in an issue. Deterministic for a given stream: a replay gives the same ids. */
  assign(post: ClusterInput): ClusterAssignment {
    const known = this.postIssue.get(post.id);
    if (known !== undefined) {
      const issueId = this.resolve(known);
      const title = this.issues.get(issueId)?.title ?? shortTitle(post.text ?? '');
      return { issueId, joined: true, via: 'known', similarity: 1, title };
    }
    const v = this.vector(post);
    this.learnDf(this.keysOf(post));

    let best: { issue: Issue; similarity: number; via: ClusterAssignment['via']; of?: string } | undefined;
    const close: Issue[] = [];
    for (const band of post.bands ?? []) {
      const first = this.firstByBand.get(band);
      if (first === undefined || first === post.id) continue;
      const issueId = this.postIssue.get(first);
      const issue = issueId === undefined ? undefined : this.issues.get(this.resolve(issueId));
      if (issue) {
        best = { issue, similarity: 1, via: 'near-duplicate', of: first };
        break;
      }
    }

    if (!best && v.size > 0) {
      // Look terms up from the heaviest down, and stop once the terms left could not reach the
      // threshold even together (Cauchy–Schwarz: their share of the cosine is at most their norm). So
      // only provably irrelevant everyday words are skipped, never a word that could decide.
      const floor = Math.min(
        this.settings.threshold,
        this.settings.recentMs > 0 ? this.settings.recentThreshold : 1,
      );
      const ordered = [...v].sort((a, b) => b[1] - a[1]);
      let remaining = 0;
      for (const [, w] of ordered) remaining += w * w;
      const seen = new Set<string>();
      for (const [k, w] of ordered) {
        if (Math.sqrt(Math.max(0, remaining)) < floor) break;
        remaining -= w * w;
        const list = this.postings.get(k);
        if (!list) continue;
        for (const id of list) {
          if (seen.has(id)) continue;
          seen.add(id);
          const issue = this.issues.get(id);
          if (!issue || post.at - issue.lastAt > this.settings.activeMs) continue;
          const s = this.similarity(v, issue);
          const recent = post.at - issue.lastAt <= this.settings.recentMs;
          const base = recent
            ? Math.min(this.settings.recentThreshold, this.settings.threshold)
            : this.settings.threshold;
          const threshold = base + this.settings.sizePenalty * Math.log10(Math.max(1, issue.posts));
          if (s >= threshold) close.push(issue);
          if (s >= threshold && (!best || s > best.similarity)) {
            best = { issue, similarity: s, via: 'similarity' };
          }
        }
      }
    }

    let issue: Issue;
    if (best) issue = best.issue;
    else {
      issue = {
        id: issueIdFor(post.id),
        centroid: new Map(),
        norm: 0,
        lastAt: post.at,
        firstAt: post.at,
        posts: 0,
        title: shortTitle(post.text ?? ''),
        titleScore: 0,
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
    if (this.settings.mergeThreshold > 0) {
      for (const other of close) {
        if (other === issue || !this.issues.has(other.id)) continue;
        if (this.cosine(issue, other) >= this.settings.mergeThreshold) issue = this.merge(issue, other);
      }
    }
    this.postIssue.touch(post.id, issue.id);
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

  private cosine(a: Issue, b: Issue): number {
    if (!a.norm || !b.norm) return 0;
    let dot = 0;
    const [small, large] = a.centroid.size < b.centroid.size ? [a, b] : [b, a];
    for (const [k, w] of small.centroid) dot += w * (large.centroid.get(k) ?? 0);
    return dot / (a.norm * b.norm);
  }

  /** Folds the younger issue into the older; the younger id stays an alias of the older. */
  private merge(a: Issue, b: Issue): Issue {
    const [keep, gone] = a.firstAt <= b.firstAt ? [a, b] : [b, a];
    this.unindex(gone.id, gone);
    this.issues.delete(gone.id);
    const d = this.decay(keep.lastAt, gone.lastAt, this.settings.centroidHalfLifeMs);
    const v = new Map<string, number>();
    for (const [k, w] of gone.centroid) v.set(k, w * d);
    const posts = keep.posts + gone.posts;
    this.addToCentroid(keep, v, Math.max(keep.lastAt, gone.lastAt));
    keep.posts = posts;
    keep.firstAt = Math.min(keep.firstAt, gone.firstAt);
    this.aliases.set(gone.id, keep.id);
    this.issues.touch(keep.id, keep);
    return keep;
  }

  /** The issue an id now stands for (itself, or the issue it was merged into). */
  canonical(issueId: string): string {
    return this.resolve(issueId);
  }

  /**
   * Takes back a post whose issue is already known (a restarted or newly promoted assigner re-reading
   * recent posts from the index): the issue's centroid, the idf and the near-duplicate links are
   * rebuilt as if the post had just been assigned there.
   */
  learn(post: ClusterInput, issueId: string, title?: string): void {
    if (this.postIssue.has(post.id)) return;
    const v = this.vector(post);
    this.learnDf(this.keysOf(post));
    let issue = this.issues.get(issueId);
    if (!issue) {
      issue = {
        id: issueId,
        centroid: new Map(),
        norm: 0,
        lastAt: post.at,
        firstAt: post.at,
        posts: 0,
        title: title ?? shortTitle(post.text ?? ''),
        titleScore: 0.5,
      };
    }
    this.addToCentroid(issue, v, post.at);
    this.issues.touch(issue.id, issue);
    this.postIssue.touch(post.id, issue.id);
    for (const band of post.bands ?? [])
      if (!this.firstByBand.has(band)) this.firstByBand.touch(band, post.id);
  }

  /** The issue's heaviest centroid terms: what it is about. */
  keywords(issueId: string, n = 8): string[] {
    const issue = this.issues.get(this.resolve(issueId));
    if (!issue) return [];
    return [...issue.centroid]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, n)
      .map(([k]) => k);
  }

  /** Similarity of a post to its issue's current centroid (for picking a representative post). */
  representativeness(issueId: string, post: ClusterInput): number {
    const issue = this.issues.get(this.resolve(issueId));
    return issue ? this.similarity(this.vector(post), issue) : 0;
  }
}
