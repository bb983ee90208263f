import { topicNames } from '@pantau/core';
import { createKafkaBus, type Bus } from '@pantau/bus';
import { obliterateDeliveryQueue } from '@pantau/alerts';
import { createSearchClient, dropIndices } from '@pantau/store';
import { requireServers, servers, sleep, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import {
  startSlack,
  startTelegram,
  type SlackPeer,
  type TelegramPeer,
} from '../../packages/alerts/test/peers';
import {
  randomPort,
  apiCaller,
  stackEnv,
  startService,
  stopService,
  tail,
  type ServiceProcess,
  waitForStack,
} from '../support/processes';

/**
 * Slack and Telegram end to end on the real stack: agency A subscribes Slack + Telegram, agency B
 * Slack, both watching overlapping lists. A burst gives each Slack one message and A's Telegram one,
 * in Bahasa Indonesia with the issue's title and why; when the issue keeps growing past the cooldown,
 * the Telegram message is edited (not repeated) while Slack, which cannot edit, gets the update.
 */
jest.setTimeout(300_000);

const ADMIN_KEY = 'pk_admin_channels_0123456789ab';
const TELEGRAM_TOKEN = '424242:e2e-bot-token';

interface SlackBody {
  text: string;
  blocks: { type: string; text?: { text: string } }[];
}

describe('alert channels end to end (every service as a process, real Kafka/OpenSearch/Redis)', () => {
  const prefix = uniqueName('e2ech');
  const env = stackEnv(prefix, servers, ADMIN_KEY);
  const topics = topicNames(env.TOPIC_PREFIX);
  const procs: ServiceProcess[] = [];
  let api = '';
  let slack: SlackPeer;
  let telegram: TelegramPeer;
  let bus: Bus;
  const call = apiCaller(() => api);
  const CHAT = '-1009876543210';

  beforeAll(async () => {
    await requireServers('kafka', 'opensearch', 'redis');
    [slack, telegram] = await Promise.all([startSlack(), startTelegram(TELEGRAM_TOKEN)]);
    const port = randomPort();
    api = `http://127.0.0.1:${port}`;
    procs.push(
      startService('api', {
        ...env,
        PORT: String(port),
        DELIVERY_BACKOFF_MS: '300',
        ALLOW_PRIVATE_WEBHOOKS: 'true',
        ALERT_COOLDOWN_MS: '4000',
        TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
        TELEGRAM_API_URL: telegram.apiUrl,
        PUBLIC_URL: 'https://pantau.example.go.id',
      }),
    );
    procs.push(startService('scorer', { ...env, WATCHLIST_REFRESH_MS: '500' }));
    procs.push(
      startService('detector', {
        ...env,
        DETECTOR_BUCKET_MS: '2000',
        DETECTOR_WINDOW_BUCKETS: '15',
        DETECTOR_BASELINE_BUCKETS: '30',
        DETECTOR_RISING_MIN: '8',
        DETECTOR_TICK_MS: '1000',
      }),
    );
    bus = createKafkaBus({
      brokers: servers.kafkaBrokers,
      clientId: 'e2e-channels',
      logger: testLogger('e2e'),
    });
    await waitForStack(api, procs);
  });

  afterAll(async () => {
    const codes = await Promise.all(procs.map((p) => stopService(p)));
    await bus?.deleteTopics(Object.values(topics)).catch(() => undefined);
    await bus?.close();
    await obliterateDeliveryQueue(servers.redisUrl, env.QUEUE_PREFIX).catch(() => undefined);
    await Promise.all([slack?.close(), telegram?.close()]);
    const search = createSearchClient(servers.opensearchUrl);
    await dropIndices(search, env.INDEX_PREFIX);
    await search.close();
    expect(codes).toEqual(procs.map(() => 0));
  });

  const variants = [
    'SEBARKAN!!! Vaksin booster mengandung chip 5G buat melacak warga, sebelum dihapus!!',
    'Viralkan! Vaksin booster ada chip pelacaknya, jangan mau disuntik!!!',
    'Info dari grup sebelah: chip 5G di vaksin booster aktif bulan depan. Sebarkan!!',
    'Awas!! Vaksin booster ada chip, tangan nempel magnet. Share sebelum dihapus',
    'Bener ga sih vaksin booster ada chip 5G? tetangga sy bilang gitu, serem',
    'Pantesan sinyal hp jelek, vaksin booster isinya chip 5G katanya #tolakvaksin',
    'Jgn mau vaksin booster!! chip nya bisa dilacak pemerintah, sebarkan ke grup keluarga',
    'Chip di vaksin booster itu nyata, udah ada videonya. Viralkan sebelum diblokir',
  ];
  const burst = (tag: string, n: number, offset = 0) =>
    Array.from({ length: n }, (_, i) => ({
      source: 'e2e',
      sourceId: `${tag}-${i}`,
      text: `${variants[(i % 4) + offset]!} (${tag}${i})`,
      publishedAt: new Date().toISOString(),
      author: { handle: `${tag}akun${i}` },
    }));

  const slackA = '/services/TKEMENKES/B01/a';
  const slackB = '/services/TKOMDIGI/B02/b';
  const slackMessages = (path: string) => slack.received(path).map((r) => JSON.parse(r.body) as SlackBody);

  it('one Slack message per agency and one Telegram message, in Bahasa Indonesia; growth edits Telegram', async () => {
    const a = (await call('POST', '/v1/agencies', ADMIN_KEY, { name: 'Kemenkes' })).body;
    const b = (await call('POST', '/v1/agencies', ADMIN_KEY, { name: 'Komdigi' })).body;
    for (const [agency, query] of [
      [a, 'vaksin AND chip'],
      [b, 'vaksin'],
    ] as const)
      expect(
        (await call('POST', '/v1/watchlists', agency.apiKey, { name: 'Hoaks vaksin', query })).status,
      ).toBe(201);
    const subs = [
      await call('POST', '/v1/subscriptions', a.apiKey, { channel: 'slack', url: slack.url(slackA) }),
      await call('POST', '/v1/subscriptions', a.apiKey, { channel: 'telegram', chatId: CHAT }),
      await call('POST', '/v1/subscriptions', b.apiKey, { channel: 'slack', url: slack.url(slackB) }),
    ];
    expect(subs.map((s) => s.status)).toEqual([201, 201, 201]);
    await sleep(1_500); // the scorer reloads watchlists every 500 ms

    expect((await call('POST', '/v1/ingest/posts', a.apiKey, burst('b1', 24))).status).toBe(202);
    await waitFor(() => slack.received(slackA).length >= 1 && slack.received(slackB).length >= 1, {
      timeoutMs: 90_000,
      what: () => `Slack messages for both agencies\n${tail(procs)}`,
    });
    await waitFor(() => telegram.calls(CHAT).length >= 1, {
      what: () => `a Telegram message\n${tail(procs)}`,
    });
    await sleep(3_000); // more rising events come within the cooldown: nothing more may be sent
    expect(slack.received(slackA)).toHaveLength(1);
    expect(slack.received(slackB)).toHaveLength(1);
    expect(telegram.calls(CHAT)).toHaveLength(1);

    const [first] = slackMessages(slackA);
    const header = first!.blocks[0]!.text!.text;
    expect(header).toMatch(/^Isu naik: .*vaksin/i);
    expect(first!.blocks[1]!.text!.text).toContain('sedang naik');
    expect(JSON.stringify(first)).toContain('https://pantau.example.go.id/#/isu/');
    const sent = telegram.calls(CHAT)[0]!;
    expect(sent).toMatchObject({ method: 'sendMessage', body: { parse_mode: 'HTML' } });
    expect(sent.body.text).toMatch(/^<b>Isu naik: .*vaksin.*<\/b>\n.*sedang naik/i);

    // The issue keeps growing past the cooldown: an update.
    await sleep(1_500);
    expect((await call('POST', '/v1/ingest/posts', a.apiKey, burst('b2', 40, 4))).status).toBe(202);
    await waitFor(() => telegram.calls(CHAT).some((c) => c.method === 'editMessageText'), {
      timeoutMs: 90_000,
      what: () => `the Telegram message edited\n${tail(procs)}`,
    });
    const edit = telegram.calls(CHAT).find((c) => c.method === 'editMessageText')!;
    const messageId = [...telegram.messages(CHAT).keys()][0];
    expect(edit.body.message_id).toBe(messageId);
    expect(telegram.messages(CHAT).size).toBe(1); // edited, not repeated
    expect(telegram.messages(CHAT).get(messageId!)).toMatch(/^<b>Pembaruan isu: /);
    await waitFor(() => slack.received(slackA).length >= 2, {
      what: () => `the Slack update\n${tail(procs)}`,
    });
    expect(slackMessages(slackA)[1]!.blocks[0]!.text!.text).toMatch(/^Pembaruan isu: /);

    // Every outcome is on the alert, the Telegram message id with it.
    const alerts = await waitFor(
      async () => {
        const r = await call('GET', '/v1/alerts', a.apiKey);
        const deliveries = r.body.items?.[0]?.deliveries ?? [];
        return deliveries.filter((d: { status: string }) => d.status === 'delivered').length >= 4
          ? r.body
          : undefined;
      },
      { what: 'the delivery outcomes on the alert' },
    );
    expect(
      alerts.items[0].deliveries.map((d: { channel: string; version: number; status: string }) => [
        d.channel,
        d.version,
        d.status,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['slack', 1, 'delivered'],
        ['telegram', 1, 'delivered'],
        ['slack', 2, 'delivered'],
        ['telegram', 2, 'delivered'],
      ]),
    );

    // Narasi tunggal: A clarifies; B (alerted on the same issue) has it in Slack within seconds, and the
    // issue shows it with A's name.
    const issueId = alerts.items[0].issueId as string;
    const before = slack.received(slackB).length;
    const clarifiedAt = Date.now();
    const posted = await call('POST', `/v1/issues/${encodeURIComponent(issueId)}/clarifications`, a.apiKey, {
      text: 'Vaksin booster tidak mengandung chip. Penjelasan lengkap di situs resmi.',
      url: 'https://example.invalid/klarifikasi-vaksin',
    });
    expect(posted.status).toBe(201);
    // Wait for the clarification itself: B's own growth update may still be arriving (it did once under
    // CI load, and "any new message" then was that update).
    const isClarification = (m: SlackBody) => /^Klarifikasi resmi: /.test(m.blocks[0]?.text?.text ?? '');
    const pushed = await waitFor(() => slackMessages(slackB).slice(before).find(isClarification), {
      timeoutMs: 15_000,
      what: () => `the clarification in B's Slack\n${tail(procs)}`,
    });
    const elapsedMs = Date.now() - clarifiedAt;
    expect(elapsedMs).toBeLessThan(15_000);
    expect(slackMessages(slackB).filter(isClarification)).toHaveLength(1);
    expect(JSON.stringify(pushed)).toContain('Vaksin booster tidak mengandung chip');
    const issue = await call('GET', `/v1/issues/${encodeURIComponent(issueId)}`, b.apiKey);
    expect(issue.body.clarified).toBe(true);
    expect(issue.body.clarifications).toEqual([
      expect.objectContaining({ text: expect.stringContaining('tidak mengandung chip') }),
    ]);
  });

  it('writes no Slack URL or bot token to any service log', () => {
    const logs = procs.flatMap((p) => p.output).join('\n');
    expect(logs).not.toContain(TELEGRAM_TOKEN);
    expect(logs).not.toContain('/services/TKEMENKES');
  });
});
