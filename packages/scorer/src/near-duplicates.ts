import { Lru } from './lru';

/**
 * Remembers which post first carried each LSH band key, so a copy-paste of an earlier post is linked
 * to it (and to its issue) in O(bands).
 */
export class NearDuplicateIndex {
  private readonly firstByBand: Lru<string, { postId: string; issueId: string }>;

  constructor(maxBands = 1_000_000) {
    this.firstByBand = new Lru(maxBands);
  }

  find(bands: string[], selfId: string): { postId: string; issueId: string } | undefined {
    for (const band of bands) {
      const hit = this.firstByBand.get(band);
      if (hit && hit.postId !== selfId) return hit;
    }
    return undefined;
  }

  remember(bands: string[], postId: string, issueId: string): void {
    for (const band of bands)
      if (!this.firstByBand.peek(band)) this.firstByBand.set(band, { postId, issueId });
  }
}
