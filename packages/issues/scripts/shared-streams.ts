/**
 * The shared labelled data the issue-engine scripts read in place (../shared/data, never copied), and
 * the one way they mix unrelated chatter into a labelled stream.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seededRandom } from '@pantau/core';
import type { StreamPost } from '../src';

export const sharedDataDir = path.resolve(__dirname, '../../../../shared/data');

export type LabelledPost = StreamPost & { label: string };

const lines = (file: string) => fs.readFileSync(path.join(sharedDataDir, file), 'utf8').trim().split('\n');

/** Tweets tied to fact-checked topics of the 2019 campaign, in time order, labelled by topic. */
export const readElectionStream = (): LabelledPost[] =>
  lines('issues/election2019-topics-train.jsonl').map((l) => JSON.parse(l) as LabelledPost);

/** IndoNLU SmSA review texts (unrelated to any election topic). */
export const readSmsaTexts = (): string[] =>
  lines('text/indonlu-smsa-train.tsv').map((l) => l.split('\t')[0]!);

/**
 * The stream with `chatter` spread at random over its time span, each text its own story (label = id),
 * in time order. The same seed and prefix give the same stream.
 */
export function mixInChatter(
  stream: LabelledPost[],
  chatter: string[],
  seed: number,
  idPrefix: string,
): LabelledPost[] {
  const start = Date.parse(stream[0]!.publishedAt);
  const end = Date.parse(stream[stream.length - 1]!.publishedAt);
  const random = seededRandom(seed);
  const mixed = chatter.map((text, i) => ({
    id: `${idPrefix}${i}`,
    text,
    publishedAt: new Date(start + random() * (end - start)).toISOString(),
    label: `${idPrefix}${i}`,
  }));
  return [...stream, ...mixed].sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt));
}
