import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock, type IssueEvent } from '@pantau/core';
import type { BusMessage } from '@pantau/bus';
import {
  createSearchClient,
  dropIndices,
  installIndices,
  putIssue,
  type IndexNames,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import {
  AlertEngine,
  alertIdFor,
  createAlertState,
  createAlertStore,
  createDeliveryHolder,
  createDeliveryQueue,
  createDeliveryWorker,
  createIssueEventStage,
  createRuleStage,
  createWebhookChannel,
  obliterateDeliveryQueue,
  obliterateDigestQueue,
  publishClarification,
  windowFirings,
  type AlertPayload,
  type AlertState,
  type AlertStore,
  type DeliveryHolder,
  type DeliveryQueue,
  type DeliveryWorker,
  type RuleStagePost,
  type SubscriptionDoc,
  type WatchlistRule,
} from '../src';

/**
 * Alert hygiene on the real servers: one alert per (agency, issue) however many watchlists fire, the
 * post-level rules, quiet hours held and released as a digest, ack and snooze, and the push of a
 * clarification to every agency alerted on the issue.
 */
const logger = testLogger('alerts-hygiene');
// 05:59:57 in Jakarta (UTC+7): three seconds before a 22:00–06:00 quiet period ends.
const T0 = Date.parse('2026-11-29T22:59:57Z');

describe('alert rules and hygiene (real OpenSearch + Redis)', () => {
  let client: SearchClient;
  let names: IndexNames;
  let prefix: string;
  let queuePrefix: string;
  let store: AlertStore;
  let queue: DeliveryQueue;
  let worker: DeliveryWorker;
  let holder: DeliveryHolder;
  let state: AlertState;
  let engine: AlertEngine;
  let receiver: Server;
  let baseUrl: string;
  const clock = new ManualClock(T0);
  const received: { path: string; body: AlertPayload; at: number }[] = [];

  beforeAll(async () => {
    await requireServers('opensearch', 'redis');
    client = createSearchClient(servers.opensearchUrl);
    prefix = `${uniqueName('hyg')}-`;
    queuePrefix = uniqueName('hq');
    names = await installIndices(client, { prefix });
    store = createAlertStore(client, names);
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          path: req.url ?? '/',
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as AlertPayload,
          at: Date.now(),
        });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    queue = createDeliveryQueue({ redisUrl: servers.redisUrl, prefix: queuePrefix, backoffMs: 200, logger });
    worker = createDeliveryWorker({
      redisUrl: servers.redisUrl,
      prefix: queuePrefix,
      store,
      channels: [createWebhookChannel({ timeoutMs: 5_000, allowPrivateTargets: true })],
      logger,
    });
    holder = createDeliveryHolder({
      redisUrl: servers.redisUrl,
      prefix: queuePrefix,
      logger,
      deliveries: queue,
      clock,
    });
    state = createAlertState({ redisUrl: servers.redisUrl, prefix: queuePrefix, logger });
    engine = engineOn(state);
  });

  /** An alert engine keeping its rule log and live events in this alert state. */
  const engineOn = (alertState: AlertState) =>
    new AlertEngine({
      store,
      queue,
      logger,
      clock,
      cooldownMs: 30 * 60_000,
      holder,
      events: alertState.events,
      rules: alertState.rules,
    });

  afterAll(async () => {
    await worker?.close();
    await holder?.close();
    await queue?.close();
    await state?.close();
    await obliterateDeliveryQueue(servers.redisUrl, queuePrefix).catch(() => undefined);
    await obliterateDigestQueue(servers.redisUrl, queuePrefix).catch(() => undefined);
    await new Promise((r) => receiver?.close(r));
    await dropIndices(client, prefix);
    await client?.close();
  });

  async function watchlist(agencyId: string, name: string, rules?: WatchlistRule[]) {
    const id = uniqueName('wl');
    await client.index({
      index: names.of('watchlists'),
      id,
      body: {
        id,
        agencyId,
        name,
        query: name,
        ast: {},
        ...(rules ? { rules } : {}),
        createdAt: new Date().toISOString(),
      },
      refresh: 'true',
    });
    return id;
  }

  async function subscription(agencyId: string, path: string, extra: Partial<SubscriptionDoc> = {}) {
    const id = uniqueName('sub');
    const doc: SubscriptionDoc = {
      id,
      agencyId,
      channel: 'webhook',
      createdAt: new Date().toISOString(),
      config: { url: `${baseUrl}${path}`, secret: `secret-${id}` },
      ...extra,
    };
    await client.index({ index: names.of('subscriptions'), id, body: doc as never, refresh: 'true' });
    return id;
  }

  function event(issueId: string, watchlistIds: string[], over: Partial<IssueEvent> = {}): IssueEvent {
    return {
      v: 1,
      id: uniqueName('ev'),
      type: 'rising',
      reason: '84 posts in 10 min, 12× its usual level, 31 accounts',
      reasonId: '84 unggahan dalam 10 menit, 12× dari biasanya, 31 akun',
      issueId,
      title: 'vaksin mengandung chip',
      terms: ['vaksin', 'chip'],
      at: new Date(clock.now()).toISOString(),
      windowMs: 10 * 60_000,
      windowCount: 84,
      total: 120,
      baseline: 7,
      score: 9,
      growth: 12,
      samplePostIds: [],
      hoaxShare: 0.2,
      distinctAuthors: 31,
      coordinated: false,
      watchlistIds,
      firstSeen: '2026-11-29T21:00:00Z',
      lastSeen: new Date(clock.now()).toISOString(),
      ...over,
    };
  }

  const at = (path: string) => received.filter((r) => r.path === path);

  /** A post matching one watchlist, as the rule stage receives it from `posts.enriched`. */
  function matchingPost(
    watchlistId: string,
    issueId: string,
    p: { id: string; at: number; offset: number; partition?: number; text: string },
  ) {
    return {
      message: {
        topic: 't',
        partition: p.partition ?? 0,
        offset: String(p.offset),
        key: null,
        value: Buffer.from(''),
      } as BusMessage,
      value: {
        id: p.id,
        issueId,
        publishedAt: new Date(p.at).toISOString(),
        watchlistIds: [watchlistId],
        hoaxScore: 0.2,
        claimMatches: [],
        text: p.text,
        signals: [],
      } satisfies RuleStagePost,
    };
  }

  it('a burst matching three watchlists of one agency yields ONE alert, saying which rule fired and why', async () => {
    const agencyId = uniqueName('ag');
    const lists = [
      await watchlist(agencyId, 'vaksin'),
      await watchlist(agencyId, 'chip'),
      await watchlist(agencyId, 'kemenkes'),
    ];
    await subscription(agencyId, '/three');
    const issueId = uniqueName('iss');
    clock.set(Date.parse('2026-11-30T03:00:00Z')); // 10:00 in Jakarta
    const decisions = await engine.handleIssueEvent(event(issueId, lists));
    expect(decisions).toEqual([
      expect.objectContaining({ agencyId, action: 'created', version: 1, deliveries: 1 }),
    ]);
    await waitFor(() => at('/three').length === 1, { what: 'one delivery' });
    const doc = (await store.getAlert(alertIdFor(agencyId, issueId)))!.doc;
    expect(doc.watchlistIds.sort()).toEqual([...lists].sort());
    expect(doc.firings?.map((f) => f.rule)).toEqual(['rising', 'rising', 'rising']);
    expect(doc.trigger).toMatchObject({
      rule: 'rising',
      reason: {
        id: 'Isu naik: 84 unggahan dalam 10 menit, 12× dari biasanya, 31 akun',
        en: 'Rising issue: 84 posts in 10 min, 12× its usual level, 31 accounts',
      },
    });
    expect(at('/three')[0]!.body.alert.trigger?.rule).toBe('rising');
    // Each watchlist's rule log counts its firing once; the same event again fires nothing new.
    await engine.handleIssueEvent(event(issueId, lists, { id: 'ev-same' }));
    await engine.handleIssueEvent(event(issueId, lists, { id: 'ev-same' }));
    // Two distinct events (the first and ev-same), each counted once per watchlist.
    for (const w of lists) expect(await state.rules.count(w, 'rising', 0, Date.now() + 1e9)).toBe(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(at('/three')).toHaveLength(1);
  });

  it('a watchlist without the rising rule is not alerted by a rising issue; growing fires only where asked', async () => {
    const agencyId = uniqueName('ag');
    const onlyGrowing = await watchlist(agencyId, 'banjir', [{ type: 'growing' }]);
    await subscription(agencyId, '/growing');
    const issueId = uniqueName('iss');
    expect(await engine.handleIssueEvent(event(issueId, [onlyGrowing]))).toEqual([]);
    const growing = await engine.handleIssueEvent(
      event(issueId, [onlyGrowing], {
        type: 'growing',
        reason: 'steady growth: 4 → 7 → 12 posts per 15 min, 20 accounts so far',
        reasonId: 'tumbuh stabil: 4 → 7 → 12 unggahan per 15 menit, 20 akun sejauh ini',
      }),
    );
    expect(growing).toEqual([expect.objectContaining({ action: 'created' })]);
    const doc = (await store.getAlert(alertIdFor(agencyId, issueId)))!.doc;
    expect(doc.kind).toBe('watchlist_rule');
    expect(doc.summary.id).toContain('Isu tumbuh: tumbuh stabil: 4 → 7 → 12 unggahan per 15 menit');
  });

  it('post-level rules (match, hoax, claim, volume) fire on matching posts, one alert per (agency, issue)', async () => {
    const agencyId = uniqueName('ag');
    const rules: WatchlistRule[] = [
      { type: 'match' },
      { type: 'hoax', minScore: 0.8 },
      { type: 'claim' },
      { type: 'volume', min: 3, windowMinutes: 15 },
    ];
    const a = await watchlist(agencyId, 'vaksin', rules);
    const b = await watchlist(agencyId, 'chip', [{ type: 'match' }]);
    const c = await watchlist(agencyId, 'bpom', [{ type: 'hoax', minScore: 0.5 }]);
    await subscription(agencyId, '/posts');
    const issueId = uniqueName('iss');
    await putIssue(
      client,
      names,
      {
        id: issueId,
        title: 'vaksin berisi chip 5G',
        terms: ['vaksin', 'chip'],
        status: 'new',
        count: 3,
        windowCount: 3,
        baseline: 0,
        score: 1,
        growth: 3,
        hoaxShare: 0.66,
        distinctAuthors: 3,
        coordinated: false,
        watchlistIds: [a, b, c],
        sources: [{ source: 'tiktok', count: 3, share: 1 }],
        factChecks: [{ id: 'fc1', title: '[HOAKS] Vaksin COVID-19 mengandung microchip', posts: 1 }],
        samplePostIds: [],
        firstSeen: '2026-11-30T02:50:00Z',
        lastSeen: '2026-11-30T02:55:00Z',
        updatedAt: '2026-11-30T02:55:00Z',
        timeline: [],
      },
      true,
    );
    const stage = createRuleStage({ engine, rules: state.rules, search: client, names, logger });
    const post = (
      i: number,
      over: Partial<RuleStagePost> = {},
    ): { message: BusMessage; value: RuleStagePost } => ({
      message: {
        topic: 't',
        partition: 0,
        offset: String(i),
        key: null,
        value: Buffer.from(''),
      } as BusMessage,
      value: {
        id: `${issueId}-p${i}`,
        issueId,
        publishedAt: `2026-11-30T02:5${i}:00Z`,
        watchlistIds: [a, b, c],
        hoaxScore: 0.3,
        claimMatches: [],
        text: `awas vaksin ada chip nya ${i}`,
        signals: [],
        ...over,
      },
    });
    await stage.handleBatch([
      post(1),
      post(2, {
        hoaxScore: 0.91,
        signals: [
          { id: 'caps', weight: 0.4, label: { id: 'huruf kapital berlebihan', en: 'shouting in capitals' } },
        ],
      }),
      post(3, {
        claimMatches: [
          { factCheckId: 'fc1', title: '[HOAKS] Vaksin COVID-19 mengandung microchip', similarity: 0.83 },
        ],
      }),
    ]);
    // Replayed posts count nothing twice.
    await stage.handleBatch([post(1), post(2), post(3)]);
    const alertId = alertIdFor(agencyId, issueId);
    const doc = (await store.getAlert(alertId))!.doc;
    expect(doc.version).toBe(1);
    expect(doc.kind).toBe('watchlist_rule');
    expect(doc.trigger).toMatchObject({ rule: 'match', watchlistId: a });
    // The issue as the alert tells it: where it is told and what it restates.
    expect(doc.issue).toMatchObject({
      sources: [{ source: 'tiktok', count: 3, share: 1 }],
      factChecks: [{ id: 'fc1', posts: 1 }],
    });
    expect(doc.trigger?.reason.id).toBe('Unggahan cocok dengan "vaksin": "awas vaksin ada chip nya 1"');
    const count = (w: string, rule: string) => state.rules.count(w, rule, 0, Date.now() + 1e9);
    expect(await count(a, 'match')).toBe(3);
    expect(await count(a, 'hoax')).toBe(1);
    expect(await count(a, 'claim')).toBe(1);
    expect(await count(a, 'volume')).toBe(1);
    expect(await count(b, 'match')).toBe(3);
    expect(await count(c, 'hoax')).toBe(1);
    await waitFor(() => at('/posts').length === 1, { what: 'one delivery' });
    await new Promise((r) => setTimeout(r, 500));
    expect(at('/posts')).toHaveLength(1);
  });

  it('volume counts a sliding window: a burst across a quarter hour fires, once per window, in any arrival order', async () => {
    const agencyId = uniqueName('ag');
    const rule: WatchlistRule = { type: 'volume', min: 10, windowMinutes: 15 };
    const stage = createRuleStage({ engine, rules: state.rules, search: client, names, logger });
    const start = Date.parse('2026-11-30T03:00:00Z');
    let offset = 0;
    /** Posts of one watchlist at these minutes after 03:00, sent in this order, five to a batch. */
    const feed = async (w: string, minutes: number[]) => {
      const issueId = uniqueName('iss');
      const posts = minutes.map((m) =>
        matchingPost(w, issueId, {
          id: `${w}-m${m}`,
          at: start + m * 60_000,
          offset: offset++,
          text: `antrean pertalite mengular di SPBU menit ke-${m}`,
        }),
      );
      for (let i = 0; i < posts.length; i += 5) await stage.handleBatch(posts.slice(i, i + 5));
      return posts.map((p) => p.value);
    };
    const fired = async (w: string) => await state.rules.count(w, 'volume', 0, Date.now() + 1e9);
    // Ten posts from 03:10 to 03:20, five on each side of 03:15 (clock-aligned windows held five each).
    const straddling = [10, 11, 12, 13, 14, 16, 17, 18, 19, 20];
    const inOrder = await watchlist(agencyId, 'pertalite', [rule]);
    await feed(inOrder, straddling);
    expect(await fired(inOrder)).toBe(1);
    // It fired on the tenth post, 03:20, where the backtest says.
    expect(await state.rules.count(inOrder, 'volume', start + 20 * 60_000, start + 20 * 60_000)).toBe(1);
    const reversed = await watchlist(agencyId, 'pertalite terbalik', [rule]);
    await feed(reversed, [...straddling].reverse());
    expect(await fired(reversed)).toBe(1);
    // A post a minute for fifty minutes: once per window, as the backtest counts, in either order;
    // sent again, nothing fires twice.
    const minutes = Array.from({ length: 51 }, (_, i) => 10 + i);
    const flood = await watchlist(agencyId, 'banjir antrean', [rule]);
    const posts = await feed(flood, minutes);
    const backtest = windowFirings(rule, posts, 'banjir antrean');
    expect(backtest).toHaveLength(3);
    expect(await fired(flood)).toBe(3);
    await feed(flood, minutes);
    expect(await fired(flood)).toBe(3);
    const floodReversed = await watchlist(agencyId, 'banjir antrean terbalik', [rule]);
    await feed(floodReversed, [...minutes].reverse());
    expect(await fired(floodReversed)).toBe(3);
    // A day replayed at once reaches the stage interleaved by partition: an evening burst's posts
    // arrive while a morning burst's are still coming. Both fire.
    const morning = straddling;
    const evening = straddling.map((m) => m + 10 * 60);
    const interleaved = await watchlist(agencyId, 'pagi dan malam', [rule]);
    await feed(
      interleaved,
      morning.flatMap((m, i) => [m, evening[i]!]),
    );
    expect(await fired(interleaved)).toBe(2);
  });

  it('two API processes judging one watchlist at once fire a counting rule at most once per window', async () => {
    const agencyId = uniqueName('ag');
    const rule: WatchlistRule = { type: 'volume', min: 10, windowMinutes: 15 };
    const list = await watchlist(agencyId, 'antrean solar', [rule]);
    // Each process has its own connection to Redis and its own engine, as two API replicas do.
    const replicas = [0, 1].map(() => {
      const own = createAlertState({ redisUrl: servers.redisUrl, prefix: queuePrefix, logger });
      return {
        own,
        stage: createRuleStage({ engine: engineOn(own), rules: own.rules, search: client, names, logger }),
      };
    });
    try {
      const start = Date.parse('2026-11-30T05:00:00Z');
      const issueId = uniqueName('iss');
      // Two posts a minute for 40 minutes; the partitions split them between the processes.
      const posts = Array.from({ length: 80 }, (_, i) =>
        matchingPost(list, issueId, {
          id: `${list}-p${i}`,
          at: start + i * 30_000,
          offset: i,
          partition: i % 2,
          text: `antrean solar di SPBU Pantura mengular, unggahan ke-${i}`,
        }),
      );
      // Each process takes its partition's posts one at a time, both at once.
      await Promise.all(
        replicas.map(async ({ stage }, r) => {
          for (const post of posts.filter((p) => p.message.partition === r)) await stage.handleBatch([post]);
        }),
      );
      // Which posts fire depends on how the two interleave (the backtest's three, in publication
      // order, or two); never two firings less than a window apart.
      const firedAt = await state.kv.logScores(
        `${queuePrefix}:firings:${list}:volume`,
        0,
        Date.now() + 1e12,
        100,
      );
      expect(firedAt.length).toBeGreaterThanOrEqual(2);
      // At most as many as the backtest (which fires as early as it can, so as often as any order can).
      const backtest = windowFirings(
        rule,
        posts.map((p) => p.value),
        'antrean solar',
      );
      expect(firedAt.length).toBeLessThanOrEqual(backtest.length);
      for (let i = 1; i < firedAt.length; i++)
        expect(firedAt[i]! - firedAt[i - 1]!).toBeGreaterThanOrEqual(15 * 60_000);
    } finally {
      await Promise.all(replicas.map(({ own }) => own.close()));
    }
  });

  it('the rule stage picks up a watchlist created after it last read them, without waiting for its refresh', async () => {
    const agencyId = uniqueName('ag');
    const stage = createRuleStage({
      engine,
      rules: state.rules,
      search: client,
      names,
      logger,
      refreshMs: 600_000,
    });
    const msg = (value: RuleStagePost) => ({
      message: { topic: 't', partition: 0, offset: '0', key: null, value: Buffer.from('') } as BusMessage,
      value,
    });
    const p = (id: string, watchlistIds: string[]): RuleStagePost => ({
      id,
      issueId: uniqueName('iss'),
      publishedAt: '2026-11-30T03:00:00Z',
      watchlistIds,
      hoaxScore: 0,
      claimMatches: [],
      signals: [],
      text: 'harga beras naik lagi',
    });
    const first = await watchlist(agencyId, 'beras', [{ type: 'match' }]);
    await stage.handleBatch([msg(p(uniqueName('p'), [first]))]); // reads the watchlists now
    const later = await watchlist(agencyId, 'beras medium', [{ type: 'match' }]);
    const post = p(uniqueName('p'), [later]);
    await stage.handleBatch([msg(post)]);
    expect(await state.rules.count(later, 'match', 0, Date.now() + 1e9)).toBe(1);
  });

  it('quiet hours hold a non-critical alert and release it as one digest; a critical one goes through', async () => {
    const agencyId = uniqueName('ag');
    const w = await watchlist(agencyId, 'gempa');
    await subscription(agencyId, '/quiet', {
      quietHours: { start: '22:00', end: '06:00', tz: 'Asia/Jakarta' },
    });
    clock.set(T0); // 05:59:57 in Jakarta: quiet for three more seconds
    const quietIssue = uniqueName('iss');
    const second = uniqueName('iss');
    await engine.handleIssueEvent(event(quietIssue, [w], { title: 'gempa susulan hoaks' }));
    await engine.handleIssueEvent(event(second, [w], { title: 'tsunami hoaks' }));
    const held = (await store.getAlert(alertIdFor(agencyId, quietIssue)))!.doc.deliveries[0];
    expect(held).toMatchObject({ status: 'held', heldUntil: '2026-11-29T23:00:00.000Z' });
    // A critical alert (a coordinated, mostly-hoax issue) is not held.
    const critical = uniqueName('iss');
    await engine.handleIssueEvent(
      event(critical, [w], { title: 'kritis', coordinated: true, hoaxShare: 0.9 }),
    );
    await waitFor(() => at('/quiet').length >= 1, { what: 'the critical alert' });
    expect(at('/quiet')[0]!.body).toMatchObject({ alert: { critical: true, issue: { id: critical } } });
    const digest = await waitFor(() => at('/quiet').find((r) => r.body.type === 'digest'), {
      what: 'the digest after quiet hours',
      timeoutMs: 15_000,
    });
    expect(digest!.body.digest!.alerts.map((a) => a.issue.id).sort()).toEqual([quietIssue, second].sort());
    await new Promise((r) => setTimeout(r, 500));
    expect(at('/quiet')).toHaveLength(2);
    // Both alerts say the digest delivered them (not only the newest), with no message id of their own.
    for (const issue of [quietIssue, second]) {
      const [record] = (await store.getAlert(alertIdFor(agencyId, issue)))!.doc.deliveries;
      expect(record).toMatchObject({ status: 'delivered', version: 1 });
      expect(record).not.toHaveProperty('heldUntil');
      expect(record).not.toHaveProperty('messageId');
    }
  });

  it('ack stops follow-ups; snooze holds them until the time, then they come as a digest', async () => {
    clock.set(Date.parse('2026-11-30T04:00:00Z'));
    const agencyId = uniqueName('ag');
    const w = await watchlist(agencyId, 'bbm');
    await subscription(agencyId, '/ack');
    const acked = uniqueName('iss');
    const snoozed = uniqueName('iss');
    await engine.handleIssueEvent(event(acked, [w], { windowCount: 20 }));
    await engine.handleIssueEvent(event(snoozed, [w], { windowCount: 20 }));
    await waitFor(() => at('/ack').length === 2, { what: 'two first alerts' });
    const ackedId = alertIdFor(agencyId, acked);
    const stored = (await store.getAlert(ackedId))!;
    expect(
      await store.replaceAlert(
        { ...stored.doc, ackedAt: new Date().toISOString(), ackedBy: 'key:t' },
        stored,
      ),
    ).toBe(true);
    const snoozedId = alertIdFor(agencyId, snoozed);
    const s2 = (await store.getAlert(snoozedId))!;
    const until = clock.now() + 31 * 60_000 + 2_000;
    expect(await store.replaceAlert({ ...s2.doc, snoozedUntil: new Date(until).toISOString() }, s2)).toBe(
      true,
    );
    clock.advance(31 * 60_000); // past the cooldown, the issues keep growing
    const up = await engine.handleIssueEvent(event(acked, [w], { windowCount: 200, total: 500 }));
    expect(up).toEqual([expect.objectContaining({ action: 'suppressed', why: 'acknowledged' })]);
    const held = await engine.handleIssueEvent(event(snoozed, [w], { windowCount: 200, total: 500 }));
    expect(held).toEqual([expect.objectContaining({ action: 'escalated', version: 2 })]);
    expect((await store.getAlert(snoozedId))!.doc.deliveries.at(-1)).toMatchObject({
      status: 'held',
      version: 2,
    });
    const digest = await waitFor(() => at('/ack').find((r) => r.body.type === 'digest'), {
      what: 'the snoozed follow-up',
      timeoutMs: 15_000,
    });
    expect(digest!.body.alert).toMatchObject({ id: snoozedId, version: 2 });
    expect(at('/ack').filter((r) => r.body.alert.id === ackedId)).toHaveLength(1);
  });

  it('a flapping issue does not re-alert; one that keeps growing escalates after the cooldown', async () => {
    clock.set(Date.parse('2026-11-30T06:00:00Z'));
    const agencyId = uniqueName('ag');
    const w = await watchlist(agencyId, 'listrik');
    await subscription(agencyId, '/flap');
    const issueId = uniqueName('iss');
    await engine.handleIssueEvent(event(issueId, [w], { windowCount: 40, total: 60 }));
    // It cools and rises again, no bigger than it was: within the cooldown and after it, no new alert.
    clock.advance(10 * 60_000);
    expect(await engine.handleIssueEvent(event(issueId, [w], { windowCount: 35, total: 60 }))).toEqual([
      expect.objectContaining({ action: 'suppressed', why: 'cooldown' }),
    ]);
    clock.advance(40 * 60_000);
    expect(await engine.handleIssueEvent(event(issueId, [w], { windowCount: 30, total: 60 }))).toEqual([
      expect.objectContaining({ action: 'suppressed', why: 'not growing' }),
    ]);
    // It keeps growing (the window more than doubled): an escalation, sent as critical.
    const up = await engine.handleIssueEvent(event(issueId, [w], { windowCount: 120, total: 200 }));
    expect(up).toEqual([expect.objectContaining({ action: 'escalated', version: 2 })]);
    const doc = (await store.getAlert(alertIdFor(agencyId, issueId)))!.doc;
    expect(doc.critical).toBe(true);
    expect(doc.summary.id).toContain('Eskalasi: unggahan berlipat sejak peringatan terakhir.');
    await waitFor(() => at('/flap').length === 2, { what: 'first alert and escalation' });
  });

  it('a clarification is pushed at once to every agency alerted on the issue and carried by later alerts', async () => {
    clock.set(Date.parse('2026-11-30T05:00:00Z'));
    const a = uniqueName('ag');
    const b = uniqueName('ag');
    const wa = await watchlist(a, 'minyakita');
    const wb = await watchlist(b, 'minyak goreng');
    await subscription(a, '/clar-a');
    // B's subscription is in quiet hours all day: a clarification still goes at once.
    await subscription(b, '/clar-b', { quietHours: { start: '00:00', end: '23:59', tz: 'Asia/Jakarta' } });
    await subscription(b, '/clar-b2');
    const issueId = uniqueName('iss');
    await engine.handleIssueEvent(event(issueId, [wa, wb], { title: 'minyakita oplosan' }));
    const clarification = {
      id: uniqueName('cl'),
      issueId,
      agencyId: a,
      agencyName: 'Kementerian Perdagangan',
      text: 'Minyakita yang beredar sesuai takaran; video lama dari 2023.',
      url: 'https://www.kemendag.go.id/berita/klarifikasi-minyakita',
      actor: 'key:abc',
      createdAt: new Date().toISOString(),
    };
    const started = Date.now();
    const outcome = await publishClarification(
      { store, queue, logger, events: state.events, clock },
      clarification,
    );
    expect(outcome).toEqual({ alerts: 2, deliveries: 3 });
    const atB = await waitFor(() => at('/clar-b').find((r) => r.body.type === 'clarification'), {
      what: "B's clarification",
    });
    expect(atB!.at - started).toBeLessThan(5_000);
    expect(atB!.body.clarification).toEqual(clarification);
    expect(atB!.body.alert.clarified).toBe(true);
    await waitFor(() => at('/clar-b2').some((r) => r.body.type === 'clarification'), { what: 'second sub' });
    const bDoc = (await store.getAlert(alertIdFor(b, issueId)))!.doc;
    expect(bDoc.clarifications).toEqual([clarification]);
    expect(bDoc.summary.id).toContain('Sudah ada klarifikasi resmi dari Kementerian Perdagangan.');
    await waitFor(
      async () =>
        (await store.getAlert(alertIdFor(b, issueId)))!.doc.deliveries.filter(
          (d) => d.clarificationId === clarification.id && d.status === 'delivered',
        ).length === 2,
      { what: 'clarification deliveries recorded' },
    );
    // A later alert (another agency, first time on this issue) carries it and says it is clarified.
    const c = uniqueName('ag');
    const wc = await watchlist(c, 'minyak');
    await subscription(c, '/clar-c');
    await engine.handleIssueEvent(event(issueId, [wc], { id: uniqueName('ev') }));
    const later = await waitFor(() => at('/clar-c')[0], { what: "C's alert" });
    expect(later!.body.alert).toMatchObject({ clarified: true, clarifications: [clarification] });
    // B's live stream: its alert, the clarification, then the issue's news from C's event — in order,
    // each with a durable id a client can resume after.
    const events = await state.events.after(b, '0');
    expect(events.map((e) => e.type)).toEqual(['alert', 'clarification', 'issue']);
    expect((await state.events.after(b, events[0]!.id)).map((e) => e.type)).toEqual([
      'clarification',
      'issue',
    ]);
  });

  it('a batch of issue events reads the alerts once and still tells each alerted agency of every later event', async () => {
    clock.set(Date.parse('2026-11-30T07:00:00Z'));
    const a = uniqueName('ag');
    const b = uniqueName('ag');
    const wa = await watchlist(a, 'banjir rob');
    const wb = await watchlist(b, 'tanggul jebol');
    await subscription(a, '/batch-a');
    await subscription(b, '/batch-b');
    const x = uniqueName('iss');
    const y = uniqueName('iss');
    // A is alerted on X before the batch.
    await engine.handleIssueEvent(event(x, [wa], { title: 'banjir rob pantura' }));
    const item = (e: IssueEvent, offset: number) => ({
      message: {
        topic: 'issues',
        partition: 0,
        offset: String(offset),
        key: e.issueId,
        value: Buffer.from('{}'),
        headers: {},
        timestamp: 0,
      } as BusMessage,
      value: e,
    });
    const result = await createIssueEventStage(engine).handleBatch([
      item(event(x, [], { type: 'peaked' }), 1), // X's news, for A
      item(event(y, [wb], { title: 'tanggul jebol di demak' }), 2), // B is alerted on Y within the batch …
      item(event(y, [], { type: 'peaked' }), 3), // … so B hears of Y's next event too
    ]);
    expect(result.failed).toEqual([]);
    expect((await state.events.after(a, '0')).map((e) => e.type)).toEqual(['alert', 'issue']);
    expect((await state.events.after(b, '0')).map((e) => e.type)).toEqual(['alert', 'issue']);
  });
});
