import type { IssueEvent } from '@pantau/core';
import { buildBurstStream, scoreBursts, type Burst } from '../src';

const T0 = Date.parse('2026-11-02T09:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const rising = (issueId: string, s: number) => ({ issueId, type: 'rising', at: at(s) }) as IssueEvent;

describe('scoreBursts', () => {
  // Burst "Angka Nol" (6 posts from onset T0) founds issue A; burst "KTP" (4 posts) joins issue B, an
  // older story of 10 background posts from the hour before, and makes it rise; issue C is background.
  const posts = [
    ...Array.from({ length: 10 }, (_, i) => ({
      id: `bg${i}`,
      text: 'cerita lama',
      publishedAt: at(-3600 + i * 60),
    })),
    ...Array.from({ length: 6 }, (_, i) => ({
      id: `nol${i}`,
      text: 'tolak angka nol',
      publishedAt: at(5 + i * 10),
    })),
    ...Array.from({ length: 4 }, (_, i) => ({
      id: `ktp${i}`,
      text: 'ktp prabowo',
      publishedAt: at(20 + i * 10),
    })),
    ...Array.from({ length: 3 }, (_, i) => ({
      id: `c${i}`,
      text: 'review resto',
      publishedAt: at(100 + i * 30),
    })),
  ];
  const issueIds = [
    ...Array<string>(10).fill('B'),
    ...Array<string>(6).fill('A'),
    ...Array<string>(4).fill('B'),
    ...Array<string>(3).fill('C'),
  ];
  const bursts: Burst[] = [
    {
      label: 'Angka Nol',
      onset: T0,
      postIds: new Set(posts.filter((p) => p.id.startsWith('nol')).map((p) => p.id)),
    },
    {
      label: 'KTP',
      onset: T0,
      postIds: new Set(posts.filter((p) => p.id.startsWith('ktp')).map((p) => p.id)),
    },
  ];

  it('counts a rising issue for a burst that wrote half of it, and one a burst made rise by cause', () => {
    const score = scoreBursts(
      posts,
      issueIds,
      [rising('A', 25), rising('A', 60), rising('B', 50), rising('C', 160)],
      bursts,
    );
    expect(score).toMatchObject({
      bursts: 2,
      detected: 1,
      delaysMs: [25_000],
      risingIssues: 3,
      trueRisingIssues: 1, // A only: the KTP burst wrote 4 of B's 14 posts
      causedRisingIssues: 2, // A, and B: its 4 posts in the 5 min before the rise are all KTP's
      recall: 0.5,
    });
    expect(score.precision).toBeCloseTo(1 / 3);
    expect(score.precisionByCause).toBeCloseTo(2 / 3);
  });
});

describe('buildBurstStream', () => {
  const plan = {
    background: Array.from({ length: 400 }, (_, i) => ({ text: `ulasan resto nomor ${i} enak banget` })),
    topics: ['Angka Nol', 'KTP Prabowo', 'Kartu Nikah'].map((label) => ({
      label,
      texts: Array.from({ length: 20 }, (_, i) => ({
        text: `${label} hoaks versi ${i}`,
        author: `akun${i}`,
      })),
    })),
    start: T0,
    hours: 12,
    perMinute: 2,
    sizes: [20],
    spanMs: 5 * 60_000,
    everyMs: 3 * 3600_000,
    seed: 7,
  };

  it('starts every burst with a post at its onset and keeps the rest within the span', () => {
    const { posts, bursts } = buildBurstStream(plan);
    expect(bursts.map((b) => b.label)).toEqual(['Angka Nol', 'KTP Prabowo', 'Kartu Nikah']);
    for (const b of bursts) {
      const times = posts.filter((p) => b.postIds.has(p.id)).map((p) => Date.parse(p.publishedAt));
      expect(times).toHaveLength(20);
      expect(Math.min(...times)).toBe(b.onset);
      expect(Math.max(...times)).toBeLessThanOrEqual(b.onset + plan.spanMs);
      // Spread over the span, not bunched at the onset.
      expect(Math.max(...times) - b.onset).toBeGreaterThan(plan.spanMs / 2);
    }
  });

  it('gives the stream without bursts the same background', () => {
    const withBursts = buildBurstStream(plan, true).posts.filter((p) => p.id.startsWith('bg-'));
    expect(buildBurstStream(plan, false).posts).toEqual(withBursts);
  });
});
