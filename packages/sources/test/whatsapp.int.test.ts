import { closeRedis, connectRedis, createKeyValue, type KeyValue, type RedisConnection } from '@pantau/queue';
import { requireServers, servers, testLogger, uniqueName } from '@pantau/testkit';
import {
  createHttpClient,
  createReporterBook,
  SourceState,
  whatsappFollowUp,
  type WhatsAppFollowUpContext,
  type WhatsAppFollowUpJob,
  type WhatsAppReport,
} from '../src';
import { startFakeServer, type Answer, type FakeServer } from './support';

/**
 * WhatsApp tipline follow-ups on real Redis, against a local server that answers like the WhatsApp
 * Cloud API (Graph): success, "re-engagement" (the 24 h window is closed), the throughput limit and an
 * undeliverable number, each in Graph's error shape.
 */
const logger = testLogger('whatsapp-follow-up');
const SECRET = 'meta-app-secret-kominfo-uji';
const HOUR = 3600_000;
const NOW = Date.parse('2026-12-01T09:00:00Z');

const ok = (): Answer => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    messaging_product: 'whatsapp',
    contacts: [{ input: '6281200000000', wa_id: '6281200000000' }],
    messages: [{ id: `wamid.out${Math.random().toString(36).slice(2)}` }],
  }),
});
const graphError = (code: number, message: string, status = 400): Answer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    error: {
      message,
      type: 'OAuthException',
      code,
      error_data: { messaging_product: 'whatsapp', details: message },
      fbtrace_id: 'AbCdEf123',
    },
  }),
});

const clarification = {
  agencyName: 'Kementerian Komunikasi dan Digital',
  text: 'Tidak benar ada pemadaman listrik total se-Jawa Bali selama 3 hari.\nPLN memastikan pasokan normal.',
  url: 'https://komdigi.go.id/berita/klarifikasi-pemadaman',
};

