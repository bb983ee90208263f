import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { topicNames } from '@pantau/core';
import { createKafkaBus } from '@pantau/bus';
import { obliterateDeliveryQueue } from '@pantau/alerts';
import { IndexNames, createSearchClient, dropIndices, getIssue, putIssue } from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import {
  randomPort,
  stackEnv,
  repoRoot,
  startService,
  stopService,
  tail,
  type ServiceProcess,
  waitForStack,
} from '../support/processes';

/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against every
 * service as a process on the real servers: sign in with an agency key, see the issue a burst made
 * rising, open it, switch language, and get a watchlist syntax error with its position.
 *
 * Screenshots: on failure into test-results/dashboard/; with PANTAU_SCREENSHOTS=docs/screenshots
 * every main page is saved there (that is how the README's pictures are made).
 */
jest.setTimeout(300_000);

const CHROMIUM = '/usr/bin/chromium';
const ADMIN_KEY = 'pk_admin_dash_0123456789abcdef';
const shotsDir = process.env.PANTAU_SCREENSHOTS
  ? path.resolve(repoRoot, process.env.PANTAU_SCREENSHOTS)
  : undefined;
const failDir = path.join(repoRoot, 'test-results', 'dashboard');

/** Clicks the page's "Unduh CSV" and reads the file the browser saved: its name and its text. */
async function downloadCsv(page: Page): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Unduh CSV' }).click(),
  ]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

