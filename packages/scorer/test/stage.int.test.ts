import path from 'node:path';
import {
  ManualClock,
  POST_ID_HEADER,
  WATCHLIST_COUNT_HEADER,
  topicNames,
  type EnrichedPost,
  type ScoredPost,
} from '@pantau/core';
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
import { IssueClusterer } from '@pantau/issues';
import {
  FactCheckSync,
  WatchlistRegistry,
  createAssignStage,
  createEnrichStage,
  importFactChecksCsv,
  restoreClusterer,
} from '../src';

type Bus = ReturnType<typeof createMemoryBus>;
/** A memory bus whose topics have one partition, so reading a topic gives the order of writing. */
async function orderedBus(
  logger: ReturnType<typeof testLogger>,
  topics: ReturnType<typeof topicNames>,
): Promise<Bus> {
  const bus = createMemoryBus({ logger });
  await bus.ensureTopics(
    [topics.postsScored, topics.postsEnriched].map((topic) => ({ topic, partitions: 1 })),
  );
  return bus;
}
const asBatch = <T>(values: T[], topic: string) =>
  values.map((value, i) => ({
    value,
    message: {
      topic,
      partition: 0,
      offset: String(i),
      key: null,
      value: Buffer.from(JSON.stringify(value)),
      headers: {},
      timestamp: 0,
    } as BusMessage,
  }));

