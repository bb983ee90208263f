import type { IssueClusterer } from '@pantau/issues';
import {
  getAssignedPosts,
  scanRecentIssues,
  scanRecentPosts,
  type AssignedPostHit,
  type IndexNames,
  type SearchClient,
} from '@pantau/store';

export interface RestoreSummary {
  /** Posts replayed from the index. */
  posts: number;
  /** Active issues none of whose posts were replayed, restored from their documents. */
  fromDocuments: number;
}

/**
 * Rebuilds an issue assigner from the index, so a restart (or another scorer taking over assignment)
 * keeps running stories in their issues, and a replayed post keeps the issue it was given:
 *
 * 1. the posts of its activity window, oldest first (at most the newest `maxPosts`): the same issues,
 *    centroids, idf and near-duplicate links it had;
 * 2. when the window held more posts than that, the issues last seen before the replay's first post
 *    — at a million posts a day the replay covers only the last ~12 h of a 108 h window — from their
 *    documents: their sample posts read back and learnt (else their keyword counts; see
 *    IssueClusterer.restoreIssue), most recently seen first while the assigner has room. A story
 *    quiet since this morning is then continued, not founded again with a new id, a new "new" event
 *    and a false "rising". (When the whole window was replayed, no issue of it ends before its first
 *    post: step 2 reads nothing.)
 */
export async function restoreClusterer(
  clusterer: IssueClusterer,
  search: SearchClient,
  names: IndexNames,
  now: number,
  maxPosts?: number,
): Promise<RestoreSummary> {
  const since = new Date(now - clusterer.restoreWindowMs()).toISOString();
  let replayStart: string | undefined;
  const posts = await scanRecentPosts(
    search,
    names,
    since,
    (page) => {
      replayStart ??= page[0]?.publishedAt;
      for (const p of page) clusterer.learn(fromIndexed(p), p.issueId, p.issueTitle);
    },
    maxPosts,
  );
  let fromDocuments = 0;
  await scanRecentIssues(search, names, since, replayStart ?? new Date(now).toISOString(), async (page) => {
    const missing = page.filter((issue) => !clusterer.has(issue.id));
    const samples = new Map<string, AssignedPostHit[]>();
    for (const post of await getAssignedPosts(
      search,
      names,
      missing.flatMap((issue) => issue.samplePostIds ?? []),
    )) {
      const list = samples.get(post.issueId);
      if (list) list.push(post);
      else samples.set(post.issueId, [post]);
    }
    for (const issue of missing) {
      if (clusterer.full) return false;
      const lastAt = Date.parse(issue.lastSeen ?? '');
      if (!Number.isFinite(lastAt)) continue;
      const firstAt = Date.parse(issue.firstSeen ?? '');
      const restored = clusterer.restoreIssue({
        id: issue.id,
        title: issue.title ?? '',
        samples: (samples.get(issue.id) ?? []).map(fromIndexed),
        terms: issue.state?.termCounts ?? [],
        posts: issue.count ?? 1,
        firstAt: Number.isFinite(firstAt) ? firstAt : lastAt,
        lastAt,
      });
      if (restored) fromDocuments += 1;
    }
  });
  return { posts, fromDocuments };
}

/** The clusterer's view of a post read back from the index. */
function fromIndexed(p: AssignedPostHit) {
  return {
    id: p.id,
    at: Date.parse(p.publishedAt),
    terms: p.terms ?? [],
    hashtags: p.hashtags ?? [],
    mentions: p.mentions ?? [],
    urls: p.urls ?? [],
    bands: p.signature ?? [],
    ...(p.text ? { text: p.text } : {}),
  };
}
