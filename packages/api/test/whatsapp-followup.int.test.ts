import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDeliveryQueue, obliterateDeliveryQueue, type DeliveryQueue } from '@pantau/alerts';
import { createMemoryBus } from '@pantau/bus';
import { topicNames, type RawPost } from '@pantau/core';
import { obliterateQueue } from '@pantau/queue';
import { Health } from '@pantau/runtime';
import { WHATSAPP_FOLLOWUPS_QUEUE, createWhatsAppFollowUps, type WhatsAppFollowUps } from '@pantau/sources';
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
import { buildApp } from '../src';
import {
  createAgency,
  metaSignature,
  putRisingIssue,
  whatsappNotification,
  whatsappStatuses,
} from './tipline-support';

/**
 * The WhatsApp tipline loop closed, on real OpenSearch and Redis: citizens report a message through the
 * WhatsApp webhook; their reports are posts of an issue; an agency publishes its clarification; each
 * sender gets it once from the number they wrote to, as a reply to their latest report — on a local
 * server answering like the Cloud API, whose first answer is its throughput limit (retried by BullMQ).
 */
const ADMIN_KEY = 'operator-key-wa-followup-0123456789';
const SECRET = 'meta-app-secret-wa-followup';
const logger = testLogger('api-wa-followup');

describe('WhatsApp reporters get the clarification (real OpenSearch + Redis)', () => {
  const prefix = uniqueName('apiwa');
  let client: SearchClient;
  let names: IndexNames;
  let deliveries: DeliveryQueue;
  let whatsapp: WhatsAppFollowUps;
  let app: FastifyInstance;
  let graph: Server;
  const bus = createMemoryBus({ logger });
  const topics = topicNames('t.');
  const received: {
    to: string;
    type: string;
    context?: { message_id: string };
    text?: { body: string };
    template?: { name: string; components: { parameters: { text: string }[] }[] };
    /** The wamid our Cloud API answered with. */
    wamid?: string;
  }[] = [];
  let followUpAnswers = 0;

  beforeAll(async () => {
    await requireServers('opensearch', 'redis');
    client = createSearchClient(servers.opensearchUrl);
    names = await installIndices(client, { prefix: `${prefix}-` });
    graph = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw) as (typeof received)[number];
        const json = { 'content-type': 'application/json' };
        const isFollowUp = body.text?.body.includes('klarifikasi resmi') ?? false;
        // The Cloud API's throughput limit on the first follow-up: the job fails and BullMQ retries it.
        if (isFollowUp && ++followUpAnswers === 1)
          return res.writeHead(400, json).end(
            JSON.stringify({
              error: {
                message: '(#130429) Rate limit hit',
                type: 'OAuthException',
                code: 130429,
                fbtrace_id: 'A1',
              },
            }),
          );
        const wamid = `wamid.out${received.length + 1}`;
        received.push({ ...body, wamid });
        res.writeHead(200, json).end(
          JSON.stringify({
            messaging_product: 'whatsapp',
            contacts: [{ input: body.to, wa_id: body.to }],
            messages: [{ id: wamid }],
          }),
        );
      });
    });
    await new Promise<void>((r) => graph.listen(0, '127.0.0.1', r));
    const graphUrl = `http://127.0.0.1:${(graph.address() as AddressInfo).port}/v20.0`;
    deliveries = createDeliveryQueue({ redisUrl: servers.redisUrl, prefix, logger });
    whatsapp = createWhatsAppFollowUps({
      redisUrl: servers.redisUrl,
      prefix,
      source: 'tipline-whatsapp',
      appSecret: SECRET,
      token: 'EAAG-uji',
      graphUrl,
      template: { name: 'klarifikasi_laporan', language: 'id' },
      allowPrivate: true,
      retry: { attempts: 5, backoffMs: 200 },
      lateRetryDelayMs: 300,
      logger,
    });
    app = buildApp({
      config: {
        PANTAU_ADMIN_KEY: ADMIN_KEY,
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_TOKEN: 'EAAG-uji',
        WHATSAPP_GRAPH_URL: graphUrl,
      },
      logger,
      search: client,
      names,
      producer: bus.producer(),
      topics,
      health: new Health(),
      deliveries,
      whatsapp,
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await whatsapp?.close();
    await deliveries?.close();
    await obliterateQueue(servers.redisUrl, prefix, WHATSAPP_FOLLOWUPS_QUEUE).catch(() => undefined);
    await obliterateDeliveryQueue(servers.redisUrl, prefix).catch(() => undefined);
    await new Promise((r) => graph?.close(r));
    await dropIndices(client, `${prefix}-`);
    await client?.close();
  });

  it('each WhatsApp sender of the issue gets it once, as a reply to their latest report (as the template when Meta fails the reply later)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const webhook = whatsappNotification([
      {
        from: '6281355550001',
        id: 'wamid.LAPOR1',
        timestamp: String(now - 600),
        type: 'text',
        text: { body: 'Min ini bener ga? Katanya ada pemadaman total se-Jawa Bali 3 hari mulai besok' },
        context: { forwarded: true },
      },
      {
        from: '6281355550001',
        id: 'wamid.LAPOR2',
        timestamp: String(now - 300),
        type: 'text',
        text: { body: 'Ini juga rame di grup RT, tolong dicek ya min' },
      },
      {
        from: '6281355550002',
        id: 'wamid.LAPOR3',
        timestamp: String(now - 120),
        type: 'image',
        image: { id: 'img', caption: 'Pemadaman listrik 3 hari se-Jawa Bali, siapkan lilin!!' },
      },
    ]);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/tipline/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(webhook, SECRET) },
      payload: webhook,
    });
    expect(res.json()).toEqual({ received: 3 });
    const thanked = received.length;
    expect(thanked).toBe(3); // the thank-you replies, sent at once

    // The scorer and the issue engine would put the reports in one issue; here they are indexed so.
    const issueId = uniqueName('isu-pemadaman');
    const posts = bus.read(topics.postsRaw).map((m) => JSON.parse(m.value.toString('utf8')) as RawPost);
    expect(JSON.stringify(posts)).not.toContain('6281355550001');
    await bulkIndex(
      client,
      posts.map((p) => ({
        index: names.postsFor(p.publishedAt),
        id: p.id,
        doc: { ...p, issueId } as unknown as Record<string, unknown>,
      })),
      { refresh: true },
    );
    await putRisingIssue(client, names, {
      id: issueId,
      title: 'Pemadaman listrik total se-Jawa Bali 3 hari',
      terms: ['pemadaman', 'listrik', 'jawa', 'bali'],
      count: 3,
      hoaxShare: 1,
      authors: 2,
    });
    const agencyKey = await createAgency(app, ADMIN_KEY, 'PLN');
    const clarified = await app.inject({
      method: 'POST',
      url: `/v1/issues/${issueId}/clarifications`,
      headers: { authorization: `Bearer ${agencyKey}` },
      payload: {
        text: 'Tidak ada rencana pemadaman total se-Jawa Bali. Pasokan listrik dalam kondisi normal.',
        url: 'https://web.pln.co.id/klarifikasi-pemadaman',
      },
    });
    expect(clarified.statusCode).toBe(201);
    expect(clarified.json<{ pushedTo: { reports: number } }>().pushedTo.reports).toBe(3);

    await waitFor(() => received.length >= thanked + 2, { timeoutMs: 20_000, what: 'both senders answered' });
    const followUps = received.slice(thanked);
    expect(followUps.map((m) => [m.to, m.context?.message_id]).sort()).toEqual([
      ['6281355550001', 'wamid.LAPOR2'],
      ['6281355550002', 'wamid.LAPOR3'],
    ]);
    for (const m of followUps) {
      expect(m.type).toBe('text');
      expect(m.text!.body).toContain('PLN telah menerbitkan klarifikasi resmi');
      expect(m.text!.body).toContain('https://web.pln.co.id/klarifikasi-pemadaman');
    }
    // The rate-limited first try was retried; nobody got it twice.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(followUpAnswers).toBe(3);
    expect(received).toHaveLength(thanked + 2);

    // Meta reports later that one reply failed because the 24 h window had closed (131047): it goes out
    // again as the template, once, however often Meta repeats the webhook. The other failed on Meta's
    // own rate limit (130429): it goes out again, once, a little later. Other reports change nothing.
    const failed = followUps.find((m) => m.to === '6281355550002')!;
    const throttled = followUps.find((m) => m.to === '6281355550001')!;
    const throttledStatus = (id: string) => ({
      id,
      status: 'failed',
      timestamp: String(now),
      recipient_id: '6281355550001',
      errors: [{ code: 130429, title: 'Rate limit hit' }],
    });
    const statuses = whatsappStatuses([
      {
        id: failed.wamid,
        status: 'failed',
        timestamp: String(now),
        recipient_id: '6281355550002',
        errors: [
          {
            code: 131047,
            title: 'Re-engagement message',
            message: 'Re-engagement message',
            error_data: { details: 'Message failed to send because more than 24 hours have passed' },
          },
        ],
      },
      throttledStatus(throttled.wamid!),
      { id: 'wamid.out1', status: 'delivered', timestamp: String(now), recipient_id: '6281355550001' },
      {
        id: 'wamid.bukan-balasan-kami',
        status: 'failed',
        timestamp: String(now),
        recipient_id: '6281355550009',
        errors: [{ code: 131026, title: 'Message undeliverable' }],
      },
    ]);
    for (let i = 0; i < 2; i++) {
      const status = await app.inject({
        method: 'POST',
        url: '/v1/tipline/whatsapp',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': metaSignature(statuses, SECRET),
        },
        payload: statuses,
      });
      expect(status.json()).toEqual({ received: 0 });
    }
    const resent = () => received.slice(thanked + 2).filter((m) => m.type === 'text');
    await waitFor(() => received.some((m) => m.type === 'template') && resent().length > 0, {
      timeoutMs: 20_000,
      what: 'the template and the reply sent again after the late failures',
    });
    await new Promise((r) => setTimeout(r, 1_000));
    const templates = received.filter((m) => m.type === 'template');
    expect(templates.map((m) => m.to)).toEqual(['6281355550002']);
    expect(templates[0]!.template!.name).toBe('klarifikasi_laporan');
    expect(templates[0]!.template!.components[0]!.parameters.map((p) => p.text).join(' ')).toContain(
      'Tidak ada rencana pemadaman total se-Jawa Bali',
    );
    // The throttled reply again: the same answer to the same report.
    expect(resent().map((m) => [m.to, m.context?.message_id, m.text?.body])).toEqual([
      ['6281355550001', 'wamid.LAPOR2', throttled.text!.body],
    ]);
    expect(received).toHaveLength(thanked + 4);
    // Throttled a second time: logged, not sent a third time.
    const again = whatsappStatuses([throttledStatus(resent()[0]!.wamid!)]);
    const answer = await app.inject({
      method: 'POST',
      url: '/v1/tipline/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(again, SECRET) },
      payload: again,
    });
    expect(answer.statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(received).toHaveLength(thanked + 4);
  });
});
