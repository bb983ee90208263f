import path from 'node:path';
import { ManualClock, topicNames, type EnrichedPost } from '@pantau/core';
import { createMemoryBus, type BusMessage } from '@pantau/bus';
import { preparePosts } from '@pantau/ingest';
import { createEnricher, normalize, stem } from '@pantau/nlp-id';
import { parseQuery } from '@pantau/query';
import {
  createSearchClient,
  dropIndices,
  installIndices,
  searchPosts,
  type IndexNames,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName } from '@pantau/testkit';
import {
  FactCheckSync,
  IssueAssigner,
  NearDuplicateIndex,
  WatchlistRegistry,
  createScorerStage,
  importFactChecksCsv,
} from '../src';

describe('scorer stage (real OpenSearch)', () => {
  let search: SearchClient;
  let names: IndexNames;
  const prefix = `${uniqueName('scorer')}-`;
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

  it('enriches, groups, matches watchlists and fact-checks, indexes once and publishes by issue', async () => {
    const enricher = createEnricher();
    const imported = await importFactChecksCsv(
      search,
      names,
      path.join(__dirname, '../data/factchecks-sample.csv'),
      logger,
    );
    expect(imported).toBe(6);
    const sync = new FactCheckSync(search, names, (items) => enricher.addFactChecks(items));
    expect(await sync.refresh()).toBe(6);
    expect(await sync.refresh()).toBe(0); // only new ones are handed on

    await search.index({
      index: names.of('watchlists'),
      id: 'wl_vaksin',
      body: {
        id: 'wl_vaksin',
        agencyId: 'ag_kemenkes',
        name: 'Vaksin',
        query: 'vaksin AND (chip OR magnet)',
        ast: parseQuery('vaksin AND (chip OR magnet)'),
      },
      refresh: 'true',
    });
    const watchlists = new WatchlistRegistry(search, names, (raw) => normalize(raw).tokens.map(stem), logger);
    await watchlists.refresh();
    expect(watchlists.size).toBe(1);

    const bus = createMemoryBus({ logger });
    const stage = createScorerStage({
      enricher,
      assigner: new IssueAssigner(),
      nearDuplicates: new NearDuplicateIndex(),
      watchlists,
      stemToken: stem,
      search,
      names,
      producer: bus.producer(),
      topics,
      logger,
      clock: new ManualClock(Date.parse('2026-11-28T05:00:00Z')),
    });
    const { accepted } = preparePosts([
      {
        source: 't',
        sourceId: '1',
        text: 'SEBARKAN!!! Vaksin booster mengandung chip 5G buat melacak warga, sebelum dihapus!!',
        publishedAt: '2026-11-28T04:50:00Z',
      },
      {
        source: 't',
        sourceId: '2',
        text: 'Viralkan! Vaksin booster ada chip pelacaknya, jangan mau disuntik!!!',
        publishedAt: '2026-11-28T04:51:00Z',
      },
      {
        source: 't',
        sourceId: '3',
        text: 'Harga cabai rawit di pasar Kramat Jati tembus 80rb/kg, emak2 pada ngeluh',
        publishedAt: '2026-11-28T04:52:00Z',
      },
    ]);
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
    const result = await stage.handleBatch(batch);
    expect(result.failed).toEqual([]);
    await stage.handleBatch(batch); // a replay: nothing duplicated in the index

    const published = bus
      .read(topics.postsEnriched)
      .map((m) => ({ key: m.key, post: JSON.parse(m.value.toString()) as EnrichedPost }));
    const [hoax1, hoax2, cabai] = published.slice(0, 3).map((p) => p.post);
    expect(published[0]!.key).toBe(hoax1!.issueId);
    expect(hoax2!.issueId).toBe(hoax1!.issueId);
    expect(cabai!.issueId).not.toBe(hoax1!.issueId);
    expect(hoax1!.watchlistIds).toEqual(['wl_vaksin']);
    expect(cabai!.watchlistIds).toEqual([]);
    expect(hoax1!.hoaxScore).toBeGreaterThan(cabai!.hoaxScore);
    expect(hoax1!.signals.length).toBeGreaterThan(0);
    expect(hoax1!.claimMatches[0]).toMatchObject({ factCheckId: 'cek-001' });
    expect(cabai!.claimMatches).toEqual([]);

    await search.indices.refresh({ index: names.posts });
    const found = await searchPosts(search, names, { q: 'vaksin chip' });
    expect(found.total).toBe(2);
    expect((await searchPosts(search, names, {})).total).toBe(3);
  });

  it('dead-letters a post OpenSearch rejects and publishes the rest', async () => {
    const bus = createMemoryBus({ logger });
    const stage = createScorerStage({
      enricher: createEnricher(),
      assigner: new IssueAssigner(),
      nearDuplicates: new NearDuplicateIndex(),
      watchlists: { match: () => [] },
      stemToken: stem,
      search,
      names,
      producer: bus.producer(),
      topics,
      logger,
      clock: new ManualClock(0),
    });
    const { accepted } = preparePosts([
      {
        source: 't',
        sourceId: 'ok',
        text: 'Banjir rob di Muara Baru, warga mengungsi',
        publishedAt: '2026-11-28T04:50:00Z',
      },
      { source: 't', sourceId: 'bad', text: 'Gempa terasa di Sukabumi', publishedAt: '2026-11-28T04:50:00Z' },
    ]);
    // A field the strict mapping does not know makes OpenSearch reject this one document for good.
    const bad = { ...accepted[1]!, surprise: true } as unknown as (typeof accepted)[number];
    const batch = [accepted[0]!, bad].map((value, i) => ({
      value,
      message: {
        topic: topics.postsRaw,
        partition: 0,
        offset: String(i),
        key: null,
        value: Buffer.from('{}'),
        headers: {},
        timestamp: 0,
      } as BusMessage,
    }));
    const result = await stage.handleBatch(batch);
    expect(result.failed).toHaveLength(1);
    expect(result.failed![0]!.error.code).toBe('STORE_REJECTED');
    expect(result.failed![0]!.error.message).toContain('strict_dynamic_mapping_exception');
    expect(bus.read(topics.postsEnriched).map((m) => JSON.parse(m.value.toString()).sourceId)).toEqual([
      'ok',
    ]);
  });
});
