import { createHash } from 'node:crypto';
import { Lru } from './lru';

/**
 * Online grouping of posts into issues (first cut). A post joins the recent issue whose core terms
 * it shares most — at least `minShared` terms and `minSimilarity` of the smaller set — or the issue of
 * a near-duplicate it copies; otherwise it founds a new issue whose id derives from the founding
 * post, so a replay after a restart founds the same issue again.
 *
 * Known limit: the state is per scorer process. With several scorers the same story can found one
 * issue per scorer; a shared assigner (or re-keying in the detector) is the next step.
 */
export interface IssueAssignerSettings {
  maxIssues: number;
  minShared: number;
  minSimilarity: number;
  /** This many shared terms join a post to an issue whatever the share. */
  strongShared: number;
  /** Terms that appear in at least this share of an issue's posts are its core terms. */
  coreShare: number;
  /** Terms used to describe a post (the first N content terms plus hashtags). */
  maxPostTerms: number;
  maxIssueTerms: number;
  /** Postings lists longer than this are too common to be worth scanning. */
  maxPostings: number;
}

export const DEFAULT_ASSIGNER_SETTINGS: IssueAssignerSettings = {
  maxIssues: 50_000,
  minShared: 2,
  minSimilarity: 0.35,
  strongShared: 3,
  coreShare: 0.3,
  maxPostTerms: 20,
  maxIssueTerms: 200,
  maxPostings: 2_000,
};

interface IssueTerms {
  id: string;
  posts: number;
  termCounts: Map<string, number>;
}

export interface Assignment {
  issueId: string;
  issueTerms: string[];
  joined: boolean;
}

export function issueIdFor(foundingPostId: string): string {
  return `is_${createHash('sha256').update(foundingPostId).digest('hex').slice(0, 20)}`;
}

export class IssueAssigner {
  private readonly postings = new Map<string, Set<string>>();
  private readonly issues: Lru<string, IssueTerms>;

  constructor(private readonly settings: IssueAssignerSettings = DEFAULT_ASSIGNER_SETTINGS) {
    this.issues = new Lru(settings.maxIssues, (id, issue) => {
      for (const t of issue.termCounts.keys()) this.postings.get(t)?.delete(id);
    });
  }

  get size(): number {
    return this.issues.size;
  }

  private core(issue: IssueTerms): string[] {
    const min = Math.max(1, issue.posts * this.settings.coreShare);
    return [...issue.termCounts]
      .filter(([, c]) => c >= min)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([t]) => t);
  }

  /**
   * Re-learns a known issue (from its stored document) so a restarted scorer keeps putting posts of
   * a running story into the same issue.
   */
  seed(issueId: string, termCounts: [string, number][], posts: number): void {
    if (this.issues.peek(issueId)) return;
    const issue: IssueTerms = { id: issueId, posts: Math.max(1, posts), termCounts: new Map() };
    for (const [t, c] of termCounts.slice(0, this.settings.maxIssueTerms)) {
      issue.termCounts.set(t, c);
      let list = this.postings.get(t);
      if (!list) this.postings.set(t, (list = new Set()));
      list.add(issueId);
    }
    this.issues.set(issueId, issue);
  }

  assign(
    postId: string,
    contentTerms: string[],
    hashtags: string[],
    nearDuplicateIssueId?: string,
  ): Assignment {
    const terms = [
      ...new Set([
        ...hashtags.map((h) => `#${h.toLowerCase()}`),
        ...contentTerms.slice(0, this.settings.maxPostTerms),
      ]),
    ];
    let best: { issue: IssueTerms; score: number } | undefined;

    const nearDuplicate = nearDuplicateIssueId ? this.issues.get(nearDuplicateIssueId) : undefined;
    if (nearDuplicate) best = { issue: nearDuplicate, score: 1 };
    else if (terms.length >= this.settings.minShared) {
      const candidates = new Set<string>();
      for (const t of terms) {
        const list = this.postings.get(t);
        if (list && list.size <= this.settings.maxPostings) for (const id of list) candidates.add(id);
      }
      const termSet = new Set(terms);
      for (const id of candidates) {
        const issue = this.issues.peek(id);
        if (!issue) continue;
        const core = this.core(issue);
        let shared = 0;
        for (const t of core) if (termSet.has(t)) shared++;
        const similarity = shared / Math.min(termSet.size, core.length || 1);
        // Either enough of the smaller set, or many distinctive terms outright (a variant that adds its
        // own words to a known claim still shares its core).
        const close = similarity >= this.settings.minSimilarity || shared >= this.settings.strongShared;
        if (shared >= this.settings.minShared && close && (!best || similarity + shared / 100 > best.score)) {
          best = { issue, score: similarity + shared / 100 };
        }
      }
    }

    const joined = best !== undefined;
    const issue = best?.issue ?? { id: issueIdFor(postId), posts: 0, termCounts: new Map<string, number>() };
    issue.posts += 1;
    for (const t of terms) {
      if (!issue.termCounts.has(t) && issue.termCounts.size >= this.settings.maxIssueTerms) continue;
      issue.termCounts.set(t, (issue.termCounts.get(t) ?? 0) + 1);
      let list = this.postings.get(t);
      if (!list) this.postings.set(t, (list = new Set()));
      list.add(issue.id);
    }
    this.issues.set(issue.id, issue);
    return { issueId: issue.id, issueTerms: this.core(issue).slice(0, 8), joined };
  }
}
