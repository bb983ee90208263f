import { bulkIndex, putIssue, type IssueDoc } from '@pantau/store';
import { uniqueName } from '@pantau/testkit';
import type { LightMyRequestResponse } from 'fastify';
import { useSearchApp } from './search-app';

/** Topics in the HTTP API on real OpenSearch: post and issue filters, an agency's topics of interest. */
const ADMIN_KEY = 'operator-key-topics-0123456789';

describe('topics in the HTTP API (real OpenSearch)', () => {
  const bed = useSearchApp('topics', { PANTAU_ADMIN_KEY: ADMIN_KEY, ALLOW_PRIVATE_WEBHOOKS: true });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, key: string, body?: unknown) =>
    bed.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
  const json = <T>(res: LightMyRequestResponse) => res.json<T>();
  const code = (res: LightMyRequestResponse) => [
    res.statusCode,
    json<{ error?: { code: string } }>(res).error?.code,
  ];

  it('filters posts and issues by topic and shows each post’s topics', async () => {
    const post = (
      id: string,
      text: string,
      topics: { id: string; score: number; words: string[] }[],
      issueId: string,
    ) => ({
      index: bed.names.postsFor('2026-11-20T08:00:00Z'),
      id,
      doc: {
        v: 1,
        id,
        source: 'test',
        sourceId: id,
        text,
        publishedAt: '2026-11-20T08:00:00Z',
        issueId,
        hoaxScore: 0.1,
        topics,
      },
    });
    await bulkIndex(
      bed.client,
      [
        post(
          'p-banjir',
          'Banjir rendam Bekasi, warga mengungsi',
          [{ id: 'bencana', score: 0.91, words: ['banjir', 'ungsi'] }],
          'iss-banjir',
        ),
        post(
          'p-dbd',
          'DBD merebak di pengungsian banjir',
          [
            { id: 'kesehatan', score: 0.8, words: ['dbd'] },
            { id: 'bencana', score: 0.55, words: ['ungsi', 'banjir'] },
          ],
          'iss-banjir',
        ),
        post(
          'p-cabai',
          'Harga cabai naik lagi',
          [{ id: 'ekonomi', score: 0.95, words: ['harga', 'cabai'] }],
          'iss-cabai',
        ),
      ],
      { refresh: true },
    );
    const issue = (id: string, topics: IssueDoc['topics']): IssueDoc => ({
      id,
      title: id,
      terms: [],
      status: 'rising',
      count: 2,
      windowCount: 2,
      baseline: 0.5,
      score: 4,
      growth: 4,
      hoaxShare: 0,
      distinctAuthors: 2,
      coordinated: false,
      watchlistIds: [],
      ...(topics ? { topics } : {}),
      ...(id === 'iss-banjir'
        ? {
            regions: [
              { id: 'jabar', name: 'Jawa Barat', count: 2, share: 1 },
              { id: 'bekasi', name: 'Bekasi', count: 2, share: 1 },
            ],
          }
        : {}),
      samplePostIds: [],
      firstSeen: '2026-11-20T07:00:00Z',
      lastSeen: '2026-11-20T08:00:00Z',
      updatedAt: '2026-11-20T08:00:00Z',
      timeline: [],
    });
    await putIssue(
      bed.client,
      bed.names,
      issue('iss-banjir', [
        { id: 'bencana', count: 2, share: 1 },
        { id: 'kesehatan', count: 1, share: 0.5 },
      ]),
      true,
    );
    await putIssue(bed.client, bed.names, issue('iss-cabai', [{ id: 'ekonomi', count: 1, share: 1 }]), true);

    const bencana = json<{ total: number; items: { id: string; topics: { id: string }[] }[] }>(
      await call('GET', '/v1/posts?topic=bencana', ADMIN_KEY),
    );
    expect(bencana.items.map((p) => p.id).sort()).toEqual(['p-banjir', 'p-dbd']);
    expect(bencana.items.find((p) => p.id === 'p-dbd')?.topics).toEqual([
      { id: 'kesehatan', score: 0.8, words: ['dbd'] },
      { id: 'bencana', score: 0.55, words: ['ungsi', 'banjir'] },
    ]);
    expect(
      json<{ total: number }>(await call('GET', '/v1/posts?topic=ekonomi&q=cabai', ADMIN_KEY)).total,
    ).toBe(1);
    expect(json<{ total: number }>(await call('GET', '/v1/posts?topic=politik', ADMIN_KEY)).total).toBe(0);
    expect(code(await call('GET', '/v1/posts?topic=cuaca', ADMIN_KEY))).toEqual([400, 'VALIDATION']);

    const health = json<{ items: { id: string; topics: unknown[] }[] }>(
      await call('GET', '/v1/issues?topic=kesehatan', ADMIN_KEY),
    );
    expect(health.items.map((i) => i.id)).toEqual(['iss-banjir']);
    expect(health.items[0]?.topics).toEqual([
      { id: 'bencana', count: 2, share: 1 },
      { id: 'kesehatan', count: 1, share: 0.5 },
    ]);
    const risingEconomy = json<{ items: { id: string }[] }>(
      await call('GET', '/v1/issues?topic=ekonomi&status=rising', ADMIN_KEY),
    );
    expect(risingEconomy.items.map((i) => i.id)).toEqual(['iss-cabai']);
    expect(code(await call('GET', '/v1/issues?topic=cuaca', ADMIN_KEY))).toEqual([400, 'VALIDATION']);
    // By region: a province, a city of it; a region no issue is about; not a region id.
    const ids = async (q: string) =>
      json<{ items: { id: string; regions?: unknown[] }[] }>(
        await call('GET', `/v1/issues?${q}`, ADMIN_KEY),
      ).items.map((i) => i.id);
    expect(await ids('region=jabar')).toEqual(['iss-banjir']);
    expect(await ids('region=bekasi&topic=bencana')).toEqual(['iss-banjir']);
    expect(await ids('region=jatim')).toEqual([]);
    expect(code(await call('GET', '/v1/issues?region=Jawa%20Barat', ADMIN_KEY))).toEqual([400, 'VALIDATION']);
    const shown = json<{ items: { regions?: unknown[] }[] }>(
      await call('GET', '/v1/issues?region=jabar', ADMIN_KEY),
    );
    expect(shown.items[0]?.regions).toEqual([
      { id: 'jabar', name: 'Jawa Barat', count: 2, share: 1 },
      { id: 'bekasi', name: 'Bekasi', count: 2, share: 1 },
    ]);
  });

  it('suggests topics for a well-known agency (opt-in: none until set) and lets its admin set them', async () => {
    const created = json<{ apiKey: string }>(
      await call('POST', '/v1/agencies', ADMIN_KEY, { name: `BNPB ${uniqueName('x')}` }),
    );
    const key = created.apiKey;
    const initial = json<{
      topics: string[];
      suggested: string[];
      labels: Record<string, { id: string; en: string }>;
    }>(await call('GET', '/v1/agencies/me/topics', key));
    expect(initial).toEqual({
      topics: [],
      suggested: ['bencana'],
      labels: { bencana: { id: 'Bencana alam', en: 'Disasters' } },
    });
    const put = await call('PUT', '/v1/agencies/me/topics', key, { topics: ['bencana', 'transportasi'] });
    expect(put.statusCode).toBe(200);
    expect(json<{ topics: string[] }>(put).topics).toEqual(['bencana', 'transportasi']);
    expect(json<{ topics: string[] }>(await call('GET', '/v1/agencies/me/topics', key)).topics).toEqual([
      'bencana',
      'transportasi',
    ]);
    expect(code(await call('PUT', '/v1/agencies/me/topics', key, { topics: ['cuaca'] }))).toEqual([
      400,
      'VALIDATION',
    ]);
    expect(
      code(await call('PUT', '/v1/agencies/me/topics', key, { topics: ['bencana', 'bencana'] })),
    ).toEqual([400, 'VALIDATION']);
    expect(code(await call('GET', '/v1/agencies/me/topics', ADMIN_KEY))[0]).toBe(403);

    const plain = json<{ apiKey: string }>(
      await call('POST', '/v1/agencies', ADMIN_KEY, { name: uniqueName('Dinas X') }),
    );
    expect(
      json<{ topics: string[] }>(await call('GET', '/v1/agencies/me/topics', plain.apiKey)).topics,
    ).toEqual([]);
  });
});
