import {
  createSearchClient,
  dropIndices,
  installIndices,
  type IndexNames,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, sleep, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import {
  createAlertStore,
  createDeliveryQueue,
  createDeliveryWorker,
  createEmailChannel,
  createSlackChannel,
  createTelegramChannel,
  obliterateDeliveryQueue,
  type AlertDoc,
  type AlertPayload,
  type AlertStore,
  type DeliveryJob,
  type DeliveryQueue,
  type DeliveryRecord,
  type DeliveryWorker,
  type EmailChannel,
  type SubscriptionDoc,
} from '../src';
import { alertPayload, clarification, issueUrl } from './fixture';
import {
  slack,
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
 * Deliveries as BullMQ jobs on the real Redis, outcomes recorded on the alert in the real OpenSearch,
 * against local peers answering like Slack, the Telegram Bot API and an SMTP server: limits honoured,
 * retries then success (after the peer's wait), no retry on a 400, final failures on the alert.
 */
const logger = testLogger('channels-int');

describe('channel deliveries through BullMQ (real Redis + OpenSearch)', () => {
  let client: SearchClient;
  let names: IndexNames;
  let prefix: string;
  let queuePrefix: string;
  let store: AlertStore;
  let queue: DeliveryQueue;
  let worker: DeliveryWorker;
  let slackPeer: SlackPeer;
  let slackApiPeer: SlackApiPeer;
  let telegramPeer: TelegramPeer;
  let smtpPeer: SmtpPeer;
  let email: EmailChannel;

  beforeAll(async () => {
    await requireServers('opensearch', 'redis');
    client = createSearchClient(servers.opensearchUrl);
    prefix = `${uniqueName('chan')}-`;
    queuePrefix = uniqueName('tqc');
    names = await installIndices(client, { prefix });
    store = createAlertStore(client, names);
    [slackPeer, telegramPeer, smtpPeer, slackApiPeer] = await Promise.all([
      startSlack(),
      startTelegram(),
      startSmtp(),
      startSlackApi(),
    ]);
    email = createEmailChannel({ smtpUrl: smtpPeer.url, timeoutMs: 1_000, issueUrl });
    queue = createDeliveryQueue({
      redisUrl: servers.redisUrl,
      prefix: queuePrefix,
      attempts: 4,
      backoffMs: 100,
      logger,
    });
    worker = createDeliveryWorker({
      redisUrl: servers.redisUrl,
      prefix: queuePrefix,
      store,
      channels: [
        createSlackChannel({
          allowPrivateTargets: true,
          timeoutMs: 1_000,
          issueUrl,
          botToken: slackApiPeer.token,
          apiUrl: slackApiPeer.apiUrl,
        }),
        createTelegramChannel({
          botToken: telegramPeer.token,
          apiUrl: telegramPeer.apiUrl,
          timeoutMs: 500,
          issueUrl,
        }),
        email,
      ],
      logger,
      concurrency: 50,
      maxBackoffMs: 5_000,
    });
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    email?.close();
    await obliterateDeliveryQueue(servers.redisUrl, queuePrefix).catch(() => undefined);
    await Promise.all([slackPeer?.close(), telegramPeer?.close(), smtpPeer?.close(), slackApiPeer?.close()]);
    await dropIndices(client, prefix);
    await client?.close();
  });

  async function subscribe(
    channel: SubscriptionDoc['channel'],
    config: SubscriptionDoc['config'],
  ): Promise<SubscriptionDoc> {
    const doc: SubscriptionDoc = {
      id: uniqueName('sub'),
      agencyId: 'ag_int',
      channel,
      createdAt: new Date().toISOString(),
      config,
    };
    await client.index({ index: names.of('subscriptions'), id: doc.id, body: doc as never, refresh: 'true' });
    return doc;
  }

  /** Records an alert (version 1) with pending deliveries to `subs` and enqueues them, as the engine does. */
  async function alertTo(subs: SubscriptionDoc[]): Promise<AlertDoc> {
    const payload = alertPayload({ id: uniqueName('al') });
    const at = new Date().toISOString();
    const doc: AlertDoc = {
      ...payload.alert,
      agencyId: 'ag_int',
      issueId: payload.alert.issue.id,
      watchlistIds: [],
      versionAt: at,
      deliveries: subs.map((s) => ({
        subscriptionId: s.id,
        channel: s.channel,
        version: 1,
        status: 'pending',
        attempts: 0,
        updatedAt: at,
      })),
    };
    await store.createAlert(doc);
    await queue.enqueue(subs.map((s) => job(doc, s, payload)));
    return doc;
  }

  const job = (doc: AlertDoc, s: SubscriptionDoc, payload: AlertPayload): DeliveryJob => ({
    alertId: doc.id,
    version: payload.alert.version,
    subscriptionId: s.id,
    channel: s.channel,
    payload: { ...payload, alert: { ...payload.alert, id: doc.id } },
    // As the clarification push (clarify.ts) enqueues it: its own job id and delivery record.
    ...(payload.clarification ? { clarificationId: payload.clarification.id } : {}),
  });

  /** The final outcome of one delivery, once it is no longer pending. */
  const outcome = (alertId: string, subscriptionId: string, version = 1, clarificationId?: string) =>
    waitFor(
      async () =>
        (await store.getAlert(alertId))?.doc.deliveries.find(
          (d: DeliveryRecord) =>
            d.subscriptionId === subscriptionId &&
            d.version === version &&
            d.clarificationId === clarificationId &&
            d.status !== 'pending',
        ),
      { what: `delivery of ${alertId} to ${subscriptionId}`, timeoutMs: 30_000 },
    );

  describe('slack', () => {
    it('retries a 429 after its Retry-After, then records delivered', async () => {
      const s = await subscribe('slack', { url: slackPeer.url('/services/T1/B1/busy') });
      slackPeer.script('/services/T1/B1/busy', slack.rateLimited(1));
      const alert = await alertTo([s]);
      expect(await outcome(alert.id, s.id)).toMatchObject({ status: 'delivered', attempts: 2 });
      const got = slackPeer.received('/services/T1/B1/busy');
      expect(got).toHaveLength(2);
      expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(900); // not the 100 ms base backoff
    });

    it('fails for good on 400 invalid_payload, without retrying, the reason on the alert', async () => {
      const s = await subscribe('slack', { url: slackPeer.url('/services/T1/B1/bad') });
      slackPeer.script('/services/T1/B1/bad', slack.invalidPayload);
      const alert = await alertTo([s]);
      const d = await outcome(alert.id, s.id);
      expect(d).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 400, channel: 'slack' });
      expect(d!.lastError).toBe(`slack ${s.id} answered 400 invalid_payload`);
      await sleep(800); // several base backoffs: a retry would have come
      expect(slackPeer.received('/services/T1/B1/bad')).toHaveLength(1);
    });

    it('gives up after the attempts on persistent 5xx, recording the last error', async () => {
      const path = '/services/T1/B1/down';
      const s = await subscribe('slack', { url: slackPeer.url(path) });
      slackPeer.script(path, slack.serverError, slack.serverError, slack.serverError, slack.serverError);
      const alert = await alertTo([s]);
      const d = await outcome(alert.id, s.id);
      expect(d).toMatchObject({ status: 'failed', attempts: 4, lastStatus: 500 });
      expect(d!.lastError).toContain('rollup_error');
      expect(slackPeer.received(path)).toHaveLength(4);
    });

    it("through Pantau's Slack app: posts once, then updates that message for a later version and a clarification", async () => {
      const channel = `C0${Date.now().toString(36).toUpperCase()}`;
      const s = await subscribe('slack', { slackChannel: channel });
      const alert = await alertTo([s]);
      const first = await outcome(alert.id, s.id);
      expect(first).toMatchObject({ status: 'delivered', messageId: expect.stringMatching(/^\d+\.\d+$/) });
      await queue.enqueue([job(alert, s, alertPayload({ version: 2 }))]);
      expect(await outcome(alert.id, s.id, 2)).toMatchObject({
        status: 'delivered',
        messageId: first!.messageId,
      });
      const pushed: AlertPayload = {
        ...alertPayload({ version: 2, clarifications: [clarification] }),
        type: 'clarification',
        clarification,
      };
      await queue.enqueue([job(alert, s, pushed)]);
      expect(await outcome(alert.id, s.id, 2, clarification.id)).toMatchObject({ status: 'delivered' });
      expect(slackApiPeer.calls(channel).map((c) => [c.method, c.body.ts ?? null])).toEqual([
        ['chat.postMessage', null],
        ['chat.update', first!.messageId],
        ['chat.update', first!.messageId],
      ]);
      const shown = slackApiPeer.messages(channel);
      expect(shown.size).toBe(1);
      expect(shown.get(first!.messageId!)).toContain('Klarifikasi resmi');
    });

    it('sends about one message per second per webhook URL, even from two subscriptions', async () => {
      const path = '/services/T1/B1/shared';
      const [a, b] = [
        await subscribe('slack', { url: slackPeer.url(path) }),
        await subscribe('slack', { url: slackPeer.url(path) }),
      ];
      const alerts = [await alertTo([a, b]), await alertTo([a])];
      for (const alert of alerts) await outcome(alert.id, a.id);
      await outcome(alerts[0]!.id, b.id);
      const times = slackPeer.received(path).map((r) => r.at);
      expect(times).toHaveLength(3);
      for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(800);
    });
  });

  describe('telegram', () => {
    const chat = () => `-100${Math.floor(Math.random() * 1e9)}`;

    it('retries a 429 after parameters.retry_after, then records delivered with the message id', async () => {
      const chatId = chat();
      const s = await subscribe('telegram', { chatId });
      telegramPeer.script(chatId, telegram.tooManyRequests(1));
      const alert = await alertTo([s]);
      const d = await outcome(alert.id, s.id);
      expect(d).toMatchObject({
        status: 'delivered',
        attempts: 2,
        messageId: expect.stringMatching(/^\d+$/),
      });
      const calls = telegramPeer.calls(chatId);
      expect(calls).toHaveLength(2);
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
    });

    it('fails for good when the bot is blocked (403), the reason on the alert', async () => {
      const chatId = chat();
      const s = await subscribe('telegram', { chatId });
      telegramPeer.script(chatId, telegram.blocked);
      const alert = await alertTo([s]);
      const d = await outcome(alert.id, s.id);
      expect(d).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 403 });
      expect(d!.lastError).toBe(
        `telegram ${s.id} sendMessage answered 403 Forbidden: bot was blocked by the user`,
      );
      await sleep(600);
      expect(telegramPeer.calls(chatId)).toHaveLength(1);
    });

    it('retries after a timeout, then delivers', async () => {
      const chatId = chat();
      const s = await subscribe('telegram', { chatId });
      telegramPeer.script(chatId, 'hang');
      const alert = await alertTo([s]);
      const d = await outcome(alert.id, s.id);
      expect(d).toMatchObject({ status: 'delivered', attempts: 2 });
      expect(telegramPeer.messages(chatId).size).toBe(1);
    });

    it('edits the first message for a later version and for a clarification push', async () => {
      const chatId = chat();
      const s = await subscribe('telegram', { chatId });
      const alert = await alertTo([s]);
      const first = await outcome(alert.id, s.id);
      const v2 = alertPayload({ version: 2 });
      await queue.enqueue([job(alert, s, v2)]);
      expect(await outcome(alert.id, s.id, 2)).toMatchObject({
        status: 'delivered',
        messageId: first!.messageId,
      });
      const pushed: AlertPayload = {
        ...alertPayload({ version: 2, clarifications: [clarification] }),
        type: 'clarification',
        clarification,
      };
      await queue.enqueue([job(alert, s, pushed)]);
      expect(await outcome(alert.id, s.id, 2, clarification.id)).toMatchObject({
        status: 'delivered',
        messageId: first!.messageId,
      });
      expect(telegramPeer.calls(chatId).map((c) => [c.method, c.body.message_id ?? null])).toEqual([
        ['sendMessage', null],
        ['editMessageText', Number(first!.messageId)],
        ['editMessageText', Number(first!.messageId)],
      ]);
      const shown = telegramPeer.messages(chatId);
      expect(shown.size).toBe(1);
      expect(shown.get(Number(first!.messageId))).toContain('Klarifikasi resmi');
      // The alert keeps each delivery apart: v1, v2 and the clarification push.
      const records = (await store.getAlert(alert.id))!.doc.deliveries.filter(
        (d) => d.subscriptionId === s.id,
      );
      expect(records.map((d) => [d.version, d.clarificationId ?? null, d.status])).toEqual([
        [1, null, 'delivered'],
        [2, null, 'delivered'],
        [2, clarification.id, 'delivered'],
      ]);
    });

    it('sends about one message per second per chat', async () => {
      const chatId = chat();
      const s = await subscribe('telegram', { chatId });
      const alerts = [await alertTo([s]), await alertTo([s]), await alertTo([s])];
      for (const alert of alerts) await outcome(alert.id, s.id);
      const times = telegramPeer.calls(chatId).map((c) => c.at);
      expect(times).toHaveLength(3);
      for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(800);
    });

    it('sends at most 30 messages per second per bot across chats: the 31st waits for the next second', async () => {
      const subs = await Promise.all(
        Array.from({ length: 45 }, () => subscribe('telegram', { chatId: chat() })),
      );
      // The bot's 30 slots are a one-second window opened by its first send after the last window
      // expired (rate-limiter-flexible's fixed window; the gate's own tests hold it exactly): let the
      // earlier tests' window run out first.
      await sleep(1_100);
      const alert = await alertTo(subs);
      for (const s of subs) await outcome(alert.id, s.id);
      const times = subs.map((s) => telegramPeer.calls(s.config.chatId)[0]!.at).sort((a, b) => a - b);
      expect(times).toHaveLength(45);
      // The 31st send is taken a second after the first one was; the peer sees that second shortened by
      // the first message's own way to it (its round trip: tens of ms, a few hundred on a loaded machine,
      // where "at most 30 within 950 ms of the first arrival" failed with 45). Without the bot limit the
      // 31st arrives ~0.3 s after the first.
      expect(times[30]! - times[0]!).toBeGreaterThanOrEqual(600);
    });
  });

  describe('email', () => {
    it('retries an SMTP 451, then delivers; fails for good on a 550', async () => {
      const flaky = await subscribe('email', { to: ['flaky@bpbd.example.id'] });
      const unknown = await subscribe('email', { to: ['nobody@bpbd.example.id'] });
      smtpPeer.script('flaky@bpbd.example.id', { code: 451, message: '4.3.0 Local error in processing' });
      smtpPeer.script('nobody@bpbd.example.id', { code: 550, message: '5.1.1 User unknown' });
      const alert = await alertTo([flaky, unknown]);
      expect(await outcome(alert.id, flaky.id)).toMatchObject({ status: 'delivered', attempts: 2 });
      const failed = await outcome(alert.id, unknown.id);
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 550 });
      expect(failed!.lastError).toContain('User unknown');
      expect(smtpPeer.mails('flaky@bpbd.example.id')).toHaveLength(1);
      expect(smtpPeer.mails('flaky@bpbd.example.id')[0]!.subject).toBe('Isu naik: vaksin <chip> 5G');
      await sleep(600);
      expect(smtpPeer.attempts('nobody@bpbd.example.id')).toBe(1);
    });
  });
});
