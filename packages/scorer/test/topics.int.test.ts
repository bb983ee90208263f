import { ManualClock, topicNames, type EnrichedPost, type ScoredPost } from '@pantau/core';
import { createMemoryBus, type BusMessage } from '@pantau/bus';
import { preparePosts } from '@pantau/ingest';
import { createEnricher, normalize, stem } from '@pantau/nlp-id';
import { compileToOpenSearch, parseQuery } from '@pantau/query';
import {
  createSearchClient,
  dropIndices,
  installIndices,
  searchPosts,
  type IndexNames,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName } from '@pantau/testkit';
import { IssueClusterer } from '@pantau/issues';
import { WatchlistRegistry, createAssignStage, createEnrichStage, restoreClusterer } from '../src';

/**
 * Topics end to end through the scorer on real OpenSearch: every post is indexed with its topics,
 * `topics.id` filters find them, and a watchlist with `topic:` matches the same posts in the live
 * matcher (scorer) and in OpenSearch (history/search), i.e. the two compilers agree.
 */
describe('topics in the scorer (real OpenSearch)', () => {
  let search: SearchClient;
  let names: IndexNames;
  const prefix = `${uniqueName('topics')}-`;
  const topics = topicNames('t.');
  const logger = testLogger('scorer');

  beforeAll(async () => {
    await requireServers('opensearch');
    search = createSearchClient(servers.opensearchUrl);
    names = await installIndices(search, { prefix });
  });
  afterAll(async () => {
    await dropIndices(search, prefix);
    await search.close();
  });

  const QUERIES: Record<string, string> = {
    wl_bencana: 'topic:bencana',
    wl_transport_macet: 'topic:transportasi AND macet',
    wl_ekonomi_or_tag: 'topic:ekonomi OR #hargacabai',
    wl_kesehatan_not_vaksin: 'topic:kesehatan -vaksin',
    wl_bencana_or_transport: 'topic:BENCANA OR topic:transportasi',
  };

  it('indexes topics, filters by topic, and matches topic: watchlists the same live and in OpenSearch', async () => {
    for (const [id, query] of Object.entries(QUERIES))
      await search.index({
        index: names.of('watchlists'),
        id,
        body: { id, agencyId: 'ag_test', name: id, query, ast: parseQuery(query) },
        refresh: 'true',
      });
    const watchlists = new WatchlistRegistry(search, names, (raw) => normalize(raw).tokens.map(stem), logger);
    await watchlists.refresh();
    expect(watchlists.size).toBe(Object.keys(QUERIES).length);

    const bus = createMemoryBus({ logger });
    const enrich = createEnrichStage({
      enricher: createEnricher(),
      watchlists,
      stemToken: stem,
      producer: bus.producer(),
      topics,
      logger,
      clock: new ManualClock(Date.parse('2026-11-28T05:00:00Z')),
    });
    const assign = createAssignStage({
      newClusterer: () => new IssueClusterer(),
      restore: (c) => restoreClusterer(c, search, names, Date.parse('2026-11-28T05:00:00Z')),
      search,
      names,
      producer: bus.producer(),
      topics,
      logger,
    });
    // Enrich, then assign what the enricher published (as the two consumers of one scorer do).
    const stage = {
      async handleBatch(batch: Parameters<typeof enrich.handleBatch>[0]) {
        const result = await enrich.handleBatch(batch);
        if (result.failed?.length) return result;
        const scored = bus.read(topics.postsScored).map((m, i) => ({
          value: JSON.parse(m.value.toString()) as ScoredPost,
          message: { ...m, offset: String(i) },
        }));
        return assign.handleBatch(scored);
      },
    };
    const texts = [
      'Banjir bandang terjang Garut, BNPB: ratusan warga dievakuasi ke posko pengungsian',
      'gempa kerasa bgt di Cianjur barusan, semua lari keluar rumah #gempacianjur',
      'macet parah di tol Cikampek arah Jakarta, arus balik padat merayap',
      'KRL gangguan lagi, penumpang numpuk di stasiun Manggarai',
      'Harga cabai rawit tembus 100 ribu sekilo, pedagang pasar mengeluh #hargacabai',
      'BI tahan suku bunga acuan, rupiah menguat tipis',
      'Antrean pasien BPJS di rumah sakit daerah mengular sampai subuh',
      'Stok vaksin campak di puskesmas menipis, orang tua diminta sabar',
      'Timnas menang 2-1 lewat gol menit akhir, suporter pesta di GBK',
    ];
    const { accepted } = preparePosts(
      texts.map((text, i) => ({
        source: 't',
        sourceId: String(i),
        text,
        publishedAt: '2026-11-28T04:50:00Z',
      })),
    );
    const batch = accepted.map((value, i) => ({
      value,
      message: {
        topic: topics.postsRaw,
        partition: 0,
        offset: String(i),
        key: null,
        value: Buffer.from(JSON.stringify(value)),
        headers: {},
        timestamp: 0,
      } as BusMessage,
    }));
    expect((await stage.handleBatch(batch)).failed).toEqual([]);
    const published = bus
      .read(topics.postsEnriched)
      .map((m) => JSON.parse(m.value.toString()) as EnrichedPost);
    const byText = new Map(published.map((p) => [p.text, p]));
    const topTopic = (i: number) => byText.get(texts[i]!)!.topics?.[0]?.id;
    expect([0, 1].map(topTopic)).toEqual(['bencana', 'bencana']);
    expect([2, 3].map(topTopic)).toEqual(['transportasi', 'transportasi']);
    expect([4, 5].map(topTopic)).toEqual(['ekonomi', 'ekonomi']);
    expect([6, 7].map(topTopic)).toEqual(['kesehatan', 'kesehatan']);
    expect(topTopic(8)).toBe('olahraga');
    for (const p of published) for (const t of p.topics ?? []) expect(t.words?.length).toBeGreaterThan(0);

    await search.indices.refresh({ index: names.posts });
    const bencana = await searchPosts(search, names, { topic: 'bencana' });
    expect(bencana.items.map((p) => p.text).sort()).toEqual([texts[0], texts[1]].sort());
    expect(bencana.items[0]!.topics?.[0]?.id).toBe('bencana');

    // Parity: for each watchlist, the posts the live matcher tagged = the posts OpenSearch returns.
    for (const [id, query] of Object.entries(QUERIES)) {
      const live = published.filter((p) => p.watchlistIds.includes(id)).map((p) => p.id);
      const res = await search.search({
        index: names.posts,
        body: { size: 100, query: compileToOpenSearch(parseQuery(query)), _source: ['id'] } as never,
      });
      const stored = res.body.hits.hits.map((h) => (h._source as { id: string }).id);
      expect({ id, posts: stored.sort() }).toEqual({ id, posts: live.sort() });
      expect(live.length).toBeGreaterThan(0);
    }
  });
});
