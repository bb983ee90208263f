import { testLogger } from '@pantau/testkit';
import { createHttpClient, mastodonConnector, redditConnector, type Cursor, type SourceDoc } from '../src';
import { startFakeServer, type FakeServer } from './support';

const logger = testLogger('social-test');
const NOW = new Date('2026-11-30T08:00:00Z');

function source(kind: 'mastodon' | 'reddit', config: Record<string, unknown>): SourceDoc {
  return {
    id: `${kind}-test`,
    kind,
    name: kind,
    config,
    intervalSeconds: 120,
    paused: false,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

/** Statuses in the shape of Mastodon's REST API v1 (GET /api/v1/timelines/tag/:hashtag). */
const status = (id: string, content: string, extra: Record<string, unknown> = {}) => ({
  id,
  created_at: '2026-11-30T07:00:00.000Z',
  content,
  spoiler_text: '',
  url: `https://mastodon.example.id/@warga/${id}`,
  language: 'id',
  in_reply_to_id: null,
  account: { id: '1091', acct: 'warga@mastodon.example.id', display_name: 'Warga Peduli' },
  replies_count: 2,
  reblogs_count: 5,
  favourites_count: 11,
  reblog: null,
  ...extra,
});

describe('mastodon connector (local instance)', () => {
  let server: FakeServer;
  const http = createHttpClient({ allowPrivate: true, timeoutMs: 2_000 });
  const run = (cursor: Cursor = {}, credential?: string) =>
    mastodonConnector.fetch({
      source: source('mastodon', { baseUrl: server.url, hashtag: '#hoaks' }),
      cursor,
      http,
      logger,
      now: NOW,
      ...(credential ? { credential } : {}),
    });

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.requests.splice(0));

  it('first run reads the newest page; malformed statuses and boosts are skipped with reasons', async () => {
    server.answer(() => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        status(
          '113500000000000003',
          '<p>Katanya air galon bikin mandul?? <a href="https://mastodon.example.id/tags/hoaks">#<span>hoaks</span></a> &amp; cek dulu ya</p>',
        ),
        status('113500000000000002', '<p>boost</p>', { reblog: { id: '1' } }),
        { id: '113500000000000001', created_at: 'kemarin', content: '<p>x</p>' },
      ]),
    }));
    const result = await run({}, 'tok-abc');
    expect(server.requests[0]!.path).toBe('/api/v1/timelines/tag/hoaks?limit=40');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer tok-abc');
    expect(result.items).toEqual([
      {
        sourceId: '113500000000000003',
        text: 'Katanya air galon bikin mandul?? #hoaks & cek dulu ya',
        publishedAt: '2026-11-30T07:00:00.000Z',
        url: 'https://mastodon.example.id/@warga/113500000000000003',
        author: { id: '1091', handle: 'warga@mastodon.example.id', name: 'Warga Peduli' },
        metrics: { likes: 11, shares: 5, replies: 2 },
        lang: 'id',
      },
    ]);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'boost (the original is read on its own)',
      'status without a valid created_at',
    ]);
    expect(result.cursor).toEqual({ minId: '113500000000000003' });
  });

  it('resumes with min_id and follows Link rel="prev" until an empty page', async () => {
    server.answer((p) => {
      if (p.includes('min_id=113500000000000003'))
        return {
          headers: {
            link: `<${server.url}/api/v1/timelines/tag/hoaks?min_id=113500000000000005>; rel="prev"`,
          },
          body: JSON.stringify([
            status('113500000000000005', '<p>lima</p>'),
            status('113500000000000004', '<p>empat</p>'),
          ]),
        };
      return { body: '[]' };
    });
    const result = await run({ minId: '113500000000000003' });
    expect(result.items.map((i) => i.sourceId)).toEqual(['113500000000000005', '113500000000000004']);
    expect(server.requests).toHaveLength(2);
    expect(result.cursor).toEqual({ minId: '113500000000000005' });
    const empty = await run(result.cursor);
    expect(empty).toMatchObject({ items: [], cursor: { minId: '113500000000000005' } });
  });

  it('429 with Retry-After, 5xx, and a 401 for a missing token are errors of this source', async () => {
    server.answer(() => ({ status: 429, headers: { 'retry-after': '300' } }));
    await expect(run()).rejects.toMatchObject({
      code: 'SOURCE_RATE_LIMITED',
      info: { retryAfterMs: 300_000 },
    });
    server.answer(() => ({ status: 503 }));
    await expect(run()).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    server.answer(() => ({ status: 401, body: '{"error":"The access token is invalid"}' }));
    await expect(run()).rejects.toMatchObject({ code: 'SOURCE_REJECTED', retriable: false });
  });
});

