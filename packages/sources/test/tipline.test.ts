import { testLogger } from '@pantau/testkit';
import { createHttpClient, DEFAULT_ACK_TEXT, tiplineConnector, type Cursor, type SourceDoc } from '../src';
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

  it('the thank-you text is Indonesian by default', () => {
    expect(DEFAULT_ACK_TEXT).toMatch(/^Terima kasih, laporan Anda sudah kami terima/);
  });
});
