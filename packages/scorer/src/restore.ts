import type { IssueClusterer } from '@pantau/issues';
import { scanRecentPosts, type IndexNames, type SearchClient } from '@pantau/store';

/**
 * Rebuilds an issue assigner from the posts indexed in its activity window, oldest first: the same
 * issues, centroids, idf and near-duplicate links it had, so a restart (or another scorer taking over
 * assignment) keeps running stories in their issues, and a replayed post keeps the issue it was given.
 */
export async function restoreClusterer(
  clusterer: IssueClusterer,
  search: SearchClient,
  names: IndexNames,
  now: number,
): Promise<number> {
  const since = new Date(now - clusterer.restoreWindowMs()).toISOString();
  return scanRecentPosts(search, names, since, (posts) => {
    for (const p of posts) {
      clusterer.learn(
        {
          id: p.id,
          at: Date.parse(p.publishedAt),
          terms: p.terms ?? [],
          hashtags: p.hashtags ?? [],
          mentions: p.mentions ?? [],
          urls: p.urls ?? [],
          bands: p.signature ?? [],
          ...(p.text ? { text: p.text } : {}),
        },
        p.issueId,
        p.issueTitle,
      );
    }
  });
}
