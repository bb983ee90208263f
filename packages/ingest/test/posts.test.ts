import { postId } from '@pantau/core';
import { testLogger } from '@pantau/testkit';
import { createMemoryBus } from '@pantau/bus';
import { preparePosts, publishRawPosts } from '../src';

const now = new Date('2026-11-28T03:00:00Z');

describe('preparePosts', () => {
  it('accepts valid posts and rejects bad ones one by one with a reason', () => {
    const { accepted, rejected } = preparePosts(
      [
        {
          source: 'mastodon',
          sourceId: '111',
          text: 'Gempa lagi di Cianjur, warga diminta tenang #PrayForCianjur',
          publishedAt: '2026-11-28T02:00:00Z',
        },
        { source: 'mastodon', sourceId: '112', publishedAt: '2026-11-28T02:00:00Z' },
        { source: 'Bad Source!', sourceId: '113', text: 'tes', publishedAt: '2026-11-28T02:00:00Z' },
        { source: 'rss', sourceId: '114', text: 'Harga BBM naik?', publishedAt: 'kemarin sore' },
        'bukan objek',
      ],
      now,
    );
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({ v: 1, id: postId('mastodon', '111'), fetchedAt: now.toISOString() });
    expect(rejected.map((r) => r.index)).toEqual([1, 2, 3, 4]);
    expect(rejected[0]!.message).toContain("missing required property 'text'");
    expect(rejected[1]!.message).toContain('/source');
    expect(rejected[2]!.message).toContain('/publishedAt');
  });

  it('keeps a declared region as its id (written as id or name), and drops one that names no region with a warning', () => {
    const item = (sourceId: string, region: string) => ({
      source: 'radar-surabaya',
      sourceId,
      text: 'Banjir rob genangi kawasan pesisir, warga mengungsi ke balai RW',
      publishedAt: '2026-11-28T02:00:00Z',
      region,
    });
    const { accepted, rejected, warnings } = preparePosts(
      [item('1', 'surabaya'), item('2', 'Jawa Timur'), item('3', 'surabya'), item('4', ' JATIM ')],
      now,
    );
    // Every post is kept; the misspelt region is left out and said.
    expect(rejected).toEqual([]);
    expect(accepted.map((p) => p.region)).toEqual(['surabaya', 'jatim', undefined, 'jatim']);
    expect('region' in accepted[2]!).toBe(false);
    expect(warnings).toEqual([
      { index: 2, message: expect.stringContaining("/region 'surabya' is no province or city") },
    ]);
  });

  it('gives the same post the same id wherever it comes from', () => {
    const item = {
      source: 'x',
      sourceId: '99',
      text: 'Sebarkan!!! Vaksin ada chip 5G',
      publishedAt: '2026-11-28T02:00:00Z',
    };
    expect(preparePosts([item]).accepted[0]!.id).toBe(preparePosts([{ ...item }]).accepted[0]!.id);
  });

  it('publishes keyed by source:sourceId', async () => {
    const bus = createMemoryBus({ logger: testLogger() });
    const { accepted } = preparePosts([
      {
        source: 'x',
        sourceId: '1',
        text: 'Info valid dari grup sebelah',
        publishedAt: '2026-11-28T02:00:00Z',
      },
    ]);
    await publishRawPosts(bus.producer(), 'posts.raw', accepted);
    const [message] = bus.read('posts.raw');
    expect(message!.key).toBe('x:1');
    expect(JSON.parse(message!.value.toString())).toEqual(accepted[0]);
  });
});
