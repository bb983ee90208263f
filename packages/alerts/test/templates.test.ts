import {
  emailHtml,
  messageParts,
  plainText,
  slackMessage,
  telegramHtml,
  truncate,
  type AlertPayload,
} from '../src';
import { alertPayload, clarification, issueUrl } from './fixture';

const push = (): AlertPayload => ({
  ...alertPayload({ clarifications: [clarification] }),
  type: 'clarification',
  clarification,
});

describe('one template set, Bahasa Indonesia first', () => {
  it('says what a first alert says, in Indonesian', () => {
    expect(messageParts(alertPayload(), 'id', { issueUrl })).toEqual({
      language: 'id',
      kind: 'alert',
      heading: 'Isu naik: vaksin <chip> 5G',
      whyNow: 'Isu "vaksin <chip> 5G" sedang naik: 84 unggahan dalam 10 menit (biasanya 7).',
      counts: '84 unggahan dalam 10 menit · 31 akun · 1.250 unggahan total · terindikasi terkoordinasi',
      hoax: 'Skor hoaks tertinggi: 0,91 — alasan: Klaim kesehatan tanpa sumber; Huruf kapital berlebihan; Pertanyaan memancing',
      sections: [
        {
          title: 'Cek fakta terkait',
          items: [
            {
              text: '[SALAH] Vaksin COVID-19 Mengandung Chip 5G',
              url: 'https://turnbackhoax.id/2021/vaksin-chip',
            },
          ],
        },
        {
          title: 'Contoh unggahan',
          items: [
            {
              text: 'WASPADA!!! vaksin booster ada chip 5G nya, jgn mau disuntik #tolakvaksin (x)',
              url: 'https://x.com/akun_a/status/1',
            },
            { text: 'Katanya di vaksin ada microchip buat lacak warga, bener gak sih? (facebook)' },
            { text: 'Kemenkes bantah isu chip dalam vaksin (news)', url: 'https://news.example.id/a' },
          ],
        },
      ],
      issueLink: { text: 'Buka isu di Pantau', url: 'https://pantau.example.id/#/isu/iss_vaksin' },
    });
  });

  it('says the same in English when the subscription asks for it', () => {
    const parts = messageParts(alertPayload(), 'en', { issueUrl });
    expect(parts.heading).toBe('Rising issue: vaksin <chip> 5G');
    expect(parts.whyNow).toBe('Issue "vaksin <chip> 5G" is rising: 84 posts in 10 minutes (usually 7).');
    expect(parts.counts).toBe(
      '84 posts in 10 minutes · 31 accounts · 1,250 posts in total · looks coordinated',
    );
    expect(parts.hoax).toBe(
      'Highest hoax score: 0.91 — reasons: Unsourced health claim; Excessive capitals; Leading question',
    );
    expect(parts.sections.map((s) => s.title)).toEqual(['Related fact-checks', 'Sample posts']);
    expect(parts.issueLink).toEqual({
      text: 'Open the issue in Pantau',
      url: 'https://pantau.example.id/#/isu/iss_vaksin',
    });
  });

  it('says where the story is told about: the regions its posts name, in both languages', () => {
    const issue = {
      ...alertPayload().alert.issue,
      coordinated: false,
      regions: [
        { id: 'surabaya', name: 'Surabaya', count: 40, share: 0.6 },
        { id: 'jatim', name: 'Jawa Timur', count: 44, share: 0.66 },
        { id: 'sidoarjo', name: 'Sidoarjo', count: 9, share: 0.13 },
        { id: 'gresik', name: 'Gresik', count: 8, share: 0.12 },
      ],
    };
    expect(messageParts(alertPayload({ issue })).counts).toBe(
      '84 unggahan dalam 10 menit · 31 akun · 1.250 unggahan total · wilayah: Surabaya, Jawa Timur, Sidoarjo',
    );
    expect(messageParts(alertPayload({ issue }), 'en').counts).toBe(
      '84 posts in 10 minutes · 31 accounts · 1,250 posts in total · regions: Surabaya, Jawa Timur, Sidoarjo',
    );
  });

  it('says where the story is told and names the fact-checks the rest of its posts restate', () => {
    const issue = {
      ...alertPayload().alert.issue,
      coordinated: false,
      sources: [
        { source: 'tiktok', count: 700, share: 0.56 },
        { source: 'x', count: 400, share: 0.32 },
        { source: 'tipline-whatsapp', count: 100, share: 0.08 },
        { source: 'news', count: 50, share: 0.04 },
      ],
      factChecks: [
        // The one the sample posts also restate: listed once, from the posts.
        { id: 'fc_1', title: '[SALAH] Vaksin COVID-19 Mengandung Chip 5G', posts: 300 },
        {
          id: 'fc-magnet',
          title: '[SALAH] Lengan Menempel Magnet Setelah Vaksin',
          url: 'https://cekfakta.example.id/magnet',
          posts: 120,
        },
        { id: 'fc-lacak', title: '[HOAKS] Chip Vaksin untuk Melacak Warga', posts: 40 },
        { id: 'fc-4', title: 'Keempat, tidak muat', posts: 2 },
      ],
    };
    const parts = messageParts(alertPayload({ issue }));
    expect(parts.counts).toBe(
      '84 unggahan dalam 10 menit · 31 akun · 1.250 unggahan total · sumber: tiktok 56%, x 32%, tipline-whatsapp 8%',
    );
    expect(messageParts(alertPayload({ issue }), 'en').counts).toBe(
      '84 posts in 10 minutes · 31 accounts · 1,250 posts in total · sources: tiktok 56%, x 32%, tipline-whatsapp 8%',
    );
    expect(parts.sections[0]).toEqual({
      title: 'Cek fakta terkait',
      items: [
        {
          text: '[SALAH] Vaksin COVID-19 Mengandung Chip 5G',
          url: 'https://turnbackhoax.id/2021/vaksin-chip',
        },
        { text: '[SALAH] Lengan Menempel Magnet Setelah Vaksin', url: 'https://cekfakta.example.id/magnet' },
        { text: '[HOAKS] Chip Vaksin untuk Melacak Warga' },
      ],
    });
  });

  it('marks updates, carries published clarifications, and leaves out what the alert lacks', () => {
    const update = messageParts(
      alertPayload({
        version: 2,
        clarifications: [clarification],
        posts: [{ id: 'p9' }],
        issue: { ...alertPayload().alert.issue, coordinated: false },
      }),
    );
    expect(update.kind).toBe('update');
    expect(update.heading).toBe('Pembaruan isu: vaksin <chip> 5G');
    expect(update.counts).toBe('84 unggahan dalam 10 menit · 31 akun · 1.250 unggahan total');
    expect(update.hoax).toBeUndefined();
    expect(update.issueLink).toBeUndefined();
    expect(update.sections).toEqual([
      {
        title: 'Klarifikasi resmi',
        items: [{ text: `Kemenkes RI: ${clarification.text}`, url: clarification.url }],
      },
    ]);
  });

  it('renders a clarification push: who clarified, the text and the link', () => {
    const id = messageParts(push(), 'id');
    expect(id).toMatchObject({
      kind: 'clarification',
      heading: 'Klarifikasi resmi: vaksin <chip> 5G',
      whyNow: 'Kemenkes RI mengklarifikasi isu "vaksin <chip> 5G".',
      clarification: { text: clarification.text, url: clarification.url },
    });
    // The pushed clarification is the message itself, not repeated in the list below it.
    expect(id.sections.map((s) => s.title)).toEqual(['Cek fakta terkait', 'Contoh unggahan']);
    const en = messageParts(push(), 'en');
    expect(en.heading).toBe('Official clarification: vaksin <chip> 5G');
    expect(en.whyNow).toBe('Kemenkes RI clarified the issue "vaksin <chip> 5G".');
  });

  it('renders a digest: how many issues, since when (WIB), one line and link per issue', () => {
    const newest = alertPayload().alert;
    const older = {
      ...alertPayload().alert,
      id: 'al_beras',
      issue: { ...newest.issue, id: 'iss_beras', title: 'beras plastik' },
      summary: { id: 'Isu "beras plastik" naik.', en: 'Issue "beras plastik" is rising.' },
    };
    const digest: AlertPayload = {
      alert: newest,
      type: 'digest',
      // 22:15 WIB on 29 November: when quiet hours began holding.
      digest: { alerts: [newest, older], heldSince: '2026-11-29T15:15:00.000Z' },
    };
    const id = messageParts(digest, 'id', { issueUrl });
    expect(id.kind).toBe('digest');
    expect(id.heading).toBe('Ringkasan peringatan: 2 isu');
    expect(id.whyNow).toMatch(
      /^Peringatan yang ditahan sejak 29 Nov 2026,? 22[.:]15 WIB \(jam tenang atau pengaturan ringkasan\)\.$/,
    );
    expect(id.sections).toEqual([
      {
        title: 'Isu',
        items: [
          { text: `vaksin <chip> 5G — ${newest.summary.id}`, url: issueUrl('iss_vaksin') },
          { text: 'beras plastik — Isu "beras plastik" naik.', url: issueUrl('iss_beras') },
        ],
      },
    ]);
    const en = messageParts(digest, 'en');
    expect(en.heading).toBe('Alert digest: 2 issues');
    expect(en.sections[0]?.items[1]).toEqual({ text: 'beras plastik — Issue "beras plastik" is rising.' });
    // Every channel lays it out: the Telegram text names both issues.
    expect(telegramHtml(id)).toContain('beras plastik');
  });

  it('shortens long posts on a word boundary', () => {
    expect(truncate('satu dua tiga empat lima', 14)).toBe('satu dua tiga…');
    expect(truncate('  banjir\n\nlagi  ', 50)).toBe('banjir lagi');
    const long = messageParts(alertPayload({ posts: [{ id: 'x', text: 'hoaks '.repeat(100) }] }));
    expect(long.sections[0]!.items[0]!.text.length).toBeLessThanOrEqual(200);
    expect(long.sections[0]!.items[0]!.text.endsWith('…')).toBe(true);
  });
});

