import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDeliveryQueue, obliterateDeliveryQueue, type DeliveryQueue } from '@pantau/alerts';
import { createMemoryBus } from '@pantau/bus';
import { topicNames } from '@pantau/core';
import { closeRedis, connectRedis, obliterateQueue, type RedisConnection } from '@pantau/queue';
import { Health } from '@pantau/runtime';
import {
  CONNECTORS,
  connectSources,
  createHttpClient,
  createPoller,
  createSourceWorker,
  type SourcesRuntime,
} from '@pantau/sources';
import {
  bulkIndex,
  createSearchClient,
  dropIndices,
  installIndices,
  type IndexNames,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import type { FastifyInstance } from 'fastify';
import { inertProducer } from './inert-producer';
import { createAgency, putRisingIssue } from './tipline-support';
import { buildApp } from '../src';

/**
 * The tipline loop closed, on real OpenSearch and Redis: citizens reported a message to the tipline
 * bot; their reports are posts of an issue; an agency publishes its clarification of that issue; the
 * ingest side (a source worker holding the bot token) replies to each reporter once, on a local server
 * that answers like the Telegram Bot API — including a 429 on the first try, which BullMQ retries
 * without writing to anyone twice.
 */
const ADMIN_KEY = 'operator-key-followup-0123456789';
const TOKEN = '7312345678:AAHk-rahasia-tipline';
const logger = testLogger('api-followup');

describe('tipline reporters get the clarification (real OpenSearch + Redis)', () => {
  const prefix = uniqueName('apifu');
  let client: SearchClient;
  let names: IndexNames;
  let deliveries: DeliveryQueue;
  let sources: SourcesRuntime;
  let workerConnection: RedisConnection;
  let worker: { close(): Promise<void> };
  let app: FastifyInstance;
  let telegram: Server;
  let telegramUrl = '';
  const sent: { chat_id: number; text: string; reply_parameters: { message_id: number } }[] = [];
  let answers = 0;

  beforeAll(async () => {
    await requireServers('opensearch', 'redis');
    client = createSearchClient(servers.opensearchUrl);
    names = await installIndices(client, { prefix: `${prefix}-` });
    telegram = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        // Only replies count here (a resumed source also polls getUpdates, which this peer refuses).
        if (req.url !== `/bot${TOKEN}/sendMessage`) return res.writeHead(404).end();
        answers += 1;
        // Telegram's flood control on the very first message: the job fails and is retried.
        if (answers === 1)
          return res
            .writeHead(429, { 'content-type': 'application/json' })
            .end(
              '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}',
            );
        sent.push(JSON.parse(body));
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"ok":true,"result":{"message_id":1}}');
      });
    });
    await new Promise<void>((r) => telegram.listen(0, '127.0.0.1', r));
    telegramUrl = `http://127.0.0.1:${(telegram.address() as AddressInfo).port}`;

    sources = connectSources({
      redisUrl: servers.redisUrl,
      prefix,
      search: client,
      names,
      allowPrivate: true,
      failingAfter: 3,
      logger,
      followUpRetry: { attempts: 8, backoffMs: 200 },
    });
    workerConnection = connectRedis(servers.redisUrl, logger, 'followup-worker');
    worker = createSourceWorker({
      connection: workerConnection,
      prefix,
      registry: sources.registry,
      poller: createPoller({
        connectors: CONNECTORS,
        state: sources.state,
        http: createHttpClient({ allowPrivate: true, timeoutMs: 5_000 }),
        producer: createMemoryBus({ logger }).producer(),
        topic: 'posts.raw',
        credential: (name) => (name === 'TIPLINE_BOT_TOKEN' ? TOKEN : undefined),
        logger,
      }),
      logger,
    });
    deliveries = createDeliveryQueue({ redisUrl: servers.redisUrl, prefix, logger });
    app = buildApp({
      config: { PANTAU_ADMIN_KEY: ADMIN_KEY },
      logger,
      search: client,
      names,
      producer: inertProducer,
      topics: topicNames('t.'),
      health: new Health(),
      deliveries,
      sources: sources.service,
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await worker?.close();
    if (workerConnection) await closeRedis(workerConnection);
    await deliveries?.close();
    await sources?.close();
    await obliterateQueue(servers.redisUrl, prefix, 'sources').catch(() => undefined);
    await obliterateDeliveryQueue(servers.redisUrl, prefix).catch(() => undefined);
    await new Promise((r) => telegram?.close(r));
    await dropIndices(client, `${prefix}-`);
    await client?.close();
  });

  it('each reporter of the issue gets the agency clarification once, as a reply to their latest report — held while the tipline is paused', async () => {
    const tipline = await sources.service.create({
      kind: 'tipline',
      name: 'Tipline Kemenkes',
      config: { baseUrl: telegramUrl },
      credentialsEnv: 'TIPLINE_BOT_TOKEN',
      intervalSeconds: 3600,
      paused: true, // out of service when the clarification comes: its follow-up waits
    });
    const rss = await sources.service.create({
      kind: 'rss',
      name: 'Portal berita',
      config: { url: `${telegramUrl}/rss` },
      intervalSeconds: 3600,
      paused: true,
    });
    const issueId = uniqueName('iss');
    const at = '2026-11-30T03:00:00.000Z';
    const post = (id: string, source: string, sourceKind: string, sourceId: string, issue = issueId) => ({
      index: names.postsFor(at),
      id,
      doc: {
        id,
        source,
        sourceKind,
        sourceId,
        issueId: issue,
        text: 'Pak, bener ga vaksin booster ada chip pelacaknya? Rame di grup WA keluarga',
        publishedAt: at,
      },
    });
    await bulkIndex(
      client,
      [
        post('p1', tipline.id, 'tipline', '555001:11'),
        post('p2', tipline.id, 'tipline', '555001:14'), // the same sender, a later report
        post('p3', tipline.id, 'tipline', '555002:7'),
        post('p4', rss.id, 'rss', 'https://portal.example/vaksin-chip'), // news: nobody to answer
        post('p5', tipline.id, 'tipline', '555009:3', uniqueName('other-issue')), // another issue
      ],
      { refresh: true },
    );
    await putRisingIssue(client, names, {
      id: issueId,
      title: 'Vaksin booster berisi chip pelacak',
      terms: ['vaksin', 'chip', 'booster'],
      count: 4,
      hoaxShare: 0.75,
      authors: 3,
    });
    const agencyKey = await createAgency(app, ADMIN_KEY, 'Kementerian Kesehatan');

    const res = await app.inject({
      method: 'POST',
      url: `/v1/issues/${issueId}/clarifications`,
      headers: { authorization: `Bearer ${agencyKey}` },
      payload: {
        text: 'Tidak benar vaksin booster berisi chip pelacak. Vaksin sudah diuji BPOM dan aman.',
        url: 'https://kemkes.go.id/klarifikasi/vaksin-chip',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json<{ pushedTo: unknown }>().pushedTo).toEqual({ alerts: 0, deliveries: 0, reports: 3 });

    // A paused source sends nothing; its follow-up is held (retried) until the source is resumed.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(answers).toBe(0);
    await sources.service.update(tipline.id, { paused: false });

    await waitFor(() => sent.length >= 2, { timeoutMs: 20_000, what: 'both reporters answered' });
    expect(sent.map((m) => [m.chat_id, m.reply_parameters.message_id]).sort()).toEqual([
      [555001, 14],
      [555002, 7],
    ]);
    for (const m of sent) {
      expect(m.text).toContain('Kementerian Kesehatan telah menerbitkan klarifikasi resmi');
      expect(m.text).toContain('Tidak benar vaksin booster berisi chip pelacak');
      expect(m.text).toContain('https://kemkes.go.id/klarifikasi/vaksin-chip');
    }
    // The 429 was retried; nobody got it twice, and nothing else was written.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(answers).toBe(3);
    expect(sent).toHaveLength(2);
  });
});
