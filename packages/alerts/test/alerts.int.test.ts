import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock, type IssueEvent } from '@pantau/core';
import {
  bulkIndex,
  createSearchClient,
  dropIndices,
  installIndices,
  type IndexNames,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, sleep, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import {
  AlertEngine,
  alertIdFor,
  createAlertStore,
  createDeliveryQueue,
  createDeliveryWorker,
  createWebhookChannel,
  obliterateDeliveryQueue,
  verifySignature,
  type AlertDoc,
  type AlertPayload,
  type AlertStore,
  type DeliveryQueue,
  type DeliveryWorker,
} from '../src';

interface Received {
  path: string;
  body: string;
  headers: IncomingMessage['headers'];
  at: number;
}
type Responder = (n: number) => { status: number; headers?: Record<string, string> };

const T0 = Date.parse('2026-11-20T08:00:00Z');
const logger = testLogger('alerts-test');

describe('alert engine + BullMQ webhook delivery (real OpenSearch + Redis)', () => {
  let client: SearchClient;
  let names: IndexNames;
  let prefix: string;
  let queuePrefix: string;
  let store: AlertStore;
  let queue: DeliveryQueue;
  let worker: DeliveryWorker;
  let receiver: Server;
  let baseUrl: string;
  const clock = new ManualClock(T0);
  let engine: AlertEngine;
  const received: Received[] = [];
  const responders = new Map<string, Responder>();

  beforeAll(async () => {
    await requireServers('opensearch', 'redis');
    client = createSearchClient(servers.opensearchUrl);
    prefix = `${uniqueName('alerts')}-`;
    queuePrefix = uniqueName('tq');
    names = await installIndices(client, { prefix });
    store = createAlertStore(client, names);
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        received.push({
          path,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: req.headers,
          at: Date.now(),
        });
        const n = received.filter((r) => r.path === path).length;
        const respond: Responder = responders.get(path) ?? (() => ({ status: 200 }));
        const answer = respond(n);
        res.writeHead(answer.status, answer.headers ?? {}).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    queue = createDeliveryQueue({
      redisUrl: servers.redisUrl,
      prefix: queuePrefix,
      attempts: 6,
      backoffMs: 200,
      logger,
    });
    worker = createDeliveryWorker({
      redisUrl: servers.redisUrl,
      prefix: queuePrefix,
      store,
      channels: [createWebhookChannel({ timeoutMs: 5_000, allowPrivateTargets: true })],
      logger,
      maxBackoffMs: 5_000,
    });
    engine = new AlertEngine({ store, queue, logger, clock, cooldownMs: 30 * 60_000 });
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await obliterateDeliveryQueue(servers.redisUrl, queuePrefix).catch(() => undefined);
    await new Promise((r) => receiver?.close(r));
    await dropIndices(client, prefix);
    await client?.close();
  });

  /** A fresh agency with one watchlist and one webhook subscription answering as `responder` says. */
  async function agencyWithWebhook(path: string, responder?: Responder) {
    const agencyId = uniqueName('ag');
    const watchlistId = uniqueName('wl');
    const subscriptionId = uniqueName('sub');
    const secret = `secret-${subscriptionId}`;
    if (responder) responders.set(path, responder);
    await client.index({
      index: names.of('watchlists'),
      id: watchlistId,
      body: {
        id: watchlistId,
        agencyId,
        name: `banjir ${path}`,
        query: 'banjir',
        ast: {},
        createdAt: new Date().toISOString(),
      },
      refresh: 'true',
    });
    await client.index({
      index: names.of('subscriptions'),
      id: subscriptionId,
      body: {
        id: subscriptionId,
        agencyId,
        channel: 'webhook',
        createdAt: new Date().toISOString(),
        config: { url: `${baseUrl}${path}`, secret },
      },
      refresh: 'true',
    });
    return { agencyId, watchlistId, subscriptionId, secret, path };
  }

  function risingEvent(issueId: string, watchlistIds: string[], over: Partial<IssueEvent> = {}): IssueEvent {
    return {
      v: 1,
      type: 'rising',
      issueId,
      title: 'banjir jakarta',
      terms: ['banjir', 'jakarta'],
      at: new Date(clock.now()).toISOString(),
      windowMs: 5 * 60_000,
      windowCount: 42,
      total: 60,
      baseline: 2,
      score: 8.5,
      growth: 21,
      samplePostIds: ['p-sample-1', 'p-missing'],
      hoaxShare: 0.25,
      distinctAuthors: 30,
      coordinated: false,
      watchlistIds,
      firstSeen: '2026-11-20T07:00:00Z',
      lastSeen: '2026-11-20T08:00:00Z',
      ...over,
    };
  }

  const bodiesAt = (path: string) => received.filter((r) => r.path === path);
  const alertDoc = async (id: string): Promise<AlertDoc> => (await store.getAlert(id))!.doc;
  const deliveryOf = async (id: string, version = 1) =>
    (await store.getAlert(id))?.doc.deliveries.find((d) => d.version === version && d.status !== 'pending');

  it('delivers exactly one signed alert for repeated rising events within the cooldown', async () => {
    await bulkIndex(
      client,
      [
        {
          index: names.postsFor('2026-11-20T07:59:00Z'),
          id: 'p-sample-1',
          doc: {
            id: 'p-sample-1',
            source: 'test',
            text: 'Banjir lagi di Jakarta',
            publishedAt: '2026-11-20T07:59:00Z',
            hoaxScore: 0.1,
          },
        },
      ],
      { refresh: true },
    );
    const a = await agencyWithWebhook('/once');
    const issueId = uniqueName('iss');
    const first = await engine.handleIssueEvent(risingEvent(issueId, [a.watchlistId]));
    expect(first).toEqual([
      {
        agencyId: a.agencyId,
        alertId: alertIdFor(a.agencyId, issueId),
        action: 'created',
        version: 1,
        deliveries: 1,
      },
    ]);
    clock.advance(60_000);
    const again = await engine.handleIssueEvent(
      risingEvent(issueId, [a.watchlistId], { windowCount: 80, total: 120 }),
    );
    expect(again[0]?.action).toBe('suppressed');
    await engine.handleIssueEvent(risingEvent(issueId, [a.watchlistId]));

    const alertId = alertIdFor(a.agencyId, issueId);
    const outcome = await waitFor(() => deliveryOf(alertId), { what: 'delivery outcome' });
    expect(outcome).toMatchObject({
      subscriptionId: a.subscriptionId,
      channel: 'webhook',
      status: 'delivered',
      attempts: 1,
    });
    expect(outcome?.deliveredAt).toEqual(expect.any(String));
    await sleep(800); // nothing else may arrive
    const got = bodiesAt('/once');
    expect(got).toHaveLength(1);
    const req = got[0]!;
    expect(verifySignature(req.body, req.headers['x-pantau-signature'] as string, a.secret)).toBe(true);
    expect(verifySignature(req.body, req.headers['x-pantau-signature'] as string, 'wrong-secret')).toBe(
      false,
    );
    expect(verifySignature(`${req.body} `, req.headers['x-pantau-signature'] as string, a.secret)).toBe(
      false,
    );
    expect(req.headers['x-pantau-alert-id']).toBe(alertId);
    const payload = JSON.parse(req.body) as AlertPayload;
    expect(payload.alert).toMatchObject({
      id: alertId,
      version: 1,
      kind: 'issue_rising',
      issue: { id: issueId, title: 'banjir jakarta', windowCount: 42, status: 'rising' },
      watchlist: { id: a.watchlistId },
    });
    expect(payload.alert.summary.id).toContain('sedang naik: 42 unggahan dalam 5 menit (biasanya 2)');
    expect(payload.alert.summary.en).toContain('is rising');
    expect(payload.alert.posts).toEqual([
      expect.objectContaining({ id: 'p-sample-1', text: 'Banjir lagi di Jakarta' }),
      { id: 'p-missing' },
    ]);
    const doc = await alertDoc(alertId);
    expect(doc).toMatchObject({ version: 1, agencyId: a.agencyId, issueId, watchlistIds: [a.watchlistId] });
  });

  it('ignores events that are not rising or touch no known watchlist', async () => {
    const a = await agencyWithWebhook('/ignored');
    expect(
      await engine.handleIssueEvent(risingEvent(uniqueName('iss'), [a.watchlistId], { type: 'new' })),
    ).toEqual([]);
    expect(await engine.handleIssueEvent(risingEvent(uniqueName('iss'), ['wl-nobody-owns']))).toEqual([]);
    expect(await engine.handleIssueEvent(risingEvent(uniqueName('iss'), []))).toEqual([]);
  });

  it('retries a receiver that answers 500 first, then records delivered after 2 attempts', async () => {
    const a = await agencyWithWebhook('/flaky', (n) => ({ status: n === 1 ? 500 : 204 }));
    const issueId = uniqueName('iss');
    await engine.handleIssueEvent(risingEvent(issueId, [a.watchlistId]));
    const outcome = await waitFor(() => deliveryOf(alertIdFor(a.agencyId, issueId)), {
      what: 'delivery outcome',
    });
    expect(outcome).toMatchObject({ status: 'delivered', attempts: 2 });
    const got = bodiesAt('/flaky');
    expect(got).toHaveLength(2);
    // The retry is the same alert, freshly signed.
    expect(JSON.parse(got[1]!.body)).toEqual(JSON.parse(got[0]!.body));
    expect(verifySignature(got[1]!.body, got[1]!.headers['x-pantau-signature'] as string, a.secret)).toBe(
      true,
    );
  });

  it('fails for good on a 400 without retrying', async () => {
    const a = await agencyWithWebhook('/reject', () => ({ status: 400 }));
    const issueId = uniqueName('iss');
    await engine.handleIssueEvent(risingEvent(issueId, [a.watchlistId]));
    const outcome = await waitFor(() => deliveryOf(alertIdFor(a.agencyId, issueId)), {
      what: 'delivery outcome',
    });
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 400 });
    expect(outcome?.lastError).toContain('400');
    await sleep(1_000); // longer than the backoff: a retry would have arrived
    expect(bodiesAt('/reject')).toHaveLength(1);
  });

  it('gives up after the configured attempts on persistent 5xx', async () => {
    const shortQueuePrefix = uniqueName('tq3');
    const q = createDeliveryQueue({
      redisUrl: servers.redisUrl,
      prefix: shortQueuePrefix,
      attempts: 3,
      backoffMs: 50,
      logger,
    });
    const w = createDeliveryWorker({
      redisUrl: servers.redisUrl,
      prefix: shortQueuePrefix,
      store,
      channels: [createWebhookChannel({ allowPrivateTargets: true })],
      logger,
    });
    try {
      const e = new AlertEngine({ store, queue: q, logger, clock });
      const a = await agencyWithWebhook('/down', () => ({ status: 503 }));
      const issueId = uniqueName('iss');
      await e.handleIssueEvent(risingEvent(issueId, [a.watchlistId]));
      const outcome = await waitFor(() => deliveryOf(alertIdFor(a.agencyId, issueId)), {
        what: 'delivery outcome',
      });
      expect(outcome).toMatchObject({ status: 'failed', attempts: 3, lastStatus: 503 });
      expect(bodiesAt('/down')).toHaveLength(3);
    } finally {
      await w.close();
      await q.close();
      await obliterateDeliveryQueue(servers.redisUrl, shortQueuePrefix);
    }
  });

  it("spaces deliveries to one subscription by the channel's minimum interval", async () => {
    const limitedPrefix = uniqueName('tq4');
    const q = createDeliveryQueue({
      redisUrl: servers.redisUrl,
      prefix: limitedPrefix,
      backoffMs: 50,
      logger,
    });
    const w = createDeliveryWorker({
      redisUrl: servers.redisUrl,
      prefix: limitedPrefix,
      store,
      channels: [createWebhookChannel({ minIntervalMs: 700, allowPrivateTargets: true })],
      logger,
    });
    try {
      const e = new AlertEngine({ store, queue: q, logger, clock });
      const a = await agencyWithWebhook('/limited');
      const issues = [uniqueName('iss'), uniqueName('iss'), uniqueName('iss')];
      for (const issueId of issues) await e.handleIssueEvent(risingEvent(issueId, [a.watchlistId]));
      for (const issueId of issues) {
        await waitFor(() => deliveryOf(alertIdFor(a.agencyId, issueId)), { what: 'delivery outcome' });
        expect(await deliveryOf(alertIdFor(a.agencyId, issueId))).toMatchObject({
          status: 'delivered',
          attempts: 1,
        });
      }
      const times = bodiesAt('/limited').map((r) => r.at);
      expect(times).toHaveLength(3);
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(600);
      expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(600);
    } finally {
      await w.close();
      await q.close();
      await obliterateDeliveryQueue(servers.redisUrl, limitedPrefix);
    }
  });

  it('honours Retry-After on a 429', async () => {
    const a = await agencyWithWebhook('/busy', (n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const issueId = uniqueName('iss');
    await engine.handleIssueEvent(risingEvent(issueId, [a.watchlistId]));
    const outcome = await waitFor(() => deliveryOf(alertIdFor(a.agencyId, issueId)), {
      what: 'delivery outcome',
    });
    expect(outcome).toMatchObject({ status: 'delivered', attempts: 2 });
    const got = bodiesAt('/busy');
    expect(got).toHaveLength(2);
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(900); // not the 200 ms base backoff
  });

  it('escalates after the cooldown: version 2 under the same alert id', async () => {
    const a = await agencyWithWebhook('/escalate');
    const issueId = uniqueName('iss');
    const alertId = alertIdFor(a.agencyId, issueId);
    await engine.handleIssueEvent(risingEvent(issueId, [a.watchlistId]));
    await waitFor(() => deliveryOf(alertId, 1), { what: 'v1 delivered' });

    clock.advance(31 * 60_000);
    // Past the cooldown but not rising any further: nothing new.
    const flat = await engine.handleIssueEvent(risingEvent(issueId, [a.watchlistId]));
    expect(flat[0]?.action).toBe('suppressed');
    const up = await engine.handleIssueEvent(
      risingEvent(issueId, [a.watchlistId], { windowCount: 150, total: 400 }),
    );
    expect(up[0]).toMatchObject({ action: 'escalated', version: 2, alertId });
    const v2 = await waitFor(() => deliveryOf(alertId, 2), { what: 'v2 delivered' });
    expect(v2).toMatchObject({ status: 'delivered', attempts: 1 });

    const got = bodiesAt('/escalate');
    expect(got).toHaveLength(2);
    const second = JSON.parse(got[1]!.body) as AlertPayload;
    expect(second.alert).toMatchObject({ id: alertId, version: 2, issue: { windowCount: 150 } });
    expect(second.alert.summary.id).toMatch(/^Pembaruan/);
    expect(got[1]!.headers['x-pantau-alert-id']).toBe(alertId);
    const doc = await alertDoc(alertId);
    expect(doc.version).toBe(2);
    expect(doc.deliveries.map((d) => [d.version, d.status])).toEqual([
      [1, 'delivered'],
      [2, 'delivered'],
    ]);
  });

  it('alerts an agency for a rising issue in its topics of interest, with no keyword watchlist, naming the topic', async () => {
    const path = '/topics-only';
    const make = async (topics: string[]) => {
      const agencyId = uniqueName('ag');
      const subscriptionId = uniqueName('sub');
      await client.index({
        index: names.of('agencies'),
        id: agencyId,
        body: { id: agencyId, name: `Dinkes ${agencyId}`, topics, createdAt: new Date().toISOString() },
        refresh: 'true',
      });
      await client.index({
        index: names.of('subscriptions'),
        id: subscriptionId,
        body: {
          id: subscriptionId,
          agencyId,
          channel: 'webhook',
          createdAt: new Date().toISOString(),
          config: { url: `${baseUrl}${path}-${topics.join('-')}`, secret: `s-${subscriptionId}` },
        },
        refresh: 'true',
      });
      return agencyId;
    };
    const health = await make(['kesehatan']);
    const economy = await make(['ekonomi']);
    const issueId = uniqueName('iss');
    const topics = [
      { id: 'kesehatan', count: 40, share: 0.67 },
      { id: 'bencana', count: 15, share: 0.25 },
    ];
    const decisions = await engine.handleIssueEvent(
      risingEvent(issueId, [], { title: 'DBD merebak di pengungsian banjir', topics }),
    );
    expect(decisions.map((d) => [d.agencyId, d.action])).toEqual([[health, 'created']]);
    expect(decisions.some((d) => d.agencyId === economy)).toBe(false);
    const doc = await alertDoc(alertIdFor(health, issueId));
    expect(doc.watchlistIds).toEqual([]);
    expect(doc.topics).toEqual(['kesehatan']);
    expect(doc.summary.id).toContain('Topik: Kesehatan.');
    expect(doc.summary.en).toContain('Topic: Health.');
    const delivered = await waitFor(() => bodiesAt(`${path}-kesehatan`)[0], { what: 'topic alert delivery' });
    const payload = JSON.parse(delivered!.body) as AlertPayload;
    expect(payload.alert.topics).toEqual(['kesehatan']);
    expect(payload.alert.issue.topics).toEqual(topics);
    expect(bodiesAt(`${path}-ekonomi`)).toEqual([]);

    // No watchlist and no topic: nothing to decide.
    expect(await engine.handleIssueEvent(risingEvent(uniqueName('iss'), []))).toEqual([]);
  });
});