describe('each channel lays the same parts out in its own format', () => {
  it('Telegram: HTML parse mode, every piece of text escaped', () => {
    expect(telegramHtml(messageParts(push(), 'id', { issueUrl }))).toBe(
      [
        '<b>Klarifikasi resmi: vaksin &lt;chip&gt; 5G</b>',
        'Kemenkes RI mengklarifikasi isu &quot;vaksin &lt;chip&gt; 5G&quot;.',
        '',
        '<blockquote>Vaksin yang beredar di puskesmas aman &amp; terdaftar di BPOM. Info &quot;chip&quot; di vaksin itu hoaks.</blockquote>',
        '<a href="https://sehatnegeriku.kemkes.go.id/baca/klarifikasi-vaksin">Baca klarifikasi</a>',
        '',
        '84 unggahan dalam 10 menit · 31 akun · 1.250 unggahan total · terindikasi terkoordinasi',
        'Skor hoaks tertinggi: 0,91 — alasan: Klaim kesehatan tanpa sumber; Huruf kapital berlebihan; Pertanyaan memancing',
        '',
        '<b>Cek fakta terkait</b>',
        '• <a href="https://turnbackhoax.id/2021/vaksin-chip">[SALAH] Vaksin COVID-19 Mengandung Chip 5G</a>',
        '',
        '<b>Contoh unggahan</b>',
        '• <a href="https://x.com/akun_a/status/1">WASPADA!!! vaksin booster ada chip 5G nya, jgn mau disuntik #tolakvaksin (x)</a>',
        '• Katanya di vaksin ada microchip buat lacak warga, bener gak sih? (facebook)',
        '• <a href="https://news.example.id/a">Kemenkes bantah isu chip dalam vaksin (news)</a>',
        '',
        '<a href="https://pantau.example.id/#/isu/iss_vaksin">Buka isu di Pantau</a>',
      ].join('\n'),
    );
  });

  it('Telegram: never links a non-http URL and stays within 4,096 characters', () => {
    const html = telegramHtml(
      messageParts(
        alertPayload({
          posts: Array.from({ length: 3 }, (_, i) => ({
            id: `p${i}`,
            text: `klik ${'x'.repeat(190)}`,
            url: 'javascript:alert(1)',
          })),
          summary: { id: 's'.repeat(3_990), en: 'e' },
        }),
      ),
    );
    expect(html).not.toContain('javascript:');
    expect(html.length).toBeLessThanOrEqual(4096);
  });

  it('Slack: Block Kit with header, why now, counts + hoax score, sections and the issue button', () => {
    const message = slackMessage(messageParts(alertPayload(), 'en', { issueUrl }));
    expect(message.text).toBe(
      'Rising issue: vaksin <chip> 5G — Issue "vaksin <chip> 5G" is rising: 84 posts in 10 minutes (usually 7).',
    );
    expect(message.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Rising issue: vaksin <chip> 5G', emoji: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'Issue "vaksin &lt;chip&gt; 5G" is rising: 84 posts in 10 minutes (usually 7).',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            '84 posts in 10 minutes · 31 accounts · 1,250 posts in total · looks coordinated\n' +
            'Highest hoax score: 0.91 — reasons: Unsourced health claim; Excessive capitals; Leading question',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*Related fact-checks*\n• <https://turnbackhoax.id/2021/vaksin-chip|[SALAH] Vaksin COVID-19 Mengandung Chip 5G>',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            '*Sample posts*\n' +
            '• <https://x.com/akun_a/status/1|WASPADA!!! vaksin booster ada chip 5G nya, jgn mau disuntik #tolakvaksin (x)>\n' +
            '• Katanya di vaksin ada microchip buat lacak warga, bener gak sih? (facebook)\n' +
            '• <https://news.example.id/a|Kemenkes bantah isu chip dalam vaksin (news)>',
        },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open the issue in Pantau' },
            url: 'https://pantau.example.id/#/isu/iss_vaksin',
          },
        ],
      },
    ]);
  });

  it('Slack: a clarification push quotes the text and links it', () => {
    const blocks = slackMessage(messageParts(push(), 'id')).blocks;
    expect(blocks[2]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          '>Vaksin yang beredar di puskesmas aman &amp; terdaftar di BPOM. Info "chip" di vaksin itu hoaks.\n' +
          '<https://sehatnegeriku.kemkes.go.id/baca/klarifikasi-vaksin|Baca klarifikasi>',
      },
    });
  });

  it('e-mail: a plain-text part and an escaped HTML part from the same parts', () => {
    const parts = messageParts(alertPayload({ version: 2, clarifications: [clarification] }), 'id', {
      issueUrl,
    });
    expect(plainText(parts)).toBe(
      [
        'Pembaruan isu: vaksin <chip> 5G',
        '',
        'Isu "vaksin <chip> 5G" sedang naik: 84 unggahan dalam 10 menit (biasanya 7).',
        '',
        '84 unggahan dalam 10 menit · 31 akun · 1.250 unggahan total · terindikasi terkoordinasi',
        'Skor hoaks tertinggi: 0,91 — alasan: Klaim kesehatan tanpa sumber; Huruf kapital berlebihan; Pertanyaan memancing',
        '',
        'Cek fakta terkait:',
        '- [SALAH] Vaksin COVID-19 Mengandung Chip 5G https://turnbackhoax.id/2021/vaksin-chip',
        '',
        'Contoh unggahan:',
        '- WASPADA!!! vaksin booster ada chip 5G nya, jgn mau disuntik #tolakvaksin (x) https://x.com/akun_a/status/1',
        '- Katanya di vaksin ada microchip buat lacak warga, bener gak sih? (facebook)',
        '- Kemenkes bantah isu chip dalam vaksin (news) https://news.example.id/a',
        '',
        'Klarifikasi resmi:',
        `- Kemenkes RI: ${clarification.text} ${clarification.url}`,
        '',
        'Buka isu di Pantau: https://pantau.example.id/#/isu/iss_vaksin',
        '',
      ].join('\n'),
    );
    const html = emailHtml(parts);
    expect(html).toContain('<h2>Pembaruan isu: vaksin &lt;chip&gt; 5G</h2>');
    expect(html).toContain('<h3>Klarifikasi resmi</h3>');
    expect(html).toContain(
      `<li><a href="${clarification.url}">Kemenkes RI: Vaksin yang beredar di puskesmas aman &amp; terdaftar di BPOM. Info &quot;chip&quot; di vaksin itu hoaks.</a></li>`,
    );
    expect(html).not.toContain('<chip>');
  });
});
