import { testLogger } from '@pantau/testkit';
import {
  SourceError,
  createHttpClient,
  msUntilQuotaReset,
  xConnector,
  youtubeConnector,
  type Cursor,
  type SourceDoc,
} from '../src';
import { startFakeServer, type FakeServer } from './support';

const logger = testLogger('apis-test');
const NOW = new Date('2026-11-30T08:00:00Z');
const doc = (kind: 'x' | 'youtube', config: Record<string, unknown>): SourceDoc => ({
  id: `${kind}-test`,
  kind,
  name: kind,
  config,
  intervalSeconds: 300,
  credentialsEnv: 'API_TOKEN',
  paused: false,
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
});

/** Answers in the shape of X API v2 GET /2/tweets/search/recent. */
const tweet = (id: string, text: string, extra: Record<string, unknown> = {}) => ({
  id,
  text,
  created_at: '2026-11-30T06:59:00.000Z',
  author_id: '44196397',
  lang: 'in',
  public_metrics: { like_count: 120, retweet_count: 33, reply_count: 8, impression_count: 5400 },
  ...extra,
});
const users = { users: [{ id: '44196397', username: 'wargakritis', name: 'Warga Kritis' }] };

describe('x connector (local API v2 server)', () => {
  let server: FakeServer;
  const http = createHttpClient({ allowPrivate: true, timeoutMs: 2_000 });
  const run = (cursor: Cursor = {}) =>
    xConnector.fetch({
      source: doc('x', { query: '(hoaks OR hoax) lang:id -is:retweet', baseUrl: server.url }),
      cursor,
      http,
      credential: 'AAAA-bearer',
      logger,
      now: NOW,
    });

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.requests.splice(0));

  it('first run: the newest page with bearer auth, authors expanded, malformed tweets skipped', async () => {
    server.answer(() => ({
      body: JSON.stringify({
        data: [
          tweet(
            '1862000000000000002',
            'Beredar video kapal tenggelam di Selat Sunda, ternyata hoaks #cekfakta',
            {
              referenced_tweets: [{ type: 'replied_to', id: '1861999999999999999' }],
            },
          ),
          { id: '1862000000000000001', text: '', created_at: '2026-11-30T06:00:00.000Z' },
        ],
        includes: users,
        meta: { newest_id: '1862000000000000002', result_count: 2, next_token: 'b26v89c19zqg8o3f' },
      }),
    }));
    const result = await run();
    const q = new URL(server.requests[0]!.path, 'http://x').searchParams;
    expect(server.requests[0]!.headers.authorization).toBe('Bearer AAAA-bearer');
    expect(q.get('query')).toBe('(hoaks OR hoax) lang:id -is:retweet');
    expect(q.get('since_id')).toBeNull();
    expect(server.requests).toHaveLength(1); // the first run does not page back
    expect(result.items).toEqual([
      {
        sourceId: '1862000000000000002',
        text: 'Beredar video kapal tenggelam di Selat Sunda, ternyata hoaks #cekfakta',
        publishedAt: '2026-11-30T06:59:00.000Z',
        url: 'https://x.com/wargakritis/status/1862000000000000002',
        author: { id: '44196397', handle: 'wargakritis', name: 'Warga Kritis' },
        metrics: { likes: 120, shares: 33, replies: 8, views: 5400 },
        replyTo: '1861999999999999999',
        lang: 'in',
      },
    ]);
    expect(result.skipped).toEqual([{ ref: '1862000000000000001', reason: 'tweet without text' }]);
    expect(result.cursor).toEqual({ sinceId: '1862000000000000002' });
  });

  it('resumes with since_id and follows next_token; an empty result keeps the cursor', async () => {
    server.answer((p) => {
      const q = new URL(p, 'http://x').searchParams;
      if (q.get('next_token') === 'page2')
        return {
          body: JSON.stringify({
            data: [tweet('1862000000000000003', 'dua')],
            includes: users,
            meta: { result_count: 1 },
          }),
        };
      return {
        body: JSON.stringify({
          data: [tweet('1862000000000000004', 'satu')],
          includes: users,
          meta: { result_count: 1, next_token: 'page2' },
        }),
      };
    });
    const result = await run({ sinceId: '1862000000000000002' });
    expect(server.requests.map((r) => new URL(r.path, 'http://x').searchParams.get('since_id'))).toEqual([
      '1862000000000000002',
      '1862000000000000002',
    ]);
    expect(result.items.map((i) => i.sourceId)).toEqual(['1862000000000000004', '1862000000000000003']);
    expect(result.cursor).toEqual({ sinceId: '1862000000000000004' });
    server.answer(() => ({ body: JSON.stringify({ meta: { result_count: 0 } }) }));
    expect(await run(result.cursor)).toEqual({
      items: [],
      skipped: [],
      cursor: { sinceId: '1862000000000000004' },
    });
  });

  it('429 waits until x-rate-limit-reset; 5xx is retriable; 401 is not', async () => {
    const reset = Math.floor(Date.now() / 1000) + 600;
    server.answer(() => ({
      status: 429,
      headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
    }));
    const err = await run().catch((e: { code: string; info: { retryAfterMs: number } }) => e);
    expect(err).toMatchObject({ code: 'SOURCE_RATE_LIMITED' });
    expect((err as { info: { retryAfterMs: number } }).info.retryAfterMs).toBeGreaterThan(590_000);
    server.answer(() => ({ status: 503 }));
    await expect(run()).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE', retriable: true });
    server.answer(() => ({ status: 401, body: '{"title":"Unauthorized"}' }));
    await expect(run()).rejects.toMatchObject({ code: 'SOURCE_REJECTED', retriable: false });
  });
});

