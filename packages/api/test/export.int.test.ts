import { bulkIndex, putIssue, type IssueDoc } from '@pantau/store';
import { parse } from 'csv-parse/sync';
import { useSearchApp } from './search-app';

/**
 * CSV exports of posts and issues on real OpenSearch (filters, every page, safe cells, errors), and the
 * sources a source filter offers.
 */
const ADMIN_KEY = 'operator-key-export-0123456789';

describe('CSV exports (real OpenSearch)', () => {
  const bed = useSearchApp('export', { PANTAU_ADMIN_KEY: ADMIN_KEY });

  const get = (url: string, key: string | undefined = ADMIN_KEY) =>
    bed.app.inject({ method: 'GET', url, headers: key ? { authorization: `Bearer ${key}` } : {} });
  /** Rows of an answer's CSV, header first (after the byte-order mark). */
  const rowsOf = (body: string, delimiter = ','): string[][] => {
    expect(body.startsWith('\uFEFF')).toBe(true);
    return parse(body.slice(1), { delimiter }) as string[][];
  };

  const at = (minute: number) => new Date(Date.parse('2026-11-20T08:00:00Z') + minute * 60_000).toISOString();
  const post = (id: string, text: string, minute: number, extra: Record<string, unknown> = {}) => ({
    index: bed.names.postsFor(at(minute)),
    id,
    doc: {
      v: 1,
      id,
      source: 'x',
      sourceId: id,
      text,
      publishedAt: at(minute),
      issueId: 'iss-bansos',
      hoaxScore: 0.1,
      ...extra,
    },
  });
  const issue = (id: string, title: string, lastMinute: number, over: Partial<IssueDoc> = {}): IssueDoc => ({
    id,
    title,
    terms: ['bansos', 'ktp'],
    status: 'rising',
    count: 84,
    windowCount: 31,
    baseline: 2,
    score: 6,
    growth: 12.5,
    hoaxShare: 0.6431,
    distinctAuthors: 40,
    coordinated: true,
    watchlistIds: [],
    samplePostIds: [],
    firstSeen: at(0),
    lastSeen: at(lastMinute),
    updatedAt: at(lastMinute),
    timeline: [],
    ...over,
  });

  beforeAll(async () => {
    await bulkIndex(
      bed.client,
      [
        post('p-formula', '=HYPERLINK("http://bit.ly/bansos-ktp","Klik utk cairkan BANSOS 600rb")', 500, {
          source: 'telegram',
          hoaxScore: 0.912,
          author: { handle: 'info_bansos_resmi' },
          signals: [{ id: 'urgency', weight: 0.4, label: { id: 'Desakan', en: 'Urgency' } }],
          claimMatches: [
            {
              factCheckId: 'fc-1',
              title: '[HOAKS] Link pencairan bansos minta foto KTP',
              similarity: 0.8,
              url: 'https://turnbackhoax.id/bansos-ktp',
            },
          ],
          topics: [{ id: 'ekonomi', score: 0.9, words: ['bansos'] }],
          regions: [{ id: 'bekasi', name: 'Bekasi' }],
        }),
        post('p-newline', 'Info bansos 😭🙏\n"cek dulu" sblm share, jgn asal sebar; ok?', 499, {
          source: 'telegram',
        }),
        // 420 more, older, for paging (the export reads 200 a page).
        ...Array.from({ length: 420 }, (_, i) =>
          post(`p-${String(i).padStart(3, '0')}`, `Pesan berantai bansos nomor ${i} beredar di grup WA`, i),
        ),
      ],
      { refresh: true },
    );
    await putIssue(
      bed.client,
      bed.names,
      issue('iss-bansos', 'Link pencairan bansos 600rb minta foto KTP', 500),
      true,
    );
    await putIssue(
      bed.client,
      bed.names,
      issue('iss-banjir', '+62 banjir Bekasi: tanggul jebol?', 400, {
        terms: ['banjir', 'tanggul'],
        coordinated: false,
        sources: [{ source: 'x', count: 42, share: 0.5 }],
      }),
      true,
    );
  });
  it('exports the posts a search finds as a CSV file, text safe to open in a spreadsheet', async () => {
    const res = await get('/v1/posts/export?source=telegram');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="pantau-posts-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const [header, ...rows] = rowsOf(res.body);
    expect(header).toEqual([
      'id',
      'publishedAt',
      'source',
      'sourceKind',
      'url',
      'text',
      'hoaxScore',
      'hoaxSignals',
      'factCheck',
      'factCheckUrl',
      'issueId',
      'topics',
      'regions',
      'language',
    ]);
    expect(rows.map((r) => r[0])).toEqual(['p-formula', 'p-newline']);
    const cell = (row: string[], column: string) => row[header!.indexOf(column)];
    // A formula in a post stays text; a newline, quotes and emoji survive the round trip.
    expect(cell(rows[0]!, 'text')).toBe(
      '\'=HYPERLINK("http://bit.ly/bansos-ktp","Klik utk cairkan BANSOS 600rb")',
    );
    expect(cell(rows[1]!, 'text')).toBe('Info bansos 😭🙏\n"cek dulu" sblm share, jgn asal sebar; ok?');
    expect(cell(rows[0]!, 'hoaxScore')).toBe('0.912');
    // Who posted stays out of the file, as it stays out of the JSON lists.
    expect(res.body).not.toContain('info_bansos_resmi');
    expect(cell(rows[0]!, 'hoaxSignals')).toBe('Desakan');
    expect(cell(rows[0]!, 'factCheck')).toBe('[HOAKS] Link pencairan bansos minta foto KTP');
    expect(cell(rows[0]!, 'factCheckUrl')).toBe('https://turnbackhoax.id/bansos-ktp');
    expect(cell(rows[0]!, 'topics')).toBe('ekonomi');
    expect(cell(rows[0]!, 'regions')).toBe('Bekasi');

    // Semicolons for spreadsheets set to Indonesian.
    const semi = await get('/v1/posts/export?source=telegram&delimiter=semicolon');
    expect(rowsOf(semi.body, ';').map((r) => r.length)).toEqual([14, 14, 14]);
    expect(rowsOf(semi.body, ';')[1]![6]).toBe('0,912');
    expect(semi.body.split('\n')[0]).toBe(
      '\uFEFFid;publishedAt;source;sourceKind;url;text;hoaxScore;hoaxSignals;factCheck;factCheckUrl;issueId;topics;regions;language',
    );
  });

  it('reads every page up to the limit, newest first, each post once', async () => {
    const all = rowsOf((await get('/v1/posts/export?q=bansos')).body).slice(1);
    expect(all).toHaveLength(422);
    expect(new Set(all.map((r) => r[0])).size).toBe(422);
    const limited = rowsOf((await get('/v1/posts/export?limit=250&from=2026-11-20T08:00:00Z')).body).slice(1);
    expect(limited.map((r) => r[0])).toEqual([
      'p-formula',
      'p-newline',
      ...Array.from({ length: 248 }, (_, i) => `p-${String(419 - i).padStart(3, '0')}`),
    ]);
  });

  it('exports issues with the list filters', async () => {
    const [header, ...rows] = rowsOf((await get('/v1/issues/export')).body);
    expect(rows.map((r) => r[0])).toEqual(['iss-bansos', 'iss-banjir']);
    const cell = (row: string[], column: string) => row[header!.indexOf(column)];
    expect(cell(rows[0]!, 'hoaxShare')).toBe('0.643');
    expect(cell(rows[0]!, 'keywords')).toBe('bansos; ktp');
    expect(cell(rows[0]!, 'coordinated')).toBe('1');
    // A title that starts like a formula ("+62 …") stays text.
    expect(cell(rows[1]!, 'title')).toBe("'+62 banjir Bekasi: tanggul jebol?");
    expect(cell(rows[1]!, 'sources')).toBe('x 50%');
    const filtered = rowsOf((await get('/v1/issues/export?q=banjir&coordinated=false')).body);
    expect(filtered.slice(1).map((r) => r[0])).toEqual(['iss-banjir']);
  });

  it('lists the sources posts came from, busiest first, for a source filter', async () => {
    const since = await get('/v1/posts/sources?from=2026-11-01T00:00:00Z');
    expect(since.statusCode).toBe(200);
    expect(since.json()).toEqual({
      items: [
        { source: 'x', posts: 420 },
        { source: 'telegram', posts: 2 },
      ],
    });
    // By default the last 7 days: these posts are older.
    expect((await get('/v1/posts/sources')).json()).toEqual({ items: [] });
    expect((await get('/v1/posts/sources?from=2026-11-20T08:08:00Z&size=1')).json()).toEqual({
      items: [{ source: 'x', posts: 412 }],
    });
  });

  it('answers bad parameters and missing keys in the API error shape', async () => {
    const bad = await get('/v1/posts/export?limit=0');
    expect([bad.statusCode, bad.json<{ error: { code: string } }>().error.code]).toEqual([400, 'VALIDATION']);
    const paging = await get('/v1/issues/export?cursor=abc');
    expect([paging.statusCode, paging.json<{ error: { code: string } }>().error.code]).toEqual([
      400,
      'VALIDATION',
    ]);
    const anonymous = await get('/v1/issues/export', '');
    expect(anonymous.statusCode).toBe(401);
  });
});
