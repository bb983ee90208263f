import { putIssue, type IssueDoc } from '@pantau/store';
import { useSearchApp } from './search-app';

/**
 * GET /v1/issues/:id/related on real OpenSearch: the other wordings of a story and its neighbours, by
 * shared keywords and fact-checks, within a week; never the issue itself, nor an issue sharing one
 * everyday word.
 */
const ADMIN_KEY = 'operator-key-related-0123456789';

describe('related issues (real OpenSearch)', () => {
  const bed = useSearchApp('related', { PANTAU_ADMIN_KEY: ADMIN_KEY });
  const get = (url: string, key: string | undefined = ADMIN_KEY) =>
    bed.app.inject({ method: 'GET', url, headers: key ? { authorization: `Bearer ${key}` } : {} });
  const day = (d: number) => new Date(Date.parse('2026-11-20T08:00:00Z') + d * 24 * 3600_000).toISOString();
  const issue = (id: string, title: string, terms: string[], over: Partial<IssueDoc> = {}): IssueDoc => ({
    id,
    title,
    terms,
    status: 'new',
    count: 12,
    windowCount: 3,
    baseline: 1,
    score: 1,
    growth: 1,
    hoaxShare: 0.4,
    distinctAuthors: 10,
    coordinated: false,
    watchlistIds: ['wl-other-agency'],
    samplePostIds: [],
    firstSeen: day(0),
    lastSeen: day(1),
    updatedAt: day(1),
    timeline: [],
    ...over,
  });

  beforeAll(async () => {
    const chipFactCheck = { id: 'fc-chip', title: '[HOAKS] Vaksin berisi microchip 5G', posts: 3 };
    for (const doc of [
      issue(
        'iss-chip',
        'Vaksin COVID ada chip 5G buat lacak warga',
        ['vaksin', 'chip', '5g', 'lacak', 'warga'],
        {
          factChecks: [chipFactCheck],
        },
      ),
      // The same story in other words: three shared keywords.
      issue('iss-chip-2', 'Awas suntikan vaksin pasang microchip, bisa dilacak satelit', [
        'vaksin',
        'chip',
        'lacak',
        'suntik',
        'satelit',
      ]),
      // Another wording that shares only the fact-check its posts restate.
      issue('iss-magnet', 'Lengan jadi magnet setelah disuntik', ['lengan', 'magnet', 'suntik'], {
        factChecks: [chipFactCheck],
      }),
      // A neighbouring story: two shared keywords (vaccine, citizens), another claim.
      issue('iss-halal', 'Vaksin tidak halal, warga diminta tolak', ['vaksin', 'halal', 'warga', 'tolak']),
      // One everyday keyword in common: not related.
      issue('iss-bansos', 'Bansos untuk warga cair minggu ini', ['bansos', 'warga', 'cair']),
      // The same words a month later: another time, not offered.
      issue('iss-chip-old', 'Vaksin chip 5G lacak warga (lagi)', ['vaksin', 'chip', '5g', 'lacak'], {
        firstSeen: day(-40),
        lastSeen: day(-38),
      }),
    ])
      await putIssue(bed.client, bed.names, doc, true);
  });

  it('offers the issues that share two keywords or a fact-check, best first, with what they share', async () => {
    const res = await get('/v1/issues/iss-chip/related');
    expect(res.statusCode).toBe(200);
    const items = res.json<{
      items: { id: string; title: string; sharedTerms: string[]; sharedFactChecks: string[] }[];
    }>().items;
    expect(items.map((i) => i.id)).toEqual(['iss-chip-2', 'iss-magnet', 'iss-halal']);
    expect(items[0]).toMatchObject({
      title: 'Awas suntikan vaksin pasang microchip, bisa dilacak satelit',
      sharedTerms: ['vaksin', 'chip', 'lacak'],
      sharedFactChecks: [],
    });
    expect(items[1]).toMatchObject({ sharedTerms: [], sharedFactChecks: ['fc-chip'] });
    expect(items[2]).toMatchObject({ sharedTerms: ['vaksin', 'warga'] });
    // Issues are public, but which agency watches them is not.
    expect(items[0]).not.toHaveProperty('watchlistIds');
    expect(items[0]).not.toHaveProperty('state');
    // size, and the other way round.
    const one = (await get('/v1/issues/iss-chip/related?size=1')).json<{ items: { id: string }[] }>();
    expect(one.items.map((i) => i.id)).toEqual(['iss-chip-2']);
    const back = (await get('/v1/issues/iss-chip-2/related')).json<{ items: { id: string }[] }>();
    expect(back.items.map((i) => i.id)).toContain('iss-chip');
  });

  it('answers an issue with nothing related, an unknown issue and bad parameters in the error shape', async () => {
    expect((await get('/v1/issues/iss-bansos/related')).json()).toEqual({ items: [] });
    const missing = await get('/v1/issues/iss-tidak-ada/related');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    for (const q of ['size=0', 'size=21', 'size=lima', 'sort=lama'])
      expect((await get(`/v1/issues/iss-chip/related?${q}`)).json()).toMatchObject({
        error: { code: 'VALIDATION' },
      });
    expect((await get('/v1/issues/iss-chip/related', '')).statusCode).toBe(401);
  });
});
