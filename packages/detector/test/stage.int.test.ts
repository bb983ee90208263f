import {
  EnrichedPost as EnrichedPostSchema,
  ManualClock,
  POST_ID_HEADER,
  createDecoder,
  topicNames,
  type EnrichedPost,
  type IssueEvent,
} from '@pantau/core';
import { createMemoryBus, type Bus, type BusMessage, type Producer } from '@pantau/bus';
import {
  createSearchClient,
  dropIndices,
  getIssues,
  installIndices,
  type IndexNames,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import { CountedRecall, DEFAULT_DETECTOR_SETTINGS, IssueTracker, createDetectorStage } from '../src';

const T0 = Date.parse('2026-11-28T03:00:00Z');

function post(n: number, issueId = 'is_crash'): EnrichedPost {
  const at = new Date(T0 - 30_000 + n * 1000).toISOString();
  return {
    v: 1,
    id: `crash-${n}`,
    source: 'x',
    sourceId: String(n),
    text: 'Viral! Jembatan Kali Bekasi ambruk pagi ini, warga diminta cari jalan lain',
    publishedAt: at,
    fetchedAt: at,
    author: { handle: `warga${n}` },
    normalizedText: '',
    language: 'id',
    terms: ['jembatan', 'bekasi', 'ambruk'],
    hashtags: [],
    mentions: [],
    domains: [],
    entities: [],
    signature: [`s${n}`],
    issueId,
    issueTerms: ['jembatan', 'ambruk'],
    hoaxScore: 0.2,
    signals: [],
    modelVersion: 't',
    watchlistIds: [],
    claimMatches: [],
    enrichedAt: at,
  };
}

const asBatch = (posts: EnrichedPost[], firstOffset: number) =>
  posts.map((value, i) => ({
    value,
    message: {
      topic: 'posts.enriched',
      partition: 1,
      offset: String(firstOffset + i),
      key: value.issueId,
      value: Buffer.from(JSON.stringify(value)),
      headers: {},
      timestamp: 0,
    } as BusMessage,
  }));

describe('detector stage across a crash (real OpenSearch)', () => {
  let search: SearchClient;
  let names: IndexNames;
  const prefix = `${uniqueName('detector')}-`;
  const topics = topicNames('d.');
  const logger = testLogger('detector');

  beforeAll(async () => {
    await requireServers('opensearch');
    search = createSearchClient(servers.opensearchUrl);
    names = await installIndices(search, { prefix });
  });
  afterAll(async () => {
    await dropIndices(search, prefix);
    await search.close();
  });

  it('dies between writing issue documents and committing: the replay neither double counts nor loses or repeats events', async () => {
    const clock = new ManualClock(T0);
    const bus = createMemoryBus({ logger });
    const published = () => bus.read(topics.issues).map((m) => JSON.parse(m.value.toString()) as IssueEvent);
    // The first detector writes its documents, then dies before its events are sent (and so before
    // the offsets are committed): the producer fails as a killed process would.
    const dying: Producer = {
      send: async () => {
        throw new Error('killed');
      },
    };
    const stageFor = (producer: Producer) =>
      createDetectorStage({
        tracker: new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock),
        search,
        names,
        producer,
        topics,
        logger,
      });
    const batch = asBatch(
      Array.from({ length: 6 }, (_, i) => post(i)),
      40,
    );
    await expect(stageFor(dying).handleBatch(batch)).rejects.toThrow('killed');
    await search.indices.refresh({ index: names.of('issues') });
    const [written] = await getIssues(search, names, ['is_crash']);
    expect(written!.count).toBe(6);
    expect(published()).toEqual([]);

    // The restarted detector gets the same batch again (offsets were never committed).
    const restarted = stageFor(bus.producer());
    await restarted.handleBatch(batch);
    await search.indices.refresh({ index: names.of('issues') });
    expect((await getIssues(search, names, ['is_crash']))[0]!.count).toBe(6);
    const events = published();
    expect(events.map((e) => e.type)).toEqual(['rising']);
    expect(events[0]!.id).toBe((written!.state!.pendingEvents as IssueEvent[])[0]!.id);

    // New posts carry on from there: counted once, no old event again.
    await restarted.handleBatch(asBatch([post(6)], 46));
    await search.indices.refresh({ index: names.of('issues') });
    expect((await getIssues(search, names, ['is_crash']))[0]!.count).toBe(7);
    expect(published().map((e) => e.type)).toEqual(['rising']);
  });

  describe('a scorer re-publishes posts it had already published (crash before its commit)', () => {
    // The running detector drops the duplicates by post id. A detector that did not count the
    // originals itself — restarted since, or taking the partition over from another detector — knows
    // their ids only if it reads them back from the stream (CountedRecall).
    async function scenario(how: 'restart' | 'takeover', recall: boolean): Promise<number> {
      const clock = new ManualClock(T0);
      const bus: Bus = createMemoryBus({ logger });
      const issueId = uniqueName('is_dup');
      const groupId = uniqueName('detector');
      await bus.ensureTopics([{ topic: topics.postsEnriched, partitions: 1 }]);
      const publish = (posts: EnrichedPost[]) =>
        bus.producer().send(
          topics.postsEnriched,
          posts.map((p) => ({
            key: p.issueId,
            value: JSON.stringify(p),
            headers: { [POST_ID_HEADER]: p.id },
          })),
        );
      /** A detector process: tracker, read-back at start, stage, consumer. */
      const detector = async () => {
        const tracker = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
        const counted = new CountedRecall(
          bus,
          tracker,
          { groupId, topic: topics.postsEnriched, windowMs: 600_000, maxPerPartition: recall ? 20_000 : 0 },
          logger,
        );
        await counted.atStart();
        const stage = createDetectorStage({
          tracker,
          search,
          names,
          producer: bus.producer(),
          topics,
          logger,
          recall: counted,
        });
        let handled = 0;
        const consumer = bus.consumer<EnrichedPost>({
          groupId,
          topics: [topics.postsEnriched],
          decode: createDecoder(EnrichedPostSchema, 'enriched post'),
          dlqTopic: topics.dlq,
          fromBeginning: true,
          handleBatch: async (batch) => {
            await stage.handleBatch(batch);
            handled += batch.length;
          },
        });
        await consumer.start();
        return { consumer, handled: () => handled };
      };
      const posts = Array.from({ length: 7 }, (_, i) => ({ ...post(i, issueId), id: `${issueId}-${i}` }));
      const first = await detector();
      // Takeover: a second detector in the group from the start, idle while the first has the partition.
      const second = how === 'takeover' ? await detector() : undefined;
      await publish(posts.slice(0, 6));
      await waitFor(() => first.handled() >= 6, { what: 'the originals counted' });
      await first.consumer.close(); // committed; the process goes away

      await publish([...posts.slice(3, 6), posts[6]!]); // the scorer's replay, then a new post
      const next = second ?? (await detector());
      await waitFor(() => next.handled() >= 4, { what: 'the replay handled' });
      await next.consumer.close();
      await search.indices.refresh({ index: names.of('issues') });
      return (await getIssues(search, names, [issueId]))[0]!.count;
    }

    it('restarted detector: counts each post once', async () => {
      expect(await scenario('restart', true)).toBe(7);
      // Without the read-back the same restart counts the three duplicates again.
      expect(await scenario('restart', false)).toBe(10);
    });

    it('detector taking a partition over from another one: counts each post once', async () => {
      expect(await scenario('takeover', true)).toBe(7);
      expect(await scenario('takeover', false)).toBe(10);
    });
  });

  it('coalesces: batches arriving while issues are written share one write per issue', async () => {
    const clock = new ManualClock(T0);
    const bus = createMemoryBus({ logger });
    let bulks = 0;
    let issueWrites = 0;
    const counting = new Proxy(search, {
      get(target, prop, receiver) {
        if (prop !== 'bulk') return Reflect.get(target, prop, receiver) as unknown;
        return (params: { body: string }) => {
          bulks += 1;
          issueWrites += params.body.split('\n').filter((l) => l.startsWith('{"index"')).length;
          return target.bulk(params as never);
        };
      },
    });
    const stage = createDetectorStage({
      tracker: new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock),
      search: counting,
      names,
      producer: bus.producer(),
      topics,
      logger,
    });
    const posts = (issueId: string, from: number) =>
      Array.from({ length: 3 }, (_, i) => ({ ...post(from + i, issueId), id: `${issueId}-${from + i}` }));
    // Five batches handed over at once (as the consumer does with batches in flight), each touching
    // the same two issues: the first write goes out at once, the other four share the next.
    await Promise.all(
      Array.from({ length: 5 }, (_, b) =>
        stage.handleBatch(asBatch([...posts('is_co_a', b * 3), ...posts('is_co_b', b * 3)], 200 + b * 6)),
      ),
    );
    expect(bulks).toBe(2);
    expect(issueWrites).toBe(4);
    await search.indices.refresh({ index: names.of('issues') });
    const docs = await getIssues(search, names, ['is_co_a', 'is_co_b']);
    expect(docs.map((d) => d.count)).toEqual([15, 15]);
  });

  it('keeps events whose publication failed and sends them with the retry of the same process', async () => {
    const clock = new ManualClock(T0);
    const bus = createMemoryBus({ logger });
    const sent = bus.producer();
    let down = true;
    const flaky: Producer = {
      send: async (topic, messages) => {
        if (down) throw new Error('kafka down');
        await sent.send(topic, messages);
      },
    };
    const stage = createDetectorStage({
      tracker: new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock),
      search,
      names,
      producer: flaky,
      topics,
      logger,
    });
    const batch = asBatch(
      Array.from({ length: 6 }, (_, i) => ({ ...post(i, 'is_flaky'), id: `flaky-${i}` })),
      300,
    );
    await expect(stage.handleBatch(batch)).rejects.toThrow('kafka down');
    down = false;
    // The consumer retries the same batch: its posts are already counted, its event is not lost.
    await stage.handleBatch(batch);
    const events = bus.read(topics.issues).map((m) => JSON.parse(m.value.toString()) as IssueEvent);
    expect(events.filter((e) => e.issueId === 'is_flaky').map((e) => e.type)).toEqual(['rising']);
    await search.indices.refresh({ index: names.of('issues') });
    expect((await getIssues(search, names, ['is_flaky']))[0]!.count).toBe(6);
    // Sent: the next write of the issue no longer carries it for a replay.
    await stage.handleBatch(asBatch([{ ...post(6, 'is_flaky'), id: 'flaky-6' }], 306));
    await search.indices.refresh({ index: names.of('issues') });
    const [doc] = await getIssues(search, names, ['is_flaky']);
    expect(doc!.count).toBe(7);
    expect(doc!.state!.pendingEvents).toEqual([]);
  });

  it('writes issue documents at most once per interval, but never holds an event back', async () => {
    const clock = new ManualClock(T0);
    const bus = createMemoryBus({ logger });
    const stage = createDetectorStage({
      tracker: new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock),
      search,
      names,
      producer: bus.producer(),
      topics,
      logger,
      minFlushIntervalMs: 600,
    });
    const single = (n: number) => asBatch([{ ...post(n, `is_quiet_${n}`), id: `quiet-${n}` }], 400 + n);
    await stage.handleBatch(single(0)); // first write: at once
    let started = Date.now();
    await stage.handleBatch(single(1)); // no event: waits for the interval
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    started = Date.now();
    const burst = Array.from({ length: 6 }, (_, i) => ({ ...post(i, 'is_urgent'), id: `urgent-${i}` }));
    await stage.handleBatch(asBatch(burst, 500)); // a rising event: written and sent at once
    expect(Date.now() - started).toBeLessThan(450);
    const events = bus.read(topics.issues).map((m) => JSON.parse(m.value.toString()) as IssueEvent);
    expect(events.map((e) => [e.issueId, e.type])).toEqual([['is_urgent', 'rising']]);
  });
});
