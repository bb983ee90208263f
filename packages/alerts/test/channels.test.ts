import {
  createEmailChannel,
  createSlackChannel,
  createTelegramChannel,
  createWebhookChannel,
  DeliveryError,
  type Channel,
  type SubscriptionDoc,
} from '../src';
import { alertPayload, clarification, issueUrl } from './fixture';
import {
  slack,
  slackApi,
  startSlack,
  startSlackApi,
  startSmtp,
  startTelegram,
  telegram,
  type SlackApiPeer,
  type SlackPeer,
  type SmtpPeer,
  type TelegramPeer,
} from './peers';

/**
 * One contract every channel adapter keeps, run against each one talking to a local peer that answers
 * like the real service: delivered on success; a rejection (400/403-like) fails for good; rate limits,
 * server errors and timeouts are transient (with the peer's wait when it gives one); no secret ever
 * appears in an error; the subscription's language is honoured.
 */
type Outcome = 'badRequest' | 'forbidden' | 'rateLimited' | 'serverError' | 'hang';

interface Harness {
  channel: Channel;
  subscription(target: string, language?: 'id' | 'en'): SubscriptionDoc;
  script(target: string, outcome: Outcome): void;
  /** What the peer shows for the target (message texts, bodies), newest last. */
  delivered(target: string): string[];
  /** The wait a rate-limited answer carries (none for SMTP, which has no such field). */
  retryAfterMs?: number;
  secrets: string[];
  close(): Promise<void>;
}

const TIMEOUT_MS = 400;
let n = 0;
const target = (prefix: string) => `${prefix}${(n += 1)}`;
const sub = (
  channel: SubscriptionDoc['channel'],
  config: SubscriptionDoc['config'],
  language?: 'id' | 'en',
) => ({
  id: `sub_${channel}_${n}`,
  agencyId: 'ag_1',
  channel,
  createdAt: '2026-11-20T08:00:00Z',
  config,
  ...(language ? { language } : {}),
});