describe('WhatsApp follow-ups (real Redis, a local Cloud API)', () => {
  const prefix = uniqueName('wa');
  let connection: RedisConnection;
  let kv: KeyValue;
  let graph: FakeServer;

  beforeAll(async () => {
    await requireServers('redis');
    connection = connectRedis(servers.redisUrl, logger, 'wa-test');
    kv = createKeyValue(connection);
    graph = await startFakeServer();
  });
  afterAll(async () => {
    await graph?.close();
    if (connection) {
      const keys = await connection.keys(`${prefix}:*`);
      if (keys.length) await connection.del(...keys);
      await closeRedis(connection);
    }
  });

  const book = () => createReporterBook(kv, { secret: SECRET, prefix, keepMs: 2 * HOUR });
  const context = (key: string, template = true): WhatsAppFollowUpContext => ({
    http: createHttpClient({ allowPrivate: true, timeoutMs: 5_000 }),
    graphUrl: `${graph.url}/v20.0`,
    token: 'EAAG-kominfo-uji',
    book: book(),
    done: new SourceState(kv, prefix).followUpDone('tipline-whatsapp', key),
    ...(template ? { template: { name: 'klarifikasi_laporan', language: 'id' } } : {}),
    now: () => NOW,
    logger,
  });
  const report = (messageId: string, from: string, hoursAgo: number): WhatsAppReport => ({
    messageId,
    from,
    phoneNumberId: '106540352242922',
    at: NOW - hoursAgo * HOUR,
  });
  /** The requests the Cloud API received since `from`, as parsed bodies. */
  const sentSince = (from: number) =>
    graph.requests
      .slice(from)
      .map(
        (r) =>
          ({ ...(JSON.parse(r.body) as Record<string, unknown>), path: r.path }) as Record<string, unknown>,
      );
  const to = (n: number) => JSON.parse(graph.requests[n - 1]!.body) as { to: string; type: string };

  it('keeps the sender sealed, for the follow-up window only, and only under its own secret', async () => {
    await book().remember([report('wamid.SEAL1', '6281311112222', 1)]);
    const stored = await kv.get(`${prefix}:wa:reporter:wamid.SEAL1`);
    expect(stored).not.toBeNull();
    expect(stored).not.toContain('6281311112222');
    expect(Buffer.from(stored!, 'base64').toString('latin1')).not.toContain('6281311112222');
    const ttl = await kv.pttl(`${prefix}:wa:reporter:wamid.SEAL1`);
    expect(ttl).toBeGreaterThan(HOUR);
    expect(ttl).toBeLessThanOrEqual(2 * HOUR);
    expect(await book().lookup(['wamid.SEAL1', 'wamid.UNKNOWN'])).toEqual([
      report('wamid.SEAL1', '6281311112222', 1),
    ]);
    // Another app secret (rotated) cannot open it; a record moved to another report does not open either.
    const rotated = createReporterBook(kv, { secret: 'another-secret', prefix, keepMs: HOUR });
    expect(await rotated.lookup(['wamid.SEAL1'])).toEqual([]);
    await kv.set(`${prefix}:wa:reporter:wamid.MOVED`, stored!, HOUR);
    expect(await book().lookup(['wamid.MOVED'])).toEqual([]);
  });

  it('answers each sender once: a reply to the latest report inside 24 h, the template after, unknown reports skipped', async () => {
    await book().remember([
      report('wamid.A1', '6281200000001', 3),
      report('wamid.A2', '6281200000001', 0.5), // the same sender, later
      report('wamid.B1', '6281200000002', 30), // past the 24 h window
    ]);
    graph.answer(() => ok());
    const start = graph.requests.length;
    const job: WhatsAppFollowUpJob = {
      key: 'cl_pemadaman1',
      refs: ['wamid.A1', 'wamid.A2', 'wamid.B1', 'wamid.GONE'],
      clarification,
    };
    const result = await whatsappFollowUp(context(job.key), job);
    expect(result.sent).toBe(2);
    expect(result.skipped).toEqual([
      { ref: 'wamid.GONE', reason: expect.stringContaining('no sender on record') },
    ]);
    const sent = sentSince(start);
    expect(sent).toHaveLength(2);
    expect(graph.requests[start]!.headers.authorization).toBe('Bearer EAAG-kominfo-uji');
    const text = sent.find((m) => m.to === '6281200000001')!;
    expect(text).toMatchObject({
      path: '/v20.0/106540352242922/messages',
      messaging_product: 'whatsapp',
      type: 'text',
      context: { message_id: 'wamid.A2' },
      text: { preview_url: true },
    });
    const body = (text.text as { body: string }).body;
    expect(body).toContain('Kementerian Komunikasi dan Digital telah menerbitkan klarifikasi resmi');
    expect(body).toContain('PLN memastikan pasokan normal');
    expect(body).toContain(clarification.url);
    expect(sent.find((m) => m.to === '6281200000002')).toEqual({
      path: '/v20.0/106540352242922/messages',
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '6281200000002',
      type: 'template',
      template: {
        name: 'klarifikasi_laporan',
        language: { code: 'id' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Kementerian Komunikasi dan Digital' },
              {
                type: 'text',
                // One line: template parameters may hold no new line.
                text:
                  '“Tidak benar ada pemadaman listrik total se-Jawa Bali selama 3 hari. PLN memastikan pasokan normal.”' +
                  ' Selengkapnya: https://komdigi.go.id/berita/klarifikasi-pemadaman',
              },
            ],
          },
        ],
      },
    });
    // The same clarification again (a retried job): nobody is written to twice.
    const again = await whatsappFollowUp(context(job.key), job);
    expect(again.sent).toBe(0);
    expect(graph.requests.length).toBe(start + 2);
  });

  it('a closed window falls back to the template; a rate limit fails the job and the retry skips who has it; an undeliverable number is skipped', async () => {
    await book().remember([
      report('wamid.D1', '6281200000004', 2),
      report('wamid.E1', '6281200000005', 2),
      report('wamid.F1', '6281200000006', 2),
    ]);
    let eTries = 0;
    graph.answer((_path, _headers, n) => {
      const { to: who, type } = to(n);
      if (who === '6281200000004' && type === 'text') return graphError(131047, 'Re-engagement message');
      if (who === '6281200000005' && ++eTries === 1) return graphError(130429, '(#130429) Rate limit hit');
      if (who === '6281200000006') return graphError(131026, 'Message undeliverable');
      return ok();
    });
    const start = graph.requests.length;
    const job: WhatsAppFollowUpJob = {
      key: 'cl_pemadaman2',
      refs: ['wamid.D1', 'wamid.E1', 'wamid.F1'],
      clarification,
    };
    await expect(whatsappFollowUp(context(job.key), job)).rejects.toMatchObject({ code: 'SOURCE_REJECTED' });
    const retry = await whatsappFollowUp(context(job.key), job);
    expect(retry.sent).toBe(1);
    expect(retry.skipped).toEqual([{ ref: 'wamid.F1', reason: 'Message undeliverable' }]);
    const calls = sentSince(start).map((m) => `${m.to as string}:${m.type as string}`);
    expect(calls).toEqual([
      '6281200000004:text', // 131047: window closed …
      '6281200000004:template', // … the template instead, answered once
      '6281200000005:text', // 130429: the job fails here
      '6281200000005:text', // the retry: D is skipped, E goes out
      '6281200000006:text', // 131026: skipped, not retried
    ]);
    // A third run writes to nobody.
    await whatsappFollowUp(context(job.key), job);
    expect(graph.requests.length).toBe(start + 5);
  });

  it('without a template, a sender past the window is skipped with the reason', async () => {
    await book().remember([report('wamid.G1', '6281200000007', 48)]);
    graph.answer(() => ok());
    const start = graph.requests.length;
    const job: WhatsAppFollowUpJob = { key: 'cl_pemadaman3', refs: ['wamid.G1'], clarification };
    const result = await whatsappFollowUp(context(job.key, false), job);
    expect(result).toEqual({
      sent: 0,
      skipped: [{ ref: 'wamid.G1', reason: expect.stringContaining('WHATSAPP_FOLLOWUP_TEMPLATE') }],
    });
    expect(graph.requests.length).toBe(start);
  });
});
