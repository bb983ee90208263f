/**
 * How the clusterer's quiet penalty (and threshold) were chosen, reproducibly. Shared data is read from
 * ../shared/data, never copied.
 *
 *   npx tsx packages/issues/scripts/tune-quiet.ts tune   '[{},{"quietPenalty":0},{"threshold":0.14}]'
 *   npx tsx packages/issues/scripts/tune-quiet.ts report '[{},{"quietPenalty":0}]'
 *
 * `tune`: the first half of the election stream alone and mixed with 2,500 SmSA reviews (rows
 * 6,000–8,500) spread over its span, plus the largest issue's share of 5,000 dense reviews (one every
 * 20 s) on two slices (rows 6,000–11,000 and 0–5,000: the second is the one the tests hold under 5 %).
 * `report`: the second half alone and mixed with other reviews (rows 8,500–11,000). Each grid entry is
 * a partial ClustererSettings over the shipped defaults; prints B-cubed F1 per stream.
 */
import { createEnricher } from '@pantau/nlp-id';
import { runStream, type StreamPost } from '../src/harness';
import { bcubed } from '../src/bcubed';
import { mixInChatter, readElectionStream, readSmsaTexts, type LabelledPost } from './shared-streams';

const election = readElectionStream();
const smsa = readSmsaTexts();
const half = Math.floor(election.length / 2);
const mix = (stream: LabelledPost[], reviews: string[], seed: number) =>
  mixInChatter(stream, reviews, seed, `s${seed}-`);
const dense = (from: number): StreamPost[] =>
  smsa.slice(from, from + 5000).map((text, i) => ({
    id: `d-${i}`,
    text,
    publishedAt: new Date(Date.parse('2026-01-01T00:00:00Z') + i * 20_000).toISOString(),
  }));

const which = process.argv[2] ?? 'tune';
const sets: Record<string, LabelledPost[]> =
  which === 'tune'
    ? { first: election.slice(0, half), firstMixed: mix(election.slice(0, half), smsa.slice(6000, 8500), 7) }
    : { second: election.slice(half), secondMixed: mix(election.slice(half), smsa.slice(8500, 11000), 9) };
const grid: object[] = JSON.parse(process.argv[3] ?? '[{}]');
const enricher = createEnricher();
for (const settings of grid) {
  const run = (posts: StreamPost[]) => runStream(posts, { enricher, detect: false, clusterer: settings });
  const figures = Object.entries(sets).map(
    ([name, posts]) =>
      `${name} ${bcubed(
        run(posts).issueIds,
        posts.map((p) => p.label),
      ).bcubedF1.toFixed(4)}`,
  );
  if (which === 'tune')
    figures.push(
      `denseLargest ${run(dense(6000)).summary.largestIssueShare.toFixed(4)} / ${run(dense(0)).summary.largestIssueShare.toFixed(4)}`,
    );
  console.log(JSON.stringify(settings), figures.join('  '));
}
