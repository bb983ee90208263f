import { IssueClusterer } from '@pantau/issues';
import { createEnricher } from '@pantau/nlp-id';
import {
  bulkIndex,
  createSearchClient,
  dropIndices,
  installIndices,
  putIssue,
  type IndexNames,
  type IssueDoc,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, uniqueName } from '@pantau/testkit';
import { restoreClusterer } from '../src';

const enricher = createEnricher();
/** A post as the scorer indexes it (the fields the assigner re-reads). */
function indexed(id: string, text: string, publishedAt: string, issueId: string) {
  const e = enricher.enrich(text);
  return {
    v: 1,
    id,
    source: 'x',
    sourceId: id,
    text,
    publishedAt,
    fetchedAt: publishedAt,
    terms: e.terms,
    hashtags: e.hashtags,
    mentions: e.mentions,
    urls: e.urls,
    signature: e.signature.bands,
    issueId,
    issueTitle: text.slice(0, 60),
  };
}

describe('restoring the issue assigner past its replay cap (real OpenSearch)', () => {
  let search: SearchClient;
  let names: IndexNames;
  const prefix = `${uniqueName('restore')}-`;

  beforeAll(async () => {
    await requireServers('opensearch');
    search = createSearchClient(servers.opensearchUrl);
    names = await installIndices(search, { prefix });
  });
  afterAll(async () => {
    await dropIndices(search, prefix);
    await search.close();
  });

  it('continues a story whose posts are older than the replay, from its issue document', async () => {
    const story = [
      'Jembatan gantung di Lebak putus, puluhan siswa terpaksa menyeberang sungai',
      'Warga Lebak minta jembatan gantung yang putus segera diperbaiki, siswa menyeberang sungai',
      'jembatan gantung lebak ambruk lagi, kasian bocah2 sekolah nyebrang kali',
    ].map((t, i) => indexed(`lebak-${i}`, t, `2026-11-27T0${7 + i}:00:00Z`, 'is_lebak'));
    const chatter = [
      'Pagi ini macet parah di tol Cikampek, berangkat kerja jam 6 tetep telat',
      'Ada yang tau warung bakso enak di daerah Depok? pengen nyobain yg baru',
      'Hujan deres banget di Bekasi sore ini, jemuran gak kering2',
      'Timnas menang 2-0 semalam, mantap main ngotot dari awal',
      'Promo kopi susu 50% hari ini doang guys, buruan',
      'Konser di GBK kemarin rame banget, pulangnya susah cari ojol',
    ].map((t, i) => indexed(`obrolan-${i}`, t, `2026-11-28T0${i}:30:00Z`, `is_obrolan_${i}`));
    const written = await bulkIndex(
      search,
      [...story, ...chatter].map((p) => ({ index: names.postsFor(p.publishedAt), id: p.id, doc: p })),
      { refresh: true },
    );
    expect(written.failed).toEqual([]);
    // The detector's document of the story: its keywords counted post by post.
    const counted = new IssueClusterer();
    const termCounts = new Map<string, number>();
    for (const p of story) {
      counted.learn({ ...p, at: Date.parse(p.publishedAt), bands: p.signature }, 'is_lebak', p.issueTitle);
      for (const k of counted.keywords('is_lebak')) termCounts.set(k, (termCounts.get(k) ?? 0) + 1);
    }
    const doc: IssueDoc = {
      id: 'is_lebak',
      title: 'Jembatan gantung di Lebak putus, puluhan siswa terpaksa menyeberang sungai',
      terms: counted.keywords('is_lebak'),
      status: 'new',
      count: 3,
      windowCount: 0,
      baseline: 0,
      score: 0,
      growth: 0,
      hoaxShare: 0,
      distinctAuthors: 3,
      coordinated: false,
      watchlistIds: [],
      samplePostIds: story.map((p) => p.id),
      firstSeen: story[0]!.publishedAt,
      lastSeen: story[2]!.publishedAt,
      updatedAt: story[2]!.publishedAt,
      timeline: [],
      state: {
        buckets: [],
        hoaxCount: 0,
        status: 'new',
        peakWindow: 0,
        lastRisingWindow: 0,
        termCounts: [...termCounts],
        authors: [1, 2, 3],
      },
    };
    await putIssue(search, names, doc, true);

    // A replay capped at the six newest posts (a million posts a day caps it the same way).
    const now = Date.parse('2026-11-28T12:00:00Z');
    const capped = new IssueClusterer();
    expect(await restoreClusterer(capped, search, names, now, 6)).toEqual({ posts: 6, fromDocuments: 1 });
    const next = enricher.enrich(
      'Jembatan gantung Lebak putus, anak sekolah nyebrang sungai tiap hari, miris',
    );
    const assign = (c: IssueClusterer, id: string) =>
      c.assign({
        id,
        at: now,
        terms: next.terms,
        hashtags: next.hashtags,
        mentions: next.mentions,
        urls: next.urls,
        bands: next.signature.bands,
        text: 'Jembatan gantung Lebak putus, anak sekolah nyebrang sungai tiap hari, miris',
      }).issueId;
    expect(assign(capped, 'lebak-next')).toBe('is_lebak');
    // Its sample posts were learnt: a copy of the first one links to it as a near-duplicate.
    const copy = enricher.enrich(story[0]!.text);
    expect(
      capped.assign({
        id: 'lebak-copy',
        at: now,
        terms: copy.terms,
        hashtags: copy.hashtags,
        mentions: copy.mentions,
        urls: copy.urls,
        bands: copy.signature.bands,
        text: story[0]!.text,
      }),
    ).toMatchObject({ issueId: 'is_lebak', via: 'near-duplicate', nearDuplicateOf: 'lebak-0' });
    // Replayed whole, the story is rebuilt from its posts and its document adds nothing.
    const whole = new IssueClusterer();
    expect(await restoreClusterer(whole, search, names, now)).toEqual({ posts: 9, fromDocuments: 0 });
    expect(assign(whole, 'lebak-next-2')).toBe('is_lebak');
    // A document whose samples are gone from the index falls back to its keyword counts.
    await search.deleteByQuery({
      index: names.posts,
      body: { query: { ids: { values: story.map((p) => p.id) } } },
      refresh: true,
    } as never);
    const fallback = new IssueClusterer();
    expect(await restoreClusterer(fallback, search, names, now, 6)).toEqual({ posts: 6, fromDocuments: 1 });
    expect(assign(fallback, 'lebak-next-3')).toBe('is_lebak');
  });
});
