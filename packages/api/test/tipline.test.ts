import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryBus } from '@pantau/bus';
import { topicNames, type RawPost } from '@pantau/core';
import { Health, createLogger } from '@pantau/runtime';
import { createSearchClient, IndexNames } from '@pantau/store';
import { testLogger } from '@pantau/testkit';
import { buildApp } from '../src';
import { WHATSAPP_ACK_TEXT } from '../src/routes/tipline';
import { metaSignature, whatsappNotification } from './tipline-support';

/** The WhatsApp Cloud API tipline webhook: Meta's verification handshake and signed notifications. */
const SECRET = 'meta-app-secret-uji';
const logger = testLogger('tipline-api');

const notification = whatsappNotification;
const sign = (body: string, secret = SECRET) => metaSignature(body, secret);

describe('WhatsApp tipline webhook', () => {
  const bus = createMemoryBus({ logger });
  const topics = topicNames('t.');
  const app = buildApp({
    config: {
      PANTAU_ADMIN_KEY: 'pk_admin_0123456789abcdef',
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_VERIFY_TOKEN: 'verif-123',
    },
    logger,
    search: createSearchClient('http://127.0.0.1:1'),
    names: new IndexNames('unused-'),
    producer: bus.producer(),
    topics,
    health: new Health(),
  });
  afterAll(() => app.close());
  const post = (body: string, signature?: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/tipline/whatsapp',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'x-hub-signature-256': signature } : {}),
      },
      payload: body,
    });

  it("answers Meta's verification with the challenge, only for the right token", async () => {
    const ok = await app.inject({
      url: '/v1/tipline/whatsapp?hub.mode=subscribe&hub.verify_token=verif-123&hub.challenge=1158201444',
    });
    expect([ok.statusCode, ok.body]).toEqual([200, '1158201444']);
    const wrong = await app.inject({
      url: '/v1/tipline/whatsapp?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1',
    });
    expect(wrong.statusCode).toBe(403);
  });

  it('refuses a missing or wrong signature', async () => {
    const body = notification([]);
    expect((await post(body)).statusCode).toBe(401);
    expect((await post(body, sign(body, 'not-the-secret'))).statusCode).toBe(401);
    expect((await post(body, sign(`${body} `))).statusCode).toBe(401);
    expect(bus.read(topics.postsRaw)).toHaveLength(0);
  });

  it('turns signed text and captioned messages into tipline posts, pseudonymous, forwarded marked', async () => {
    const body = notification([
      {
        from: '6281234567890',
        id: 'wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMjI5',
        timestamp: '1796025600',
        type: 'text',
        text: { body: 'Min, ini bener? Katanya besok ada pemadaman total se-Jawa Bali 3 hari' },
        context: { forwarded: true },
      },
      {
        from: '6281234567890',
        id: 'wamid.IMG2',
        timestamp: '1796025660',
        type: 'image',
        image: { id: 'img', mime_type: 'image/jpeg', caption: 'Foto ini katanya di Bekasi hari ini' },
      },
      {
        from: '6281234567890',
        id: 'wamid.STICKER',
        timestamp: '1796025700',
        type: 'sticker',
        sticker: { id: 's' },
      },
    ]);
    const res = await post(body, sign(body));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: 2 });
    const posts = bus.read(topics.postsRaw).map((m) => JSON.parse(m.value.toString('utf8')) as RawPost);
    expect(posts).toEqual([
      expect.objectContaining({
        source: 'tipline-whatsapp',
        sourceKind: 'tipline',
        sourceId: 'wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMjI5',
        text: '[diteruskan]\nMin, ini bener? Katanya besok ada pemadaman total se-Jawa Bali 3 hari',
        publishedAt: '2026-11-30T08:00:00.000Z',
        author: { id: expect.stringMatching(/^wa:[0-9a-f]{16}$/) },
      }),
      expect.objectContaining({ sourceId: 'wamid.IMG2', text: 'Foto ini katanya di Bekasi hari ini' }),
    ]);
    expect(JSON.stringify(posts)).not.toContain('6281234567890');
  });

  it('thanks each sender in Bahasa Indonesia through the Cloud API once Kafka has the report', async () => {
    const replies: { path: string; auth: string | undefined; body: Record<string, unknown> }[] = [];
    const graph = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        replies.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(raw) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"messages":[{"id":"wamid.reply"}]}');
      });
    });
    await new Promise<void>((r) => graph.listen(0, '127.0.0.1', r));
    const replying = buildApp({
      config: {
        PANTAU_ADMIN_KEY: 'pk_admin_0123456789abcdef',
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_TOKEN: 'EAAG-test',
        WHATSAPP_GRAPH_URL: `http://127.0.0.1:${(graph.address() as AddressInfo).port}/v20.0`,
      },
      logger,
      search: createSearchClient('http://127.0.0.1:1'),
      names: new IndexNames('unused-'),
      producer: bus.producer(),
      topics,
      health: new Health(),
    });
    try {
      const body = notification([
        {
          from: '6281299990000',
          id: 'wamid.REPLYME',
          timestamp: '1796025600',
          type: 'text',
          text: { body: 'Cek ini min' },
        },
      ]);
      const res = await replying.inject({
        method: 'POST',
        url: '/v1/tipline/whatsapp',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) },
        payload: body,
      });
      expect(res.statusCode).toBe(200);
      expect(replies).toEqual([
        {
          path: '/v20.0/106540352242922/messages',
          auth: 'Bearer EAAG-test',
          body: {
            messaging_product: 'whatsapp',
            to: '6281299990000',
            type: 'text',
            context: { message_id: 'wamid.REPLYME' },
            text: { body: WHATSAPP_ACK_TEXT },
          },
        },
      ]);
    } finally {
      await replying.close();
      graph.close();
    }
  });
});

describe('WhatsApp tipline verification in the request log', () => {
  it('never writes the verify token to the log', async () => {
    const lines: string[] = [];
    const captured = createLogger({
      service: 'api',
      format: 'json',
      destination: { write: (line: string) => void lines.push(line) },
    });
    const bus = createMemoryBus({ logger });
    const app = buildApp({
      config: {
        PANTAU_ADMIN_KEY: 'pk_admin_0123456789abcdef',
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_VERIFY_TOKEN: 'rahasia-verif-789',
      },
      logger: captured,
      search: createSearchClient('http://127.0.0.1:1'),
      names: new IndexNames('unused-'),
      producer: bus.producer(),
      topics: topicNames('t.'),
      health: new Health(),
    });
    const res = await app.inject({
      method: 'GET',
      url: '/v1/tipline/whatsapp?hub.mode=subscribe&hub.verify_token=rahasia-verif-789&hub.challenge=42',
    });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('42');
    expect(lines.some((l) => l.includes('/v1/tipline/whatsapp'))).toBe(true);
    expect(lines.join('\n')).not.toContain('rahasia-verif-789');
  });
});