const harnesses: Record<string, () => Promise<Harness>> = {
  async webhook() {
    const peer: SlackPeer = await startSlack({ plain: true });
    const secret = 'rahasia-webhook-1234567890';
    const answers = {
      badRequest: { status: 400, body: 'bad' },
      forbidden: { status: 403, body: 'no' },
      rateLimited: { status: 429, body: 'slow down', headers: { 'retry-after': '2' } },
      serverError: { status: 503, body: 'down' },
    };
    return {
      channel: createWebhookChannel({ allowPrivateTargets: true, timeoutMs: TIMEOUT_MS }),
      subscription: (t, language) => sub('webhook', { url: peer.url(`/${t}`), secret }, language),
      script: (t, o) => peer.script(`/${t}`, o === 'hang' ? 'hang' : answers[o]),
      delivered: (t) => peer.received(`/${t}`).map((r) => r.body),
      retryAfterMs: 2000,
      secrets: [secret],
      close: () => peer.close(),
    };
  },
  async slack() {
    const peer = await startSlack();
    const answers = {
      badRequest: slack.invalidPayload,
      forbidden: slack.forbidden,
      rateLimited: slack.rateLimited(2),
      serverError: slack.serverError,
    };
    // The path of an incoming-webhook URL is its secret.
    const secretPath = (t: string) => `/services/T0001/B0001/${t}XyZsecret`;
    return {
      channel: createSlackChannel({ allowPrivateTargets: true, timeoutMs: TIMEOUT_MS, issueUrl }),
      subscription: (t, language) => sub('slack', { url: peer.url(secretPath(t)) }, language),
      script: (t, o) => peer.script(secretPath(t), o === 'hang' ? 'hang' : answers[o]),
      delivered: (t) => peer.received(secretPath(t)).map((r) => r.body),
      retryAfterMs: 2000,
      secrets: ['XyZsecret', '/services/'],
      close: () => peer.close(),
    };
  },
  async 'slack app'() {
    const peer: SlackApiPeer = await startSlackApi();
    const answers = {
      badRequest: slackApi.error('channel_not_found'),
      forbidden: slackApi.error('not_in_channel'),
      rateLimited: slackApi.rateLimited(2),
      serverError: slackApi.serverError,
    };
    const channelOf = (t: string) => `C0${t.replace(/\D/g, '').padStart(8, '0')}`;
    return {
      channel: createSlackChannel({
        botToken: peer.token,
        apiUrl: peer.apiUrl,
        timeoutMs: TIMEOUT_MS,
        issueUrl,
      }),
      subscription: (t, language) => sub('slack', { slackChannel: channelOf(t) }, language),
      script: (t, o) => peer.script(channelOf(t), o === 'hang' ? 'hang' : answers[o]),
      delivered: (t) => [...peer.messages(channelOf(t)).values()],
      retryAfterMs: 2000,
      secrets: [peer.token],
      close: () => peer.close(),
    };
  },
  async telegram() {
    const peer: TelegramPeer = await startTelegram();
    const answers = {
      badRequest: telegram.badRequest(),
      forbidden: telegram.blocked,
      rateLimited: telegram.tooManyRequests(2),
      serverError: telegram.serverError,
    };
    return {
      channel: createTelegramChannel({
        botToken: peer.token,
        apiUrl: peer.apiUrl,
        timeoutMs: TIMEOUT_MS,
        issueUrl,
      }),
      subscription: (t, language) => sub('telegram', { chatId: `-100${t.replace(/\D/g, '')}` }, language),
      script: (t, o) => peer.script(`-100${t.replace(/\D/g, '')}`, o === 'hang' ? 'hang' : answers[o]),
      delivered: (t) => [...peer.messages(`-100${t.replace(/\D/g, '')}`).values()],
      retryAfterMs: 2000,
      secrets: [peer.token],
      close: () => peer.close(),
    };
  },
  async email() {
    const peer: SmtpPeer = await startSmtp();
    const answers = {
      badRequest: { code: 550, message: '5.1.1 <x>: Recipient address rejected: User unknown' },
      forbidden: { code: 554, message: '5.7.1 Relay access denied' },
      // Gmail's answer to too many messages for one recipient (421 would close the connection and
      // nodemailer's pool would resend on a fresh one by itself).
      rateLimited: {
        code: 450,
        message:
          '4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered',
      },
      serverError: { code: 451, message: '4.3.0 Local error in processing' },
    };
    const channel = createEmailChannel({
      smtpUrl: peer.url.replace('smtp://', 'smtp://pantau:sandi-rahasia@'),
      timeoutMs: TIMEOUT_MS,
      issueUrl,
    });
    const address = (t: string) => `${t}@dinkes.example.id`;
    return {
      channel,
      subscription: (t, language) => sub('email', { to: [address(t)] }, language),
      script: (t, o) => peer.script(address(t), o === 'hang' ? 'hang' : answers[o]),
      delivered: (t) => peer.mails(address(t)).map((m) => `${m.subject}\n${m.text}`),
      secrets: ['sandi-rahasia'],
      async close() {
        channel.close();
        await peer.close();
      },
    };
  },
};

