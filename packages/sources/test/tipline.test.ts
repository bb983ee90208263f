import { testLogger } from '@pantau/testkit';
import {
  clarificationFollowUpText,
  createHttpClient,
  DEFAULT_ACK_TEXT,
  tiplineConnector,
  type Cursor,
  type SourceDoc,
} from '../src';
import { startFakeServer, type FakeServer } from './support';

const logger = testLogger('tipline-test');
const NOW = new Date('2026-11-30T08:00:00Z');
const TOKEN = '7312345678:AAHk-rahasia-bot-token';

/** Updates in the shape of the Telegram Bot API getUpdates answer. */
const update = (id: number, message: Record<string, unknown> | undefined) => ({
  update_id: id,
  ...(message ? { message } : {}),
});
const msg = (id: number, extra: Record<string, unknown>) => ({
  message_id: id,
  date: 1796025600 + id,
  chat: { id: 555001, type: 'private', first_name: 'Sari' },
  from: { id: 555001, is_bot: false, first_name: 'Sari' },
  ...extra,
});

describe('tipline connector (local Telegram Bot API)', () => {
  let server: FakeServer;
  const http = createHttpClient({ allowPrivate: true, timeoutMs: 2_000 });
  const run = (cursor: Cursor = {}, credential = TOKEN) =>
    tiplineConnector.fetch({
      source: {
        id: 'tipline',
        kind: 'tipline',
        name: 'Tipline Kominfo',
        config: { baseUrl: server.url },
        intervalSeconds: 30,
        credentialsEnv: 'TIPLINE_BOT_TOKEN',
        paused: false,
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
      } satisfies SourceDoc,
      cursor,
      http,
      credential,
      logger,
      now: NOW,
    });

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.splice(0);
  });

  it('turns private messages into posts (forwarded-from kept), skips the rest, thanks senders after the ack', async () => {
    server.answer((p) => {
      if (p.startsWith(`/bot${TOKEN}/getUpdates`))
        return {
          body: JSON.stringify({
            ok: true,
            result: [
              update(9001, msg(11, { text: '/start' })),
              update(
                9002,
                msg(12, {
                  text: 'Pak ini bener ga? "Mulai besok STNK mati 2 tahun langsung dihapus datanya"',
                  forward_origin: {
                    type: 'channel',
                    chat: {
                      id: -100123,
                      type: 'channel',
                      title: 'Info Lantas Terkini',
                      username: 'infolantas',
                    },
                    message_id: 77,
                    date: 1796020000,
                  },
                }),
              ),
              update(
                9003,
                msg(13, { photo: [{ file_id: 'x' }], caption: 'Foto ini katanya banjir di Bekasi hari ini' }),
              ),
              update(9004, msg(14, { text: 'halo', chat: { id: -200, type: 'group', title: 'Grup' } })),
              update(9005, undefined),
            ],
          }),
        };
      if (p.startsWith(`/bot${TOKEN}/sendMessage`)) {
        return { body: JSON.stringify({ ok: true, result: {} }) };
      }
      return { status: 404, body: '{"ok":false}' };
    });
    const result = await run();
    const getUpdates = new URL(server.requests[0]!.path, 'http://x').searchParams;
    expect(getUpdates.get('offset')).toBeNull();
    expect(result.items).toEqual([
      {
        sourceId: '555001:12',
        text: '[diteruskan dari Info Lantas Terkini @infolantas]\nPak ini bener ga? "Mulai besok STNK mati 2 tahun langsung dihapus datanya"',
        publishedAt: new Date((1796025600 + 12) * 1000).toISOString(),
        author: { id: expect.stringMatching(/^tg:[0-9a-f]{16}$/) },
      },
      expect.objectContaining({ sourceId: '555001:13', text: 'Foto ini katanya banjir di Bekasi hari ini' }),
    ]);
    expect(JSON.stringify(result.items)).not.toContain('555001"'); // the chat id itself is not an author id
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'bot command',
      'not a private chat with the bot',
      'update without a message',
    ]);
    expect(result.cursor).toEqual({ offset: 9006 });
    expect(server.requests.filter((r) => r.path.includes('sendMessage'))).toHaveLength(0);

    await result.afterAck!();
    const acks = server.requests.filter((r) => r.path.includes('sendMessage')).map((r) => JSON.parse(r.body));
    expect(acks).toEqual([
      { chat_id: 555001, text: DEFAULT_ACK_TEXT, reply_parameters: { message_id: 12 } },
      { chat_id: 555001, text: DEFAULT_ACK_TEXT, reply_parameters: { message_id: 13 } },
    ]);
  });

  it('resumes from the stored offset (which confirms earlier updates); an empty answer keeps it', async () => {
    server.answer(() => ({ body: JSON.stringify({ ok: true, result: [] }) }));
    const result = await run({ offset: 9006 });
    expect(new URL(server.requests[0]!.path, 'http://x').searchParams.get('offset')).toBe('9006');
    expect(result).toMatchObject({ items: [], cursor: { offset: 9006 } });
  });

  it('429 with retry_after, 5xx retriable; a bad token is rejected and never shown', async () => {
    server.answer(() => ({
      status: 429,
      headers: { 'retry-after': '5' },
      body: '{"ok":false,"error_code":429,"parameters":{"retry_after":5}}',
    }));
    await expect(run()).rejects.toMatchObject({ code: 'SOURCE_RATE_LIMITED', info: { retryAfterMs: 5_000 } });
    server.answer(() => ({ status: 502 }));
    await expect(run()).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    server.answer(() => ({
      status: 401,
      body: '{"ok":false,"error_code":401,"description":"Unauthorized"}',
    }));
    const err = (await run().catch((e: Error) => e)) as Error & { code: string };
    expect(err.code).toBe('SOURCE_REJECTED');
    expect(err.message).toContain('/bot<token>/getUpdates answered 401');
    expect(err.message).not.toContain('rahasia');
  });

  describe('follow-up: an agency clarified the issue a report is in', () => {
    const source = (config: Record<string, unknown> = {}): SourceDoc => ({
      id: 'tipline',
      kind: 'tipline',
      name: 'Tipline Kominfo',
      config: { baseUrl: server.url, ...config },
      intervalSeconds: 30,
      credentialsEnv: 'TIPLINE_BOT_TOKEN',
      paused: false,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    const memory = () => {
      const done = new Set<string>();
      return { done, has: async (r: string) => done.has(r), add: async (r: string) => void done.add(r) };
    };
    const text = clarificationFollowUpText({
      agencyName: 'Kementerian Kesehatan',
      text: 'Tidak benar vaksin mengandung chip. Vaksin sudah diuji BPOM.',
      url: 'https://kemkes.go.id/klarifikasi/vaksin-chip',
    });
    const sends = () =>
      server.requests
        .filter((r) => r.path === `/bot${TOKEN}/sendMessage`)
        .map((r) => JSON.parse(r.body) as Record<string, unknown>);
    const followUp = (done = memory(), config: Record<string, unknown> = {}, refs?: string[]) =>
      tiplineConnector.followUp!(
        { source: source(config), http, credential: TOKEN, logger, done },
        { key: 'cl_vaksin', text, refs: refs ?? ['555001:11', '555002:7', '555001:14', 'rss-item-9'] },
      );

    it('replies once to each sender, to their latest report, in plain text', async () => {
      server.answer(() => ({ body: '{"ok":true,"result":{}}' }));
      const done = memory();
      expect(await followUp(done)).toEqual({
        sent: 2,
        skipped: [{ ref: 'rss-item-9', reason: 'not a tipline report id (chat:message)' }],
      });
      expect(sends()).toEqual([
        { chat_id: 555001, text, reply_parameters: { message_id: 14, allow_sending_without_reply: true } },
        { chat_id: 555002, text, reply_parameters: { message_id: 7, allow_sending_without_reply: true } },
      ]);
      expect(text).toContain('Kementerian Kesehatan telah menerbitkan klarifikasi resmi');
      expect(text).toContain('“Tidak benar vaksin mengandung chip.');
      expect(text).toContain('Selengkapnya: https://kemkes.go.id/klarifikasi/vaksin-chip');
      // Who has it is remembered by pseudonym, never by chat id.
      expect([...done.done].every((r) => /^tg:[0-9a-f]{16}$/.test(r))).toBe(true);
      // Run again (a retried job): nobody gets it twice.
      server.requests.splice(0);
      expect(await followUp(done)).toMatchObject({ sent: 0 });
      expect(sends()).toHaveLength(0);
    });

    it('a sender who blocked the bot is skipped for good; a 429 fails the run after what was sent', async () => {
      server.answer((p, _h, n) => {
        const body = server.requests[n - 1]!.body;
        if (body.includes('555001'))
          return {
            status: 403,
            body: '{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}',
          };
        if (body.includes('555003'))
          return { status: 429, body: '{"ok":false,"error_code":429,"parameters":{"retry_after":3}}' };
        return { body: '{"ok":true,"result":{}}' };
      });
      const done = memory();
      const refs = ['555001:11', '555002:7', '555003:2', '555004:5'];
      await expect(followUp(done, {}, refs)).rejects.toMatchObject({ code: 'SOURCE_RATE_LIMITED' });
      expect(sends().map((b) => b.chat_id)).toEqual([555001, 555002, 555003]);
      expect(done.done.size).toBe(2); // the blocked one and the one that got it
      // The retry (Telegram lets us write again) sends only to those still waiting.
      server.requests.splice(0);
      server.answer(() => ({ body: '{"ok":true,"result":{}}' }));
      expect(await followUp(done, {}, refs)).toEqual({ sent: 2, skipped: [] });
      expect(sends().map((b) => b.chat_id)).toEqual([555003, 555004]);
    });

    it('followUps: false in the config sends nothing; a long clarification is cut to fit a message', async () => {
      server.answer(() => ({ body: '{"ok":true,"result":{}}' }));
      expect(await followUp(memory(), { followUps: false })).toEqual({ sent: 0, skipped: [] });
      expect(sends()).toHaveLength(0);
      expect(tiplineConnector.validate({ followUps: 'ya' })).toEqual([
        'config.followUps must be true or false',
      ]);
      const long = clarificationFollowUpText({ agencyName: 'Komdigi', text: 'hoaks '.repeat(2_000) });
      expect(long.length).toBeLessThanOrEqual(4096);
      expect(long).toContain('…”');
      expect(long).toMatch(/Terima kasih sudah melapor/);
    });
  });

  it('the thank-you text is Indonesian by default', () => {
    expect(DEFAULT_ACK_TEXT).toMatch(/^Terima kasih, laporan Anda sudah kami terima/);
  });
});
