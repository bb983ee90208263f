/**
 * The topic evaluation sets (TOPICS.md "Measured"), shared by eval-topics.ts and sweep-topic-prior.ts.
 * Shared data is read from ../shared/data and never copied; a set whose file is absent is empty.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seededRandom } from '@pantau/core';
import { TopicRow, readTopicCsv } from '../src/topics';
import { TOPIC_IDS, isTopicId } from '../src/topic-taxonomy';
import { readCsvRecords } from '../src/resources';

const ROOT = path.resolve(__dirname, '../../..');
// ../shared/data beside the repository (or beside the worktrees' parent, for a git worktree).
const SHARED =
  ['../shared/data', '../../shared/data'].map((p) => path.resolve(ROOT, p)).find((p) => fs.existsSync(p)) ??
  path.resolve(ROOT, '../shared/data');
const HEADLINES = path.join(SHARED, 'topics/clickid-headlines-train.csv');
const TWEETS = path.join(SHARED, 'hoax/election2019-tweets-test.csv');
const SOCIAL = path.join(__dirname, '../test/fixtures/topics-social-dev.csv');
const MAFINDO = path.join(SHARED, 'hoax/mafindo-test.csv');
const MAFINDO_LABELS = path.join(__dirname, '../test/fixtures/topics-mafindo-test-labels.csv');

export interface TopicEvalSets {
  /** CLICK-ID headlines (development: split in-domain and leave-one-style-out). */
  headlines: TopicRow[];
  /** Project-written slang posts, never trained on (development). */
  social: TopicRow[];
  /** 2019 campaign tweets, all politik (held out: report only). */
  tweets: TopicRow[];
  /** Real MAFINDO claims topic-labelled by the project (held out: report only). */
  mafindo: TopicRow[];
}

export function loadTopicEvalSets(): TopicEvalSets {
  const headlines = fs.existsSync(HEADLINES) ? readTopicCsv(HEADLINES) : [];
  const tweets: TopicRow[] = fs.existsSync(TWEETS)
    ? fs
        .readFileSync(TWEETS, 'utf8')
        .split('\n')
        .slice(1)
        .filter((l) => l.trim() !== '')
        .map((l) => ({ text: l.replace(/,[01]$/, '').replace(/^"|"$/g, ''), topic: 'politik' as const }))
    : [];
  const mafindo: TopicRow[] = [];
  if (fs.existsSync(MAFINDO)) {
    const texts = readCsvRecords(MAFINDO).map((r) => r.text ?? '');
    for (const r of readCsvRecords(MAFINDO_LABELS)) {
      const topic = r.topic ?? '';
      if (isTopicId(topic)) mafindo.push({ text: texts[Number(r.row)] ?? '', topic });
    }
  }
  return { headlines, social: readTopicCsv(SOCIAL), tweets, mafindo };
}

/** Stratified split: [train, test] with `share` of each topic in test. */
export function stratifiedSplit(
  rows: readonly TopicRow[],
  share: number,
  seed: number,
): [TopicRow[], TopicRow[]] {
  const random = seededRandom(seed);
  const train: TopicRow[] = [];
  const test: TopicRow[] = [];
  for (const topic of TOPIC_IDS) {
    const mine = rows.filter((r) => r.topic === topic).map((r) => [random(), r] as const);
    mine.sort((a, b) => a[0] - b[0]);
    const cut = Math.round(mine.length * share);
    mine.forEach(([, r], i) => (i < cut ? test : train).push(r));
  }
  return [train, test];
}

/**
 * Headline style → a proxy outlet cluster. The file has no outlet column; these styles separate the
 * gossip portals (teasers), Tribunnews-style colon headlines, Title Case and sentence-case desks.
 */
export function styleCluster(text: string): string {
  const words = text.split(/\s+/);
  const capitalised = words.filter((w) => /^[A-Z]/.test(w)).length / words.length;
  if (/(, |^)(Ini|Begini|Inilah|Simak)\b|\?$|!$/.test(text)) return 'teaser';
  if (/:/.test(text)) return 'colon';
  if (capitalised > 0.8) return 'title-case';
  return 'sentence-case';
}