describe.each(Object.keys(harnesses))('channel contract: %s', (name) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harnesses[name]!();
  });
  afterAll(() => h.close());

  const failure = async (t: string, outcome: Outcome) => {
    h.script(t, outcome);
    const err = await h.channel.send(alertPayload(), h.subscription(t)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    for (const secret of h.secrets) expect((err as Error).message).not.toContain(secret);
    return err as DeliveryError;
  };

  it('is named for its channel', () => {
    // The Slack app is the Slack channel reached another way (a subscription picks it by its options).
    expect(h.channel.name).toBe(name === 'slack app' ? 'slack' : name);
  });

  it('delivers, in Bahasa Indonesia by default', async () => {
    const t = target('ok');
    await h.channel.send(alertPayload(), h.subscription(t));
    const got = h.delivered(t);
    expect(got).toHaveLength(1);
    expect(got[0]).toContain(name === 'webhook' ? 'sedang naik' : 'Isu naik');
  });

  it("delivers in English when the subscription's language is en", async () => {
    const t = target('en');
    await h.channel.send(alertPayload(), h.subscription(t, 'en'));
    // The webhook payload carries both languages; the others write one.
    expect(h.delivered(t)[0]).toContain(name === 'webhook' ? 'is rising' : 'Rising issue');
  });

  it('fails for good on a rejection (400-like)', async () => {
    const err = await failure(target('bad'), 'badRequest');
    expect(err).toMatchObject({ code: 'DELIVERY_REJECTED', retriable: false });
  });

  it('fails for good when refused (403-like)', async () => {
    expect(await failure(target('forbidden'), 'forbidden')).toMatchObject({
      code: 'DELIVERY_REJECTED',
      retriable: false,
    });
  });

  it("retries when rate-limited, after the peer's wait", async () => {
    const err = await failure(target('busy'), 'rateLimited');
    expect(err).toMatchObject({ code: 'DELIVERY_TRANSIENT', retriable: true });
    expect(err.retryAfterMs).toBe(h.retryAfterMs);
  });

  it('retries on a server error', async () => {
    expect(await failure(target('down'), 'serverError')).toMatchObject({
      code: 'DELIVERY_TRANSIENT',
      retriable: true,
    });
  });

  it('retries on a timeout', async () => {
    const started = Date.now();
    expect(await failure(target('slow'), 'hang')).toMatchObject({
      code: 'DELIVERY_TRANSIENT',
      retriable: true,
    });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 10);
  });

  it('says which option a hand-made subscription lacks, for good', async () => {
    const broken = { ...h.subscription(target('broken')), config: {} };
    expect(await h.channel.send(alertPayload(), broken).catch((e: unknown) => e)).toMatchObject({
      code: 'DELIVERY_REJECTED',
    });
  });
});