/** A Listing in the shape of reddit's /r/<sub>/new.json. */
const t3 = (name: string, title: string, created: number, extra: Record<string, unknown> = {}) => ({
  kind: 't3',
  data: {
    name,
    id: name.slice(3),
    title,
    selftext: '',
    created_utc: created,
    permalink: `/r/indonesia/comments/${name.slice(3)}/x/`,
    author: 'budi_jkt',
    author_fullname: 't2_abc',
    score: 42,
    num_comments: 7,
    ...extra,
  },
});
const listing = (children: unknown[]) =>
  JSON.stringify({ kind: 'Listing', data: { children, before: null } });

describe('reddit connector (local listing server)', () => {
  let server: FakeServer;
  const http = createHttpClient({ allowPrivate: true, timeoutMs: 2_000 });
  const run = (cursor: Cursor = {}) =>
    redditConnector.fetch({
      source: source('reddit', { subreddit: 'indonesia', baseUrl: server.url }),
      cursor,
      http,
      logger,
      now: NOW,
    });

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.requests.splice(0));

  it('first run: newest page; malformed things skipped; cursor = newest fullname', async () => {
    server.answer(() => ({
      body: listing([
        t3('t3_1h9zz2', 'Ada yang tau kenapa KRL Bogor delay parah pagi ini?', 1796025600, {
          selftext: 'Udah 40 menit nunggu di Citayam',
        }),
        { kind: 't1', data: { name: 't1_x' } },
        t3('t3_1h9zz1', '', 1796020000),
      ]),
    }));
    const result = await run();
    expect(server.requests[0]!.path).toBe('/r/indonesia/new.json?limit=100&raw_json=1');
    expect(result.items).toEqual([
      {
        sourceId: 't3_1h9zz2',
        text: 'Ada yang tau kenapa KRL Bogor delay parah pagi ini?\n\nUdah 40 menit nunggu di Citayam',
        publishedAt: new Date(1796025600 * 1000).toISOString(),
        url: `${server.url}/r/indonesia/comments/1h9zz2/x/`,
        author: { id: 't2_abc', handle: 'budi_jkt' },
        metrics: { likes: 42, replies: 7 },
      },
    ]);
    expect(result.skipped.map((s) => s.reason)).toEqual(['not a post (t3)', 'post without title or text']);
    expect(result.cursor).toEqual({ before: 't3_1h9zz2' });
  });

  it('resumes with before=<newest seen>; an empty page keeps the cursor', async () => {
    server.answer((p) =>
      p.includes('before=t3_1h9zz2')
        ? { body: listing([t3('t3_1ha001', 'Harga cabai rawit tembus 100rb/kg', 1796030000)]) }
        : { body: listing([]) },
    );
    const result = await run({ before: 't3_1h9zz2' });
    expect(result.items.map((i) => i.sourceId)).toEqual(['t3_1ha001']);
    expect(result.cursor).toEqual({ before: 't3_1ha001' });
    server.answer(() => ({ body: listing([]) }));
    expect(await run(result.cursor)).toMatchObject({ items: [], cursor: { before: 't3_1ha001' } });
  });

  it('429 with Retry-After and 5xx are retriable; a non-Listing answer is malformed', async () => {
    server.answer(() => ({ status: 429, headers: { 'retry-after': '7' } }));
    await expect(run()).rejects.toMatchObject({ code: 'SOURCE_RATE_LIMITED', info: { retryAfterMs: 7_000 } });
    server.answer(() => ({ status: 500 }));
    await expect(run()).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE', retriable: true });
    server.answer(() => ({ body: '{"message":"Forbidden"}' }));
    await expect(run()).rejects.toMatchObject({ code: 'SOURCE_MALFORMED' });
  });
});