describe('dashboard in Chromium (every service as a process, real Kafka/OpenSearch/Redis)', () => {
  const prefix = uniqueName('dash');
  const env = stackEnv(prefix, servers, ADMIN_KEY);
  const procs: ServiceProcess[] = [];
  let api = '';
  let receiver: Server;
  let context: BrowserContext | undefined;
  let page: Page;
  let userDataDir = '';
  let agencyKey = '';

  const call = async (method: string, route: string, key: string, body?: unknown) => {
    const res = await fetch(`${api}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
  };

  const shot = async (name: string) => {
    if (!shotsDir) return;
    mkdirSync(shotsDir, { recursive: true });
    await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: false });
  };

  // Each step saves a screenshot when it fails, so a red run shows what the browser saw.
  const step = async (name: string, body: () => Promise<void>) => {
    try {
      await body();
    } catch (err) {
      mkdirSync(failDir, { recursive: true });
      await page
        ?.screenshot({ path: path.join(failDir, `${name}.png`), fullPage: true })
        .catch(() => undefined);
      throw new Error(`${name}: ${(err as Error).message}\n(screenshot in ${failDir})\n${tail(procs)}`);
    }
  };

  beforeAll(async () => {
    await requireServers('kafka', 'opensearch', 'redis');
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/services.sh up does it)`);
    if (!existsSync(path.join(repoRoot, 'services/dashboard/dist/index.html')))
      execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build-dashboard.js')], {
        stdio: 'inherit',
      });

    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));

    const port = randomPort();
    api = `http://127.0.0.1:${port}`;
    procs.push(
      startService('api', {
        ...env,
        PORT: String(port),
        ALLOW_PRIVATE_WEBHOOKS: 'true',
        // The tipline source below names a local Bot API (nothing listens: it stays paused).
        ALLOW_PRIVATE_SOURCES: 'true',
      }),
    );
    procs.push(startService('scorer', { ...env, WATCHLIST_REFRESH_MS: '500' }));
    procs.push(
      startService('detector', {
        ...env,
        DETECTOR_BUCKET_MS: '2000',
        // A 30 s window: a busy machine (other suites beside this one) still sees the burst together.
        DETECTOR_WINDOW_BUCKETS: '15',
        DETECTOR_BASELINE_BUCKETS: '30',
        DETECTOR_RISING_MIN: '8',
        DETECTOR_TICK_MS: '1000',
      }),
    );
    await waitForStack(api, procs);

    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'pantau-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    // Nothing leaves this machine: every request the page makes goes to the API under test.
    await page.route('**/*', (route) =>
      route.request().url().startsWith(api) ? route.continue() : route.abort(),
    );
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await Promise.all(procs.map((p) => stopService(p)));
    receiver?.closeAllConnections();
    receiver?.close();
    const bus = createKafkaBus({
      brokers: servers.kafkaBrokers,
      clientId: 'dash',
      logger: testLogger('dash'),
    });
    await bus.deleteTopics(Object.values(topicNames(env.TOPIC_PREFIX))).catch(() => undefined);
    await bus.close();
    await obliterateDeliveryQueue(servers.redisUrl, env.QUEUE_PREFIX).catch(() => undefined);
    const search = createSearchClient(servers.opensearchUrl);
    await dropIndices(search, env.INDEX_PREFIX);
    await search.close();
  });

  it('signs in, shows the rising issue from a burst, opens it, switches language, flags a watchlist syntax error', async () => {
    // An agency with a watchlist and a webhook, then ordinary posts and a burst.
    const agency = await call('POST', '/v1/agencies', ADMIN_KEY, { name: 'Kemenkes' });
    expect(agency.status).toBe(201);
    agencyKey = agency.body.apiKey;
    expect(
      (await call('POST', '/v1/watchlists', agencyKey, { name: 'Hoaks vaksin', query: 'vaksin AND chip' }))
        .status,
    ).toBe(201);
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/pantau`;
    expect(
      (
        await call('POST', '/v1/subscriptions', agencyKey, {
          channel: 'webhook',
          url: hook,
          secret: 'rahasia-webhook-0123456789',
        })
      ).status,
    ).toBe(201);
    await new Promise((r) => setTimeout(r, 1_500)); // the scorer reloads watchlists every 500 ms
    const now = Date.now();
    const ordinary = [
      'Macet parah di tol Cikampek arah Jakarta, udah 2 jam gak gerak',
      'Harga cabai rawit di pasar Kramat Jati tembus 80rb/kg, emak2 pada ngeluh',
      'Timnas U-23 menang 2-0 lawan Vietnam!! #TimnasDay',
      'KRL Bogor-Jakarta gangguan lagi, penumpang numpuk di Manggarai',
    ].map((text, i) => ({
      source: 'dash',
      sourceId: `ord-${i}`,
      text,
      url: `https://example.invalid/ord-${i}`,
      publishedAt: new Date(now - 120_000 + i * 10_000).toISOString(),
      author: { handle: `warga${i}` },
    }));
    // A few quieter stories over the last half hour, so the list has more than the burst.
    const stories = [
      ['Harga beras medium naik lagi di pasar Cipinang, pedagang bilang stok menipis', 'beras'],
      ['Banjir rob genangi jalan di Jakarta Utara, warga Muara Baru mengungsi', 'banjir'],
      ['Antrean KRL Manggarai mengular pagi ini, gangguan sinyal di Bogor', 'krl'],
    ];
    const quiet = stories.flatMap(([text, key], s) =>
      Array.from({ length: 4 }, (_, i) => ({
        source: 'dash',
        sourceId: `${key}-${i}`,
        text: `${text} ${['#info', '(update)', 'cek info terbaru', 'semoga cepat beres'][i]}`,
        url: `https://example.invalid/${key}-${i}`,
        publishedAt: new Date(now - (25 - s * 5 - i * 4) * 60_000).toISOString(),
        author: { handle: `${key}${i}` },
      })),
    );
    expect((await call('POST', '/v1/ingest/posts', agencyKey, [...ordinary, ...quiet])).status).toBe(202);
    const variants = [
      'SEBARKAN!!! Vaksin booster di Surabaya mengandung chip 5G buat melacak warga, sebelum dihapus!!',
      'Viralkan! Vaksin booster di puskesmas Surabaya ada chip pelacaknya, jangan mau disuntik!!!',
      'Info dari grup sebelah: chip 5G di vaksin booster Surabaya aktif bulan depan. Sebarkan!!',
      'Awas warga Surabaya!! Vaksin booster bikin tangan nempel magnet karena ada chip. Share sebelum dihapus',
    ];
    const burst = Array.from({ length: 24 }, (_, i) => ({
      source: 'dash',
      sourceId: `burst-${i}`,
      text: variants[i % variants.length]!,
      url: `https://example.invalid/burst-${i}`,
      publishedAt: new Date().toISOString(),
      author: { handle: `akun${i}` },
    }));
    expect((await call('POST', '/v1/ingest/posts', agencyKey, burst)).status).toBe(202);
    const rising = await waitFor(
      async () => {
        // The whole burst counted (its issue document final: all 24 posts, coordinated), so what the
        // page shows next does not depend on which of the detector's coalesced writes it reads.
        const r = await call('GET', '/v1/issues?status=rising', agencyKey);
        return r.body?.items?.find(
          (i: { count: number; coordinated: boolean }) => i.count >= burst.length && i.coordinated,
        );
      },
      { timeoutMs: 90_000, intervalMs: 500, what: () => `a rising issue\n${tail(procs)}` },
    );

    await step('sign-in', async () => {
      await page.goto(`${api}/`);
      await page.getByLabel('Kunci API').fill('pk_salah_0123456789');
      await page.getByRole('button', { name: 'Masuk' }).click();
      await page.getByRole('alert').filter({ hasText: 'Kunci tidak dikenal' }).waitFor();
      await page.getByLabel('Kunci API').fill(agencyKey);
      await shot('0-masuk');
      await page.getByRole('button', { name: 'Masuk' }).click();
      await page.getByRole('heading', { name: 'Isu', exact: true }).waitFor();
      expect(page.url()).not.toContain(agencyKey);
      expect(await page.evaluate('sessionStorage.getItem("pantau.key")')).toBe(agencyKey);
    });

    await step('issues-rising-first', async () => {
      const first = page.locator('tr.issue-row').first();
      await first.waitFor();
      expect(await first.getAttribute('data-status')).toBe('rising');
      await page.getByRole('link', { name: rising.title }).waitFor();
      expect(await first.locator('.badge').textContent()).toBe('naik');
      expect(await first.locator('svg.spark path').getAttribute('d')).toMatch(/^M/);
      await shot('1-isu');
      // Filters: the quiet stories (not coordinated, no hoax) drop out, the burst stays.
      expect(await page.locator('tr.issue-row').count()).toBeGreaterThan(1);
      await page.getByLabel('Porsi hoaks minimal (%)').fill('50');
      await page.getByLabel('Hanya yang terkoordinasi').check();
      await waitFor(async () => (await page.locator('tr.issue-row').count()) === 1, {
        timeoutMs: 5_000,
        what: 'the filters to leave only the burst',
      });
      expect(await page.locator('tr.issue-row .flag').count()).toBe(1);
      await page.getByLabel('Hanya yang terkoordinasi').uncheck();
      await page.getByLabel('Porsi hoaks minimal (%)').fill('0');
      // By region: the burst is about Surabaya, so East Java keeps it and Jakarta's stories drop out.
      await page.getByLabel('Wilayah').selectOption('jatim');
      await waitFor(async () => (await page.locator('tr.issue-row').count()) === 1, {
        timeoutMs: 10_000,
        what: 'the region filter to leave only the burst',
      });
      await page.getByRole('link', { name: rising.title }).waitFor();
      await page.getByLabel('Wilayah').selectOption('');
      await waitFor(async () => (await page.locator('tr.issue-row').count()) > 1, {
        timeoutMs: 10_000,
        what: 'every issue back without the region filter',
      });
      // Answers arrive out of order: a filtered answer that lands after the analyst cleared the filter
      // must not replace the newer, unfiltered one (it did: a CI run saw the list stay filtered).
      const slowRegion = (url: URL) =>
        url.pathname === '/v1/issues' && url.searchParams.get('region') === 'jatim';
      await page.route(slowRegion, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await route.continue().catch(() => undefined);
      });
      const lateAnswer = page.waitForResponse((r) => slowRegion(new URL(r.url())));
      await page.getByLabel('Wilayah').selectOption('jatim');
      await page.getByLabel('Wilayah').selectOption('');
      await lateAnswer;
      await new Promise((resolve) => setTimeout(resolve, 300)); // a render after the late answer
      expect(await page.locator('tr.issue-row').count()).toBeGreaterThan(1);
      await page.unroute(slowRegion);
      // By source: the board offers the sources its issues came from (every post of this run is "dash").
      const sourceFilter = page.locator('form.filters label', { hasText: 'Sumber' }).locator('select');
      await waitFor(async () => (await sourceFilter.locator('option[value="dash"]').count()) === 1, {
        timeoutMs: 10_000,
        what: 'the source filter to offer "dash"',
      });
      await sourceFilter.selectOption('dash');
      await page.getByRole('link', { name: rising.title }).waitFor();
      await sourceFilter.selectOption('');
      // By words of the title or keywords, searched by the API over every issue.
      await page.getByLabel('Cari judul').fill('vaksin surabaya');
      await waitFor(async () => (await page.locator('tr.issue-row').count()) === 1, {
        timeoutMs: 10_000,
        what: 'the title search to leave only the burst',
      });
      await page.getByRole('link', { name: rising.title }).waitFor();
      await page.getByLabel('Cari judul').fill('');
      await waitFor(async () => (await page.locator('tr.issue-row').count()) > 1, {
        timeoutMs: 10_000,
        what: 'every issue back without the title search',
      });
    });

    await step('issue-detail', async () => {
      // A neighbouring story told the day before around the same words (as the issue engine would
      // have kept it: its own issue), which the page offers as related.
      const search = createSearchClient(servers.opensearchUrl);
      const names = new IndexNames(env.INDEX_PREFIX);
      const risingDoc = (await getIssue(search, names, rising.id))!;
      const dayBefore = new Date(Date.parse(risingDoc.firstSeen) - 24 * 3600_000).toISOString();
      await putIssue(
        search,
        names,
        {
          ...risingDoc,
          id: 'iss-demam-booster',
          title: 'Warga takut vaksin booster di Surabaya, katanya bikin demam tinggi',
          terms: [...risingDoc.terms.slice(0, 3), 'demam', 'takut'],
          status: 'cooled',
          count: 9,
          coordinated: false,
          factChecks: [],
          firstSeen: dayBefore,
          lastSeen: dayBefore,
          timeline: [],
          state: undefined,
        },
        true,
      );
      await search.close();
      await page.getByRole('link', { name: rising.title }).first().click();
      await page.getByRole('heading', { name: rising.title, level: 1 }).waitFor();
      const related = page.locator('section.related');
      await related.getByRole('link', { name: /katanya bikin demam tinggi/ }).waitFor();
      expect(await related.textContent()).toContain('kata kunci sama');
      await page.getByRole('heading', { name: 'Linimasa' }).waitFor();
      // Where the story is told about: the city its posts name, and through it the province.
      expect(await page.locator('.facts').textContent()).toContain('Wilayah: Jawa Timur, Surabaya');
      // Where its posts come from, counted by the detector (every post of this run has source "dash").
      expect(await page.locator('p.sources').textContent()).toMatch(/Per sumber:\s*dash \d+/);
      const event = page.locator('li.event').filter({ hasText: 'naik' }).first();
      await event.waitFor();
      // The lifecycle event says why, in Indonesian.
      expect(((await event.locator('.reason').textContent()) ?? '').trim().length).toBeGreaterThan(5);
      await page.locator('.chart canvas').first().waitFor();
      const post = page.locator('li.post').first();
      await post.waitFor();
      expect(await post.locator('a[href^="https://example.invalid/burst-"]').count()).toBe(1);
      await page.locator('li.post .signal').first().waitFor();
      // Below its first posts, its latest ones (the burst has 24, the samples are 5).
      await page.getByRole('heading', { name: 'Unggahan terbaru' }).waitFor();
      expect(await page.locator('li.post').count()).toBe(15);
      // An analyst labels a post; the label is stored (the API answered 201) and the button shows it.
      await post.getByRole('button', { name: 'Tandai hoaks' }).click();
      await post.getByRole('status').filter({ hasText: 'Label tersimpan' }).waitFor();
      expect(await post.getByRole('button', { name: 'Tandai hoaks' }).getAttribute('aria-pressed')).toBe(
        'true',
      );
      // Narasi tunggal: the agency publishes its clarification; the issue shows it with the agency's name.
      await page.getByText('Belum ada klarifikasi untuk isu ini.').waitFor();
      await page
        .getByLabel('Teks klarifikasi')
        .fill('Kemenkes: vaksin booster TIDAK mengandung chip. Info resmi di situs Kemenkes.');
      await page.getByLabel('Tautan rilis resmi (opsional)').fill('https://example.invalid/rilis-kemenkes');
      await page.getByRole('button', { name: 'Terbitkan klarifikasi' }).click();
      const clarification = page.locator('li.clarification').first();
      await clarification.waitFor();
      expect(await clarification.textContent()).toContain('Kemenkes');
      expect(await clarification.textContent()).toContain('TIDAK mengandung chip');
      const stored = await call('GET', `/v1/issues/${encodeURIComponent(rising.id)}`, agencyKey);
      expect(stored.body.clarifications).toEqual([
        expect.objectContaining({ agencyName: 'Kemenkes', url: 'https://example.invalid/rilis-kemenkes' }),
      ]);
      await page.evaluate('window.scrollTo(0, 0)');
      await shot('2-detail-isu');
    });

    await step('switch-language', async () => {
      await page.getByRole('button', { name: 'Ganti bahasa ke English' }).click();
      await page.getByRole('heading', { name: 'Timeline' }).waitFor();
      await page.getByRole('link', { name: 'Issues', exact: true }).waitFor();
      expect(await page.evaluate('document.documentElement.lang')).toBe('en');
      expect(await page.locator('li.event .badge').first().textContent()).toMatch(/new|rising|growing/);
      await shot('3-issue-detail-en');
      await page.getByRole('button', { name: 'Switch language to Bahasa Indonesia' }).click();
      await page.getByRole('heading', { name: 'Linimasa' }).waitFor();
    });

    await step('watchlist-syntax-error', async () => {
      await page.getByRole('link', { name: 'Watchlist', exact: true }).click();
      await page.getByText('Hoaks vaksin').waitFor();
      await page.getByLabel('Nama').fill('Isu beras');
      // The keyboard alone: Tab from the name field into the query.
      await page.getByLabel('Nama').press('Tab');
      await page.keyboard.type('beras AND (plastik OR');
      const error = page.getByRole('alert').filter({ hasText: 'Kesalahan sintaks pada posisi' });
      await error.waitFor();
      expect(await error.textContent()).toMatch(/posisi \d+/);
      expect(await page.getByRole('button', { name: 'Simpan' }).isDisabled()).toBe(true);
      await shot('4-watchlist-galat');
      await page.getByLabel('Kueri').fill('beras AND (plastik OR sintetis)');
      await page.getByText(/Kueri valid\. Uji mundur: \d+ unggahan/).waitFor();
      // Rules: a volume rule beside the default "rising".
      await page.getByLabel('Volume').check();
      await page.getByLabel('minimal').fill('5');
      await page.getByRole('button', { name: 'Simpan' }).click();
      await page.getByRole('status').filter({ hasText: 'Watchlist disimpan' }).waitFor();
      const lists = await call('GET', '/v1/watchlists', agencyKey);
      expect(lists.body.items.find((w: { name: string }) => w.name === 'Isu beras').rules).toEqual([
        { type: 'rising' },
        { type: 'volume', min: 5, windowMinutes: 15 },
      ]);
      await page.getByText('≥ 5 unggahan / 15 menit').waitFor();
      // Backtest of a saved list: how often each rule would have fired, beside what fired live.
      const vaksin = page.locator('.watchlists li').filter({ hasText: 'Hoaks vaksin' });
      await vaksin.getByRole('button', { name: 'Uji mundur 7 hari' }).click();
      await vaksin.getByText(/akan berbunyi \d+ kali \(nyatanya: \d+\)/).waitFor();
    });

    await step('search-and-alerts', async () => {
      await page.getByRole('link', { name: 'Pencarian' }).click();
      await page.getByRole('searchbox', { name: 'Kata kunci' }).fill('vaksin chip');
      await page.getByRole('button', { name: 'Cari', exact: true }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /\d+ hasil/ })
        .waitFor();
      await page.getByRole('button', { name: 'Unduh CSV' }).waitFor();
      await shot('5-pencarian');
      // The CSV is the API's export of every post the search finds, as a file for the agency's report.
      const posts = await downloadCsv(page);
      expect(posts.name).toMatch(/^pantau-posts-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = posts.text;
      expect(csv.startsWith('\uFEFFid,publishedAt,source,')).toBe(true);
      expect(csv.toLowerCase()).toContain('chip');
      await page.getByRole('link', { name: 'Peringatan' }).click();
      await page.getByRole('heading', { name: 'Peringatan' }).waitFor();
      await waitFor(
        async () => {
          if ((await page.locator('li.alert').count()) > 0) return true;
          await page.reload();
          await page.getByRole('heading', { name: 'Peringatan' }).waitFor();
          return false;
        },
        { timeoutMs: 30_000, intervalMs: 1_000, what: 'an alert in the inbox' },
      );
      await page.locator('.deliveries li').first().waitFor();
      // The agency's alerts as a file for its reports.
      const alerts = await downloadCsv(page);
      expect(alerts.name).toMatch(/^pantau-alerts-\d{4}-\d{2}-\d{2}\.csv$/);
      const alertRows = alerts.text.trimEnd().split('\n');
      expect(alertRows[0]).toMatch(/^\uFEFFid,createdAt,updatedAt,kind,/);
      expect(alertRows.length).toBeGreaterThan(1);
      // The inbox is live: a clarification published elsewhere (another analyst, the API) shows its
      // deliveries here without a reload.
      await page.getByRole('status').filter({ hasText: 'Langsung' }).waitFor();
      const deliveryRows = await page.locator('.deliveries li').count();
      const second = await call(
        'POST',
        `/v1/issues/${encodeURIComponent(rising.id)}/clarifications`,
        agencyKey,
        {
          text: 'Pembaruan Kemenkes: daftar kandungan vaksin booster lengkap ada di situs resmi.',
        },
      );
      expect(second.status).toBe(201);
      await waitFor(async () => (await page.locator('.deliveries li').count()) > deliveryRows, {
        timeoutMs: 15_000,
        what: 'the deliveries of the new clarification in the open inbox',
      });
      // Ack: the alert is handled, no more follow-ups; the inbox says so.
      await page.locator('li.alert').first().getByRole('button', { name: 'Tandai sudah ditangani' }).click();
      await page.locator('li.alert').first().locator('.badge', { hasText: 'Sudah ditangani' }).waitFor();
      expect(
        await page
          .locator('li.alert')
          .first()
          .getByRole('button', { name: 'Tandai sudah ditangani' })
          .count(),
      ).toBe(0);
      const acked = await call('GET', '/v1/alerts', agencyKey);
      expect(acked.body.items[0].ackedAt).toEqual(expect.any(String));
      await shot('6-peringatan');
      await page.getByRole('link', { name: 'Sumber' }).click();
      await page.getByText('Belum ada data kesehatan sumber').waitFor();
      // A provincial tipline (paused: nothing is polled here) shows its region by name.
      const tipline = await call('POST', '/v1/sources', ADMIN_KEY, {
        kind: 'tipline',
        name: 'Tipline Diskominfo Jatim',
        config: { baseUrl: 'http://127.0.0.1:9' },
        credentialsEnv: 'TIPLINE_BOT_TOKEN',
        paused: true,
        region: 'jatim',
      });
      expect(tipline.status).toBe(201);
      await page.reload();
      const row = page.locator('table.sources tr', { hasText: 'Tipline Diskominfo Jatim' });
      await row.getByText('wilayah Jawa Timur').waitFor();
      expect((await call('DELETE', `/v1/sources/${tipline.body.id}`, ADMIN_KEY)).status).toBe(204);
    });

    await step('keys', async () => {
      // The agency admin makes an analyst key (its secret shown once), then revokes it.
      await page.getByRole('link', { name: 'Kunci API' }).click();
      await page.getByRole('heading', { name: 'Kunci API instansi' }).waitFor();
      await page.getByLabel('Keterangan').fill('dasbor humas');
      await page.getByRole('button', { name: 'Buat kunci' }).click();
      const secret = (await page.locator('.new-key code.secret').textContent())!.trim();
      expect(secret).toMatch(/^pk_/);
      expect((await call('GET', '/v1/issues', secret)).status).toBe(200);
      const row = page.locator('table.keys tr', { hasText: 'dasbor humas' });
      await row.getByText('analis').waitFor();
      await shot('8-kunci');
      await row.getByRole('button', { name: 'Cabut' }).click();
      await row.getByText(/dicabut/).waitFor();
      expect((await call('GET', '/v1/issues', secret)).status).toBe(401);
      // The secret is not kept anywhere in the page's storage.
      expect(
        await page.evaluate('JSON.stringify(sessionStorage) + JSON.stringify(localStorage)'),
      ).not.toContain(secret);
    });

    await step('subscriptions', async () => {
      // The agency subscribes a webhook to alerts about East Java only (beside the one this test made
      // through the API), as a daily digest with quiet hours at night in its own time zone (WITA), sees
      // a refusal explained, and removes the new subscription again.
      await page.getByRole('link', { name: 'Langganan' }).click();
      await page.getByRole('heading', { name: 'Langganan peringatan' }).waitFor();
      const before = (await call('GET', '/v1/subscriptions', agencyKey)).body.items.length;
      await page.getByLabel('URL webhook').fill('http://127.0.0.1:9/pantau-jatim');
      await page.getByLabel('Rahasia penanda tangan (min. 16 karakter)').fill('rahasia-jatim-0123456789');
      await page.getByLabel('Wilayah').selectOption(['jatim', 'surabaya']);
      await page.getByLabel('Ringkasan').selectOption('daily');
      await page.getByLabel('Mulai').fill('22:00');
      await page.getByLabel('Selesai').fill('06:00');
      await page.getByLabel('Zona waktu').selectOption('Asia/Makassar');
      await page.getByRole('button', { name: 'Tambah langganan' }).click();
      await page.getByRole('status').filter({ hasText: 'Langganan disimpan.' }).waitFor();
      const item = page.locator('ul.subscriptions li', { hasText: 'pantau-jatim' });
      await item.getByText('Wilayah: Jawa Timur, Surabaya').waitFor();
      await item.getByText('Ringkasan harian (07.00)').waitFor();
      await item.getByText('Jam tenang: 22:00–06:00 WITA').waitFor();
      await shot('9-langganan');
      const stored = (await call('GET', '/v1/subscriptions', agencyKey)).body.items;
      expect(stored).toHaveLength(before + 1);
      expect(stored).toContainEqual(
        expect.objectContaining({
          channel: 'webhook',
          url: 'http://127.0.0.1:9/pantau-jatim',
          regions: ['jatim', 'surabaya'],
          digest: 'daily',
          quietHours: { start: '22:00', end: '06:00', tz: 'Asia/Makassar' },
        }),
      );
      // Changed in place: an hourly digest, no quiet hours — the same subscription (id and target).
      const id = stored.find((s: { url?: string }) => s.url === 'http://127.0.0.1:9/pantau-jatim').id;
      await item.getByRole('button', { name: /^Ubah/ }).click();
      await page.getByText('Mengubah langganan').waitFor();
      await page.getByLabel('Ringkasan').selectOption('hourly');
      await page.getByLabel('Mulai').fill('');
      await page.getByLabel('Selesai').fill('');
      await page.getByRole('button', { name: 'Simpan perubahan' }).click();
      await item.getByText('Ringkasan per jam').waitFor();
      expect(await item.getByText('Jam tenang').count()).toBe(0);
      const changed = (await call('GET', `/v1/subscriptions/${id}`, agencyKey)).body;
      expect(changed).toMatchObject({ id, digest: 'hourly', regions: ['jatim', 'surabaya'] });
      expect(changed.quietHours).toBeUndefined();
      // A Telegram chat that is no chat id: the API's refusal is shown, nothing is stored.
      await page.getByLabel('Saluran').selectOption('telegram');
      await page.getByLabel('ID chat Telegram (grup diawali -100) atau @kanal').fill('grup humas');
      await page.getByRole('button', { name: 'Tambah langganan' }).click();
      await page.getByRole('alert').filter({ hasText: 'VALIDATION' }).waitFor();
      expect((await call('GET', '/v1/subscriptions', agencyKey)).body.items).toHaveLength(before + 1);
      await item.getByRole('button', { name: /^Hapus/ }).click();
      await item.waitFor({ state: 'detached' });
      expect((await call('GET', '/v1/subscriptions', agencyKey)).body.items).toHaveLength(before);
    });

    await step('api-docs', async () => {
      // The OpenAPI description renders in the browser from local files (requests elsewhere are refused).
      await page.goto(`${api}/docs`);
      await page.locator('.opblock-summary-path').filter({ hasText: '/v1/issues/{id}' }).first().waitFor();
      await shot('7-docs');
    });

    // What the pipeline just did shows in every service's /metrics.
    const scrape = async (url: string) => (await fetch(url)).text();
    const metricsPort = (name: string) => {
      const line = procs.find((p) => p.name === name)!.output.find((l) => l.includes('metrics at /metrics'));
      return Number(/"port":(\d+)/.exec(line ?? '')?.[1]);
    };
    const value = (text: string, pattern: RegExp) =>
      text
        .split('\n')
        .filter((l) => pattern.test(l))
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    const scorer = await scrape(`http://127.0.0.1:${metricsPort('scorer')}/metrics`);
    expect(
      value(scorer, /^pantau_messages_handled_total\{group="[^"]+\.scorer",topic="[^"]+posts\.raw"/),
    ).toBeGreaterThanOrEqual(40);
    expect(value(scorer, /^pantau_bulk_documents_total\{outcome="indexed"/)).toBeGreaterThanOrEqual(40);
    expect(value(scorer, /^pantau_batch_duration_seconds_count\{/)).toBeGreaterThan(0);
    expect(scorer).toMatch(
      /^pantau_consumer_lag\{group="[^"]+\.scorer",topic="[^"]+posts\.raw",partition="\d+",service="scorer"\} \d+$/m,
    );
    const detector = await scrape(`http://127.0.0.1:${metricsPort('detector')}/metrics`);
    expect(value(detector, /^pantau_issue_events_total\{type="rising"/)).toBeGreaterThanOrEqual(1);
    const apiMetrics = await scrape(`${api}/metrics`);
    expect(
      value(apiMetrics, /^pantau_alert_deliveries_total\{channel="webhook",status="delivered"/),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(
        apiMetrics,
        /^pantau_http_requests_total\{method="POST",route="\/v1\/ingest\/posts",status="202"/,
      ),
    ).toBe(2);
  });
});