describe('scorer stages (real OpenSearch)', () => {
  let search: SearchClient;
  let names: IndexNames;
  const prefix = `${uniqueName('scorer')}-`;
  const topics = topicNames('t.');
  const logger = testLogger('scorer');
  const assignStage = (bus: Bus) =>
    createAssignStage({
      newClusterer: () => new IssueClusterer(),
      restore: (c) => restoreClusterer(c, search, names, Date.parse('2026-11-28T05:00:00Z')),
      search,
      names,
      producer: bus.producer(),
      topics,
      logger,
    });

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
    const sync = new FactCheckSync(search, names, enricher);
    expect(await sync.refresh()).toEqual({ added: 6, updated: 0, removed: 0 });
    expect(await sync.refresh()).toEqual({ added: 0, updated: 0, removed: 0 }); // only changes are handed on

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

    const bus = await orderedBus(logger, topics);
    const enrich = createEnrichStage({
      enricher,
      watchlists,
      stemToken: stem,
      producer: bus.producer(),
      topics,
      logger,
      clock: new ManualClock(Date.parse('2026-11-28T05:00:00Z')),
    });
    const stage = {
      async handleBatch(batch: ReturnType<typeof asBatch<(typeof accepted)[number]>>) {
        const before = bus.read(topics.postsScored).length;
        expect((await enrich.handleBatch(batch)).failed).toEqual([]);
        const scored = bus
          .read(topics.postsScored)
          .slice(before)
          .map((m) => JSON.parse(m.value.toString()) as ScoredPost);
        return assign.handleBatch(asBatch(scored, topics.postsScored));
      },
    };
    const assign = assignStage(bus);
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
        // A regional outlet's post: its place is declared, not named in the text.
        region: 'jakarta-timur',
      },
    ]);
    const batch = asBatch(accepted, topics.postsRaw);
    const result = await stage.handleBatch(batch);
    expect(result.failed).toEqual([]);
    await stage.handleBatch(batch); // a replay: nothing duplicated in the index

    const published = bus
      .read(topics.postsEnriched)
      .map((m) => ({ key: m.key, post: JSON.parse(m.value.toString()) as EnrichedPost, headers: m.headers }));
    const [hoax1, hoax2, cabai] = published.slice(0, 3).map((p) => p.post);
    // The rule stage skips, unparsed, the posts no watchlist matched.
    expect(published.slice(0, 3).map((p) => p.headers[WATCHLIST_COUNT_HEADER])).toEqual(['1', '1', '0']);
    // A restarting detector reads back the ids of the posts it counted last without parsing them.
    expect(published.slice(0, 3).map((p) => p.headers[POST_ID_HEADER])).toEqual(
      published.slice(0, 3).map((p) => p.post.id),
    );
    expect(published[0]!.key).toBe(hoax1!.issueId);
    expect(hoax2!.issueId).toBe(hoax1!.issueId);
    expect(hoax1!.issueTitle).toContain('Vaksin booster');
    expect(cabai!.issueId).not.toBe(hoax1!.issueId);
    expect(hoax1!.watchlistIds).toEqual(['wl_vaksin']);
    expect(cabai!.watchlistIds).toEqual([]);
    expect(hoax1!.hoaxScore).toBeGreaterThan(cabai!.hoaxScore);
    expect(hoax1!.signals.length).toBeGreaterThan(0);
    expect(hoax1!.claimMatches[0]).toMatchObject({ factCheckId: 'cek-001' });
    expect(cabai!.claimMatches).toEqual([]);
    // The declared city counts with its province; a post that names no place and declares none has none.
    expect(cabai!.regions).toEqual([
      { id: 'jakarta-timur', name: 'Jakarta Timur' },
      { id: 'dki', name: 'DKI Jakarta' },
    ]);
    expect(hoax1!.regions).toBeUndefined();

    // The replay kept every post in its issue (the assigner re-learnt them from the index).
    expect(published.slice(3).map((p) => p.post.issueId)).toEqual([
      hoax1!.issueId,
      hoax1!.issueId,
      cabai!.issueId,
    ]);

    await search.indices.refresh({ index: names.posts });
    const found = await searchPosts(search, names, { q: 'vaksin chip' });
    expect(found.total).toBe(2);
    expect((await searchPosts(search, names, {})).total).toBe(3);
    const inDki = await search.count({
      index: names.posts,
      body: { query: { term: { 'regions.id': 'dki' } } },
    } as never);
    expect((inDki.body as unknown as { count: number }).count).toBe(1);

    // Another assigner taking over rebuilds the same issues from the index: a new wording of the chip
    // hoax joins the running issue.
    const next = bus.read(topics.postsEnriched).length;
    const takeover = assignStage(bus);
    const [later] = preparePosts([
      {
        source: 't',
        sourceId: '4',
        text: 'Katanya vaksin booster ada chip 5G buat lacak warga?? serem bgt',
        publishedAt: '2026-11-28T04:55:00Z',
      },
    ]).accepted;
    const scoredLater = (await (async () => {
      await enrich.handleBatch(asBatch([later!], topics.postsRaw));
      return bus
        .read(topics.postsScored)
        .slice(-1)
        .map((m) => JSON.parse(m.value.toString()) as ScoredPost);
    })())!;
    expect(
      (
        await takeover.handleBatch(
          asBatch(scoredLater, topics.postsScored).map((b) => ({
            ...b,
            message: { ...b.message, offset: '99' },
          })),
        )
      ).failed,
    ).toEqual([]);
    const took = JSON.parse(bus.read(topics.postsEnriched)[next]!.value.toString()) as EnrichedPost;
    expect(took.issueId).toBe(hoax1!.issueId);
  });

  it('dead-letters a post OpenSearch rejects and publishes the rest', async () => {
    const bus = await orderedBus(logger, topics);
    const enrich = createEnrichStage({
      enricher: createEnricher(),
      watchlists: { match: () => [] },
      stemToken: stem,
      producer: bus.producer(),
      topics,
      logger,
      clock: new ManualClock(0),
    });
    const assign = assignStage(bus);
    const stage = {
      async handleBatch(batch: ReturnType<typeof asBatch<(typeof accepted)[number]>>) {
        await enrich.handleBatch(batch);
        const scored = bus.read(topics.postsScored).map((m) => JSON.parse(m.value.toString()) as ScoredPost);
        return assign.handleBatch(asBatch(scored, topics.postsScored));
      },
    };
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
    const batch = asBatch([accepted[0]!, bad], topics.postsRaw);
    const result = await stage.handleBatch(batch);
    expect(result.failed).toHaveLength(1);
    expect(result.failed![0]!.error.code).toBe('STORE_REJECTED');
    expect(result.failed![0]!.error.message).toContain('strict_dynamic_mapping_exception');
    expect(bus.read(topics.postsEnriched).map((m) => JSON.parse(m.value.toString()).sourceId)).toEqual([
      'ok',
    ]);
  });
});
