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
import { unknownRegions } from '@pantau/nlp-id/src/regions';

/**
 * Turning what a source or a push client gives us into `posts.raw` messages. Every item is checked
 * on its own: a bad item is rejected with its reason, the good ones go on.
 */
const validateInput = createValidator(PostInput, 'post');

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
): { accepted: RawPost[]; rejected: Rejection[] } {
  const accepted: RawPost[] = [];
  const rejected: Rejection[] = [];
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
    // A misspelt region would route the post nowhere, silently: refused with the reason instead.
    if (result.value.region !== undefined && unknownRegions([result.value.region]).length) {
      const message = `/region '${result.value.region}' is not a province or city id (GET /v1/regions)`;
      rejected.push({ index, code: 'VALIDATION', message, problems: [{ path: '/region', message }] });
      return;
    }
    accepted.push(toRawPost(result.value, now));
  });
  return { accepted, rejected };
}

/** Key `source:sourceId`: every copy of one post lands on one partition, in order. */
export async function publishRawPosts(producer: Producer, topic: string, posts: RawPost[]): Promise<void> {
  await producer.send(
    topic,
    posts.map((p) => ({ key: `${p.source}:${p.sourceId}`, value: JSON.stringify(p) })),
  );
}