describe('slack adapter', () => {
  let peer: SlackPeer;
  beforeAll(async () => {
    peer = await startSlack();
  });
  afterAll(() => peer.close());

  it("posts Block Kit and records Slack's error text (404 no_service)", async () => {
    const channel = createSlackChannel({ allowPrivateTargets: true, issueUrl });
    const subscription = sub('slack', { url: peer.url('/services/T1/B1/gone') });
    peer.script('/services/T1/B1/gone', slack.noService);
    const err = await channel.send(alertPayload(), subscription).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DELIVERY_REJECTED', status: 404 });
    expect((err as Error).message).toBe(`slack ${subscription.id} answered 404 no_service`);
    const body = JSON.parse(peer.received('/services/T1/B1/gone')[0]!.body) as { blocks: { type: string }[] };
    expect(body.blocks[0]).toMatchObject({ type: 'header' });
  });

  it('refuses a private target unless allowed, without sending', async () => {
    const channel = createSlackChannel();
    const err = await channel
      .send(alertPayload(), sub('slack', { url: peer.url('/private') }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DELIVERY_REJECTED' });
    expect(peer.received('/private')).toEqual([]);
  });

  it('limits one message per second per webhook URL, keyed by a hash of the URL', () => {
    const channel = createSlackChannel();
    const [limit] = channel.limits(sub('slack', { url: 'https://hooks.slack.com/services/T/B/secret' }));
    expect(limit).toMatchObject({ points: 1, perSeconds: 1 });
    expect(limit!.key).not.toContain('secret');
  });
});

describe('slack adapter, through the Slack app (Web API)', () => {
  let peer: SlackApiPeer;
  let channel: Channel;
  beforeAll(async () => {
    peer = await startSlackApi();
    channel = createSlackChannel({ botToken: peer.token, apiUrl: peer.apiUrl, issueUrl });
  });
  afterAll(() => peer.close());

  it('posts Block Kit, then updates that message for a later version and a clarification push', async () => {
    const subscription = sub('slack', { slackChannel: 'C0KOMINFO1' });
    const first = await channel.send(alertPayload(), subscription);
    expect(first.messageId).toMatch(/^\d+\.\d+$/);
    const posted = peer.calls('C0KOMINFO1')[0]!;
    expect(posted.method).toBe('chat.postMessage');
    expect(posted.body.text).toContain('Isu naik: vaksin <chip> 5G');
    expect(JSON.stringify(posted.body.blocks)).toContain('vaksin &lt;chip&gt; 5G');
    const context = { previousMessageId: first.messageId! };
    expect(await channel.send(alertPayload({ version: 2 }), subscription, context)).toEqual(first);
    const pushed = await channel.send(
      {
        ...alertPayload({ version: 2, clarifications: [clarification] }),
        type: 'clarification',
        clarification,
      },
      subscription,
      context,
    );
    expect(pushed).toEqual(first);
    expect(peer.calls('C0KOMINFO1').map((c) => [c.method, c.body.ts])).toEqual([
      ['chat.postMessage', undefined],
      ['chat.update', first.messageId],
      ['chat.update', first.messageId],
    ]);
    // One message in the channel, now showing the clarification.
    const shown = peer.messages('C0KOMINFO1');
    expect(shown.size).toBe(1);
    expect(shown.get(first.messageId!)).toContain('Klarifikasi resmi: vaksin');
  });

  it('posts anew when the first message is gone; fails for good without a token, never showing it', async () => {
    const subscription = sub('slack', { slackChannel: 'C0KOMINFO2' });
    const again = await channel.send(alertPayload({ version: 3 }), subscription, {
      previousMessageId: '1796000000.000001',
    });
    expect(peer.calls('C0KOMINFO2').map((c) => c.method)).toEqual(['chat.update', 'chat.postMessage']);
    expect(again.messageId).toMatch(/^\d+\.\d+$/);
    const noApp = createSlackChannel({ apiUrl: peer.apiUrl });
    expect(await noApp.send(alertPayload(), subscription).catch((e: unknown) => e)).toMatchObject({
      code: 'DELIVERY_REJECTED',
      message: expect.stringContaining('SLACK_BOT_TOKEN is not set'),
    });
    const wrong = createSlackChannel({ botToken: 'xoxb-salah', apiUrl: peer.apiUrl });
    const err = (await wrong.send(alertPayload(), subscription).catch((e: unknown) => e)) as Error & {
      code: string;
    };
    expect(err.code).toBe('DELIVERY_REJECTED');
    expect(err.message).toContain('invalid_auth');
    expect(err.message).not.toContain('xoxb');
    // Slack's own "try again" errors are transient even though they come with HTTP 200.
    peer.script('C0KOMINFO2', slackApi.error('ratelimited'), slackApi.error('internal_error'));
    for (let i = 0; i < 2; i++)
      expect(await channel.send(alertPayload(), subscription).catch((e: unknown) => e)).toMatchObject({
        code: 'DELIVERY_TRANSIENT',
      });
  });

  it('limits one message per second per Slack channel', () => {
    expect(channel.limits(sub('slack', { slackChannel: 'C0KOMINFO3' }))).toEqual([
      { key: 'slack:channel:C0KOMINFO3', points: 1, perSeconds: 1 },
    ]);
  });
});

describe('telegram adapter', () => {
  let peer: TelegramPeer;
  let channel: Channel;
  beforeAll(async () => {
    peer = await startTelegram();
    channel = createTelegramChannel({ botToken: peer.token, apiUrl: peer.apiUrl, issueUrl });
  });
  afterAll(() => peer.close());

  it('sends HTML, then edits that message for a later version and a clarification push', async () => {
    const subscription = sub('telegram', { chatId: '-1001' });
    const first = await channel.send(alertPayload(), subscription);
    expect(first.messageId).toEqual(expect.stringMatching(/^\d+$/));
    const sent = peer.calls('-1001')[0]!;
    expect(sent).toMatchObject({ method: 'sendMessage', body: { chat_id: '-1001', parse_mode: 'HTML' } });
    expect(sent.body.text.startsWith('<b>Isu naik: vaksin &lt;chip&gt; 5G</b>')).toBe(true);

    const context = { previousMessageId: first.messageId! };
    const update = await channel.send(alertPayload({ version: 2 }), subscription, context);
    expect(update).toEqual({ messageId: first.messageId });
    const pushed = await channel.send(
      {
        ...alertPayload({ version: 2, clarifications: [clarification] }),
        type: 'clarification',
        clarification,
      },
      subscription,
      context,
    );
    expect(pushed).toEqual({ messageId: first.messageId });
    expect(peer.calls('-1001').map((c) => [c.method, c.body.message_id])).toEqual([
      ['sendMessage', undefined],
      ['editMessageText', Number(first.messageId)],
      ['editMessageText', Number(first.messageId)],
    ]);
    // One message in the chat, showing the clarification.
    const shown = peer.messages('-1001');
    expect(shown.size).toBe(1);
    expect(shown.get(Number(first.messageId))).toContain('<b>Klarifikasi resmi: vaksin &lt;chip&gt; 5G</b>');
  });

  it('treats "message is not modified" as done and sends anew when the first message is gone', async () => {
    const subscription = sub('telegram', { chatId: '-1002' });
    const first = await channel.send(alertPayload(), subscription);
    const same = await channel.send(alertPayload(), subscription, { previousMessageId: first.messageId! });
    expect(same).toEqual({ messageId: first.messageId });
    const gone = await channel.send(alertPayload({ version: 3 }), subscription, {
      previousMessageId: '999999',
    });
    expect(gone.messageId).not.toBe(first.messageId);
    expect(peer.calls('-1002').map((c) => c.method)).toEqual([
      'sendMessage',
      'editMessageText',
      'editMessageText',
      'sendMessage',
    ]);
  });

  it('fails for good, saying so, without a bot token; never puts the token in an error', async () => {
    const noBot = createTelegramChannel({ apiUrl: peer.apiUrl });
    expect(
      await noBot.send(alertPayload(), sub('telegram', { chatId: '1' })).catch((e: unknown) => e),
    ).toMatchObject({
      code: 'DELIVERY_REJECTED',
      message: expect.stringContaining('TELEGRAM_BOT_TOKEN is not set'),
    });
    const wrong = createTelegramChannel({ botToken: '999:wrong-token', apiUrl: peer.apiUrl });
    const err = (await wrong
      .send(alertPayload(), sub('telegram', { chatId: '1' }))
      .catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'DELIVERY_REJECTED', status: 401 });
    expect(err.message).not.toContain('wrong-token');
  });

  it('limits one message per second per chat (20 a minute in a group) and 30 per second per bot', () => {
    const bot = { key: expect.stringMatching(/^telegram:bot:[0-9a-f]{16}$/), points: 30, perSeconds: 1 };
    expect(channel.limits(sub('telegram', { chatId: '5551234' }))).toEqual([
      { key: 'telegram:chat:5551234', points: 1, perSeconds: 1 },
      bot,
    ]);
    // A group: also 20 a minute.
    expect(channel.limits(sub('telegram', { chatId: '-1003' }))).toEqual([
      { key: 'telegram:chat:-1003', points: 1, perSeconds: 1 },
      { key: 'telegram:group:-1003', points: 20, perSeconds: 60 },
      bot,
    ]);
  });
});

describe('email adapter', () => {
  let peer: SmtpPeer;
  beforeAll(async () => {
    peer = await startSmtp();
  });
  afterAll(() => peer.close());

  it('sends plain text and HTML, and threads a follow-up under the first message', async () => {
    const channel = createEmailChannel({
      smtpUrl: peer.url,
      from: 'Pantau <alerts@pantau.example.id>',
      issueUrl,
    });
    try {
      const subscription = sub('email', { to: ['humas@dinkes.example.id'] }, 'en');
      const first = await channel.send(alertPayload(), subscription);
      expect(first.messageId).toBe(`<al_abc.v1.${subscription.id}@pantau>`);
      await channel.send(alertPayload({ version: 2 }), subscription, { previousMessageId: first.messageId! });
      const [mail1, mail2] = peer.mails('humas@dinkes.example.id');
      expect(mail1!.subject).toBe('Rising issue: vaksin <chip> 5G');
      expect(mail1!.text).toContain('Highest hoax score: 0.91');
      expect(mail1!.html).toContain('<h2>Rising issue: vaksin &lt;chip&gt; 5G</h2>');
      expect(mail1!.from?.value[0]).toMatchObject({ name: 'Pantau', address: 'alerts@pantau.example.id' });
      expect(mail2!.subject).toBe('Issue update: vaksin <chip> 5G');
      expect(mail2!.inReplyTo).toBe(first.messageId);
    } finally {
      channel.close();
    }
  });

  it('fails for good, saying so, without SMTP_URL', async () => {
    expect(
      await createEmailChannel()
        .send(alertPayload(), sub('email', { to: ['a@b.example'] }))
        .catch((e: unknown) => e),
    ).toMatchObject({ code: 'DELIVERY_REJECTED', message: expect.stringContaining('SMTP_URL is not set') });
  });
});