describe('youtube connector (local Data API v3 server)', () => {
  let server: FakeServer;
  const http = createHttpClient({ allowPrivate: true, timeoutMs: 2_000 });
  const run = (config: Record<string, unknown>, cursor: Cursor = {}) =>
    youtubeConnector.fetch({
      source: doc('youtube', { baseUrl: server.url, ...config }),
      cursor,
      http,
      credential: 'AIza-test-key',
      logger,
      now: NOW,
    });
  const comment = (id: string, text: string, at: string) => ({
    kind: 'youtube#commentThread',
    id,
    snippet: {
      videoId: 'Xy12ab34CdE',
      totalReplyCount: 3,
      topLevelComment: {
        id,
        snippet: {
          textOriginal: text,
          authorDisplayName: '@ibu_rumah_tangga',
          authorChannelId: { value: 'UCabc' },
          likeCount: 17,
          publishedAt: at,
        },
      },
    },
  });

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.requests.splice(0));

  it('search: newest videos with the key, then resumes from publishedAfter', async () => {
    server.answer((p) => {
      const q = new URL(p, 'http://x').searchParams;
      if (q.get('publishedAfter'))
        return { body: JSON.stringify({ kind: 'youtube#searchListResponse', items: [] }) };
      return {
        body: JSON.stringify({
          kind: 'youtube#searchListResponse',
          nextPageToken: 'CDIQAA',
          items: [
            {
              id: { kind: 'youtube#video', videoId: 'Xy12ab34CdE' },
              snippet: {
                publishedAt: '2026-11-30T05:00:00Z',
                title: 'VIRAL! Air Rebusan Daun Sirsak Sembuhkan Kanker?? Cek Faktanya',
                description: 'Benarkah klaim yang beredar di grup WA?',
                channelId: 'UCxyz',
                channelTitle: 'Cek Fakta TV',
              },
            },
            { id: { kind: 'youtube#video' }, snippet: {} },
          ],
        }),
      };
    });
    const result = await run({ query: 'hoaks kesehatan' });
    const q = new URL(server.requests[0]!.path, 'http://x').searchParams;
    expect([q.get('key'), q.get('q'), q.get('order'), q.get('type')]).toEqual([
      'AIza-test-key',
      'hoaks kesehatan',
      'date',
      'video',
    ]);
    expect(result.items).toEqual([
      {
        sourceId: 'video:Xy12ab34CdE',
        text: 'VIRAL! Air Rebusan Daun Sirsak Sembuhkan Kanker?? Cek Faktanya\n\nBenarkah klaim yang beredar di grup WA?',
        publishedAt: '2026-11-30T05:00:00.000Z',
        url: 'https://www.youtube.com/watch?v=Xy12ab34CdE',
        author: { id: 'UCxyz', name: 'Cek Fakta TV' },
      },
    ]);
    expect(result.skipped).toEqual([{ ref: '?', reason: 'search result without videoId' }]);
    expect(result.cursor).toEqual({ publishedAfter: '2026-11-30T05:00:00.000Z' });
    const again = await run({ query: 'hoaks kesehatan' }, result.cursor);
    expect(new URL(server.requests.at(-1)!.path, 'http://x').searchParams.get('publishedAfter')).toBe(
      '2026-11-30T05:00:00.000Z',
    );
    expect(again.items).toEqual([]);
  });

  it('comment threads: newest first, stopping at the newest comment seen', async () => {
    server.answer(() => ({
      body: JSON.stringify({
        items: [
          comment('Ugz3', 'Ini hoaks, jangan percaya!', '2026-11-30T07:30:00Z'),
          comment('Ugz2', 'Ibu saya sembuh minum ini', '2026-11-30T07:00:00Z'),
          comment('Ugz1', 'Pertamax', '2026-11-30T06:00:00Z'),
        ],
      }),
    }));
    const result = await run(
      { videoIds: ['Xy12ab34CdE'] },
      { comments: { Xy12ab34CdE: '2026-11-30T07:00:00.000Z' } },
    );
    expect(result.items).toEqual([
      {
        sourceId: 'comment:Ugz3',
        text: 'Ini hoaks, jangan percaya!',
        publishedAt: '2026-11-30T07:30:00.000Z',
        url: 'https://www.youtube.com/watch?v=Xy12ab34CdE&lc=Ugz3',
        author: { id: 'UCabc', name: '@ibu_rumah_tangga' },
        metrics: { likes: 17, replies: 3 },
        replyTo: 'video:Xy12ab34CdE',
      },
    ]);
    expect(result.cursor).toEqual({ comments: { Xy12ab34CdE: '2026-11-30T07:30:00.000Z' } });
  });

  it('errors: 429/5xx and a spent quota retriable, other 403 rejected, and the API key never appears in a message', async () => {
    server.answer(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    await expect(run({ query: 'x' })).rejects.toMatchObject({
      code: 'SOURCE_RATE_LIMITED',
      info: { retryAfterMs: 3_600_000 },
    });
    server.answer(() => ({ status: 500 }));
    await expect(run({ query: 'x' })).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    // A spent daily quota is a wait until midnight Pacific time, not a broken source.
    server.answer(() => ({
      status: 403,
      body: '{"error":{"code":403,"message":"The request cannot be completed because you have exceeded your quota.","errors":[{"message":"quota","domain":"youtube.quota","reason":"quotaExceeded"}]}}',
    }));
    const quota = (await run({ query: 'x' }).catch((e: Error) => e)) as SourceError;
    expect(quota.code).toBe('SOURCE_RATE_LIMITED');
    expect(quota.info.retryAfterMs).toBeGreaterThanOrEqual(60_000);
    expect(quota.info.retryAfterMs).toBeLessThanOrEqual(86_400_000);
    expect(quota.message).not.toContain('AIza-test-key');
    // Any other 403 (a key without the API enabled, a private video) is a refusal.
    server.answer(() => ({
      status: 403,
      body: '{"error":{"code":403,"errors":[{"domain":"usageLimits","reason":"accessNotConfigured"}]}}',
    }));
    const err = (await run({ query: 'x' }).catch((e: Error) => e)) as Error & { code: string };
    expect(err.code).toBe('SOURCE_REJECTED');
    expect(err.message).not.toContain('AIza-test-key');
    expect(err.message).toContain('/youtube/v3/search answered 403');
  });
});

describe('msUntilQuotaReset', () => {
  it('counts to the next midnight in California (UTC-8 in winter, UTC-7 in summer)', () => {
    // 30 Nov 2026 10:00 UTC = 02:00 PST: 22 h to go.
    expect(msUntilQuotaReset(Date.parse('2026-11-30T10:00:00Z'))).toBe(22 * 3_600_000);
    // 1 Jul 2026 06:30 UTC = 23:30 PDT on 30 Jun: 30 min to go.
    expect(msUntilQuotaReset(Date.parse('2026-07-01T06:30:00Z'))).toBe(30 * 60_000);
  });
});
