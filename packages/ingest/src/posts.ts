import {
  PostInput,
  RawPost,
  SCHEMA_VERSION,
  createValidator,
  merge,
  postId,
  type FieldProblem,
} from '@pantau/core';
import type { Producer } from '@pantau/bus';
import { regionIdOf } from '@pantau/nlp-id/src/regions';

/**
 * Turning what a source or a push client gives us into `posts.raw` messages. Every item is checked
 * on its own: a bad item is rejected with its reason, the good ones go on.
 */
const validateInput = createValidator(PostInput, 'post');

/** Something of an accepted post that was left out (a region that names no province or city). */
export interface IngestWarning {
  index: number;
  message: string;
}

export interface Rejection {
  index: number;
  code: 'VALIDATION';
  message: string;
  problems: FieldProblem[];
}

export function toRawPost(input: PostInput, fetchedAt: Date): RawPost {
  return merge({ v: SCHEMA_VERSION, id: postId(input.source, input.sourceId) }, input, {
    fetchedAt: fetchedAt.toISOString(),
  });
}

export function preparePosts(
  items: unknown[],
  now: Date = new Date(),
): { accepted: RawPost[]; rejected: Rejection[]; warnings: IngestWarning[] } {
  const accepted: RawPost[] = [];
  const rejected: Rejection[] = [];
  const warnings: IngestWarning[] = [];
  items.forEach((item, index) => {
    const result = validateInput.check(item);
    if (!result.ok) {
      const message = result.problems.map((p) => `${p.path} ${p.message}`).join('; ');
      rejected.push({ index, code: 'VALIDATION', message, problems: result.problems });
      return;
    }
    if (Number.isNaN(Date.parse(result.value.publishedAt))) {
      rejected.push({ index, code: 'VALIDATION', message: '/publishedAt is not a real date', problems: [] });
      return;
    }
    if (result.value.region === undefined) {
      accepted.push(toRawPost(result.value, now));
      return;
    }
    // The region as its id (`Jawa Timur` → `jatim`). One that names no province or city is dropped with
    // a warning, not the post: a post is worth more than its label, and a misspelling is said, not silent.
    const { region, ...input } = result.value;
    const regionId = regionIdOf(region);
    if (!regionId)
      warnings.push({
        index,
        message: `/region '${region}' is no province or city (GET /v1/regions): ignored`,
      });
    accepted.push(toRawPost(regionId ? { ...input, region: regionId } : input, now));
  });
  return { accepted, rejected, warnings };
}

/** Key `source:sourceId`: every copy of one post lands on one partition, in order. */
export async function publishRawPosts(producer: Producer, topic: string, posts: RawPost[]): Promise<void> {
  await producer.send(
    topic,
    posts.map((p) => ({ key: `${p.source}:${p.sourceId}`, value: JSON.stringify(p) })),
  );
}
