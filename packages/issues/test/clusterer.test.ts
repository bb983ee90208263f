import * as fs from 'node:fs';
import * as path from 'node:path';
import { createEnricher } from '@pantau/nlp-id';
import { IssueClusterer, clusterInputOf, runStream, shortTitle, urlKey, type ClusterInput } from '../src';

const enricher = createEnricher();
const T0 = Date.parse('2026-11-28T01:00:00Z');
let seq = 0;
function post(text: string, at = T0 + seq * 60_000): ClusterInput {
  seq += 1;
  return clusterInputOf({ id: `p${seq}`, text }, at, enricher.enrich(text));
}

/** Everyday chatter so idf has something to learn from (project-written). */
const chatter = [
  'Pagi ini macet parah di tol Cikampek, berangkat kerja jam 6 tetep telat',
  'Ada yang tau warung bakso enak di daerah Depok? pengen nyobain yg baru',
  'Hujan deres banget di Bekasi sore ini, jemuran gak kering2',
  'Timnas menang 2-0 semalam, mantap main ngotot dari awal',
  'Harga beras di pasar naik lagi, emak2 pada ngeluh',
  'Promo kopi susu 50% hari ini doang guys, buruan',
  'Anak gw baru masuk SD, seragamnya mahal juga ya ternyata',
  'Konser di GBK kemarin rame banget, pulangnya susah cari ojol',
];

describe('IssueClusterer', () => {
  it('puts two wordings of one hoax (different slang, same claim) in one issue', () => {
    const c = new IssueClusterer();
    for (const t of chatter) c.assign(post(t));
    const a = c.assign(
      post('SEBARKAN!!! Vaksin booster mengandung microchip 5G untuk melacak warga, sebelum dihapus!!'),
    );
    const b = c.assign(
      post('gila sih vaksin booster ada microchip 5G nya buat lacak kita2, jgn mau disuntik guys'),
    );
    expect(b.issueId).toBe(a.issueId);
    expect(b.via).toBe('similarity');
    const cabai = c.assign(post('Harga cabai rawit tembus 80rb sekilo di pasar Kramat Jati'));
    expect(cabai.issueId).not.toBe(a.issueId);
  });

  it('keeps a story that drew many posts active longer than a lone post', () => {
    // Reworded posts of one claim (the same story, not copies: MinHash must not link them).
    const wordings = [
      'Beredar kabar beras plastik dijual di Toko Tani Indonesia, warga diminta waspada',
      'beras plastik katanya ada di toko tani, hati2 pas beli beras ya gaes',
      'Toko Tani Indonesia jual beras plastik? cek dulu sebelum beli berasnya',
      'viral beras plastik di Toko Tani, bener gak sih ini beras palsu',
    ];
    const later = 'Masih soal beras plastik Toko Tani, warga ramai menanyakan keaslian beras';
    function afterQuiet(posts: number, quietMs: number) {
      const c = new IssueClusterer();
      for (const t of chatter) c.assign(post(t));
      let issueId = '';
      for (let i = 0; i < posts; i += 1) {
        const a = c.assign(post(wordings[i % wordings.length]!, T0 + i * 60_000));
        issueId ||= a.issueId;
      }
      return c.assign(post(later, T0 + posts * 60_000 + quietMs)).issueId === issueId;
    }
    // 40 h after its last post: past the 36 h window of a lone post, inside the ~64 h of 4 posts.
    expect(afterQuiet(1, 40 * 3600_000)).toBe(false);
    expect(afterQuiet(4, 40 * 3600_000)).toBe(true);
    // Nothing stays active for ever.
    expect(afterQuiet(4, 80 * 3600_000)).toBe(false);
  });

  it('asks more of a post the longer the issue has been quiet', () => {
    const first = 'Beredar kabar beras plastik dijual di Toko Tani Indonesia, warga diminta waspada';
    const reworded = 'Toko Tani Indonesia jual beras plastik? cek dulu sebelum beli berasnya';
    function joinsAfter(quietMs: number, quietPenalty: number) {
      const c = new IssueClusterer({ quietPenalty, quietRampMs: 24 * 3600_000 });
      for (const t of chatter) c.assign(post(t));
      const a = c.assign(post(first, T0));
      const b = c.assign(post(reworded, T0 + quietMs));
      return { joined: b.issueId === a.issueId, similarity: b.via === 'similarity' ? b.similarity : null };
    }
    const soon = joinsAfter(60_000, 0.5);
    expect(soon.joined).toBe(true);
    // A day later the same wording needs similarity ≥ threshold + the full penalty: 0.65 here.
    expect(soon.similarity!).toBeLessThan(0.15 + 0.5);
    expect(joinsAfter(24 * 3600_000, 0.5).joined).toBe(false);
    expect(joinsAfter(24 * 3600_000, 0).joined).toBe(true);
    // Half way through the ramp, half the penalty.
    expect(joinsAfter(12 * 3600_000, 2 * (soon.similarity! - 0.15) - 0.02).joined).toBe(true);
  });

  it('refuses a join that rests on one shared word once the issue has gone quiet (maxOneKeyShare)', () => {
    function joins(maxOneKeyShare: number, oneKeyQuietMs: number, quietMs: number) {
      const c = new IssueClusterer({ threshold: 0.1, maxOneKeyShare, oneKeyQuietMs });
      for (const t of chatter) c.assign(post(t));
      const at = T0 + seq * 60_000;
      const price = c.assign(post('Harga beras di pasar induk naik lagi, pedagang mengeluh', at));
      const hoax = c.assign(
        post(
          'Beredar kabar beras plastik dijual di Toko Tani Indonesia, warga diminta waspada',
          at + quietMs,
        ),
      );
      return hoax.issueId === price.issueId;
    }
    // "beras" alone carries the similarity over the (low) threshold …
    expect(joins(1, 0, 60_000)).toBe(true);
    // … which the rule refuses, always (quiet 0) …
    expect(joins(0.8, 0, 60_000)).toBe(false);
    // … or only once the issue has been quiet for oneKeyQuietMs (30 min here; an hour as shipped): a
    // minute after the last post the story may still be going on around that word; two hours later
    // it is chatter.
    expect(joins(0.8, 30 * 60_000, 60_000)).toBe(true);
    expect(joins(1, 0, 2 * 3600_000)).toBe(true);
    expect(joins(0.8, 30 * 60_000, 2 * 3600_000)).toBe(false);
  });

  it('measures activity both ways in stream time: a post from days before an issue does not join it', () => {
    const c = new IssueClusterer({ activeMs: 6 * 3600_000 });
    const day = 24 * 3600_000;
    const later = c.assign(
      post('Jembatan Suramadu ditutup total mulai besok karena retak, kata Dishub Jatim', T0 + 10 * day),
    );
    // Other wordings (not copies, which join whenever they come): a file sorted by topic, or a late
    // backfill, goes back in time, and days before the issue are as far as days after it.
    const earlier = c.assign(post('Info dari Dishub Jatim: Suramadu retak, jembatan ditutup total', T0));
    expect(earlier.issueId).not.toBe(later.issueId);
    const after = c.assign(post('Suramadu ditutup total krn retak? Dishub Jatim bilang gitu', T0 + 20 * day));
    expect(after.issueId).not.toBe(later.issueId);
    // Near the issue's span, on either side, it joins.
    const near = c.assign(
      post('Dishub Jatim: jembatan Suramadu retak, ditutup total mulai besok', T0 + 10 * day - 3600_000),
    );
    expect(near.issueId).toBe(later.issueId);
  });

  it('lets a new story find itself after months of quiet issues that used its words', () => {
    // Nomination skips words held by more than `nominateLimit` issues; counting issues that went quiet
    // long ago too, every word a few months of stream had used stopped nominating, and the posts of a
    // new story ("makan babi") could not find each other.
    const c = new IssueClusterer({ nominateLimit: 3 });
    const day = 24 * 3600_000;
    const input = (id: string, at: number, terms: string[], bands?: string[]): ClusterInput => ({
      id,
      at,
      terms,
      ...(bands ? { bands } : {}),
    });
    const old = [0, 1, 2, 3, 4, 5].map((i) =>
      c.assign(
        input(`old${i}`, T0 + i * 3 * day, ['makan', 'babi', `a${i}`, `b${i}`, `c${i}`], [`0:old${i}`]),
      ),
    );
    // A month of other posts later (enough posts for the quiet issues to be swept out).
    for (let i = 0; i < 1_000; i++) c.assign(input(`other${i}`, T0 + 30 * day + i, [`x${i}`, `y${i}`]));
    const first = c.assign(input('new1', T0 + 31 * day, ['makan', 'babi', 'ogah']));
    const second = c.assign(input('new2', T0 + 31 * day + 60_000, ['makan', 'babi', 'grace']));
    expect(second.issueId).toBe(first.issueId);
    // A quiet issue still comes back through a copy, and its words find it again afterwards.
    const copy = c.assign(input('copy0', T0 + 31 * day + 120_000, ['a0', 'b0', 'c0'], ['0:old0']));
    expect(copy).toMatchObject({ issueId: old[0]!.issueId, via: 'near-duplicate' });
    const after = c.assign(input('after0', T0 + 31 * day + 180_000, ['a0', 'b0', 'c0', 'kemarin']));
    expect(after).toMatchObject({ issueId: old[0]!.issueId, via: 'similarity' });
  });

  it('names an issue by its heaviest centroid terms, heaviest first, ties by name', () => {
    const c = new IssueClusterer();
    for (const t of chatter) c.assign(post(t));
    const a = c.assign(post('Jembatan gantung di Lebak putus, tiga warga hanyut, tim SAR cari korban'));
    c.assign(post('jembatan gantung lebak putus lagi, warga hanyut, SAR masih cari korban hanyut'));
    const words = c.keywords(a.issueId, 5);
    expect(words).toHaveLength(5);
    // The same ranking a full sort of the centroid gives (the centroid read back through keywords(…, all)).
    const all = c.keywords(a.issueId, 1_000);
    expect(words).toEqual(all.slice(0, 5));
    expect(all.length).toBeGreaterThan(5);
    expect(words).toEqual(expect.arrayContaining(['hanyut']));
    expect(c.keywords(a.issueId, 0)).toEqual([]);
    expect(c.keywords('is_unknown')).toEqual([]);
  });

  it('does not join two unrelated posts that share only a hashtag', () => {
    const c = new IssueClusterer();
    for (const t of chatter) c.assign(post(t));
    const a = c.assign(post('Banjir setinggi lutut di Kampung Melayu, warga mulai mengungsi #InfoJakarta'));
    const b = c.assign(
      post('Konser amal akhir pekan ini di Taman Ismail Marzuki, tiket gratis #InfoJakarta'),
    );
    expect(b.issueId).not.toBe(a.issueId);
  });

  it('keeps posts too thin to tell a story (one word, a bare link or mention, no words) out of every issue', () => {
    const c = new IssueClusterer();
    for (const t of chatter) c.assign(post(t));
    const thin = ['mantap', 'Mantap', 'wkwkwk', 'wkwkwk', '@jokowi', '@jokowi', 'https://t.co/Qx81', '😂😂'];
    const issues = thin.map((t) => c.assign(post(t)));
    expect(new Set(issues.map((a) => a.issueId)).size).toBe(thin.length);
    expect(issues.every((a) => a.via === 'founded')).toBe(true);
    // Even sharing band keys (as texts without words did before they got none), they are not copies.
    const noWords = (id: string): ClusterInput => ({
      id,
      at: T0,
      terms: [],
      bands: ['0:same', '1:same'],
      text: '🙏',
    });
    expect(c.assign(noWords('e1')).issueId).not.toBe(c.assign(noWords('e2')).issueId);
    // Two words are enough: the same short claim from two accounts is one issue.
    const a = c.assign(post('Jokowi PKI!!'));
    expect(c.assign(post('jokowi pki')).issueId).toBe(a.issueId);
  });

  it('keys a link by what it points to: sharing parameters dropped, the video or post id kept', () => {
    expect(urlKey('https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s&si=Xy1')).toBe(
      urlKey('http://m.youtube.com/watch?v=dQw4w9WgXcQ'),
    );
    expect(urlKey('https://youtube.com/watch?v=dQw4w9WgXcQ')).not.toBe(
      urlKey('https://youtube.com/watch?v=Zk3bQ7pL2aA'),
    );
    expect(urlKey('https://WWW.Detik.com/news/d-7012345/judul/?utm_source=twitter#komentar')).toBe(
      'url:detik.com/news/d-7012345/judul',
    );
    expect(urlKey('https://t.co/AbCdE12')).not.toBe(urlKey('https://t.co/abcde12'));
    expect(urlKey('https://www.kompas.com/')).toBe('');
  });

  it('does not join posts that link different videos of one site, nor posts that link a front page', () => {
    const c = new IssueClusterer();
    for (const t of chatter) c.assign(post(t));
    const a = c.assign(post('Ngakak liat ini https://www.youtube.com/watch?v=Qm4kT2Lx9aB'));
    const b = c.assign(post('Sedih bgt nonton ini https://www.youtube.com/watch?v=Hh7Yp0Wc3dE'));
    expect(b.issueId).not.toBe(a.issueId);
    const x = c.assign(post('Baru baca berita pagi https://www.kompas.com'));
    const y = c.assign(post('Update harga cabai hari ini https://www.kompas.com'));
    expect(y.issueId).not.toBe(x.issueId);
  });

  it('links a copy to its original as a near-duplicate, even when the issue has gone quiet', () => {
    const c = new IssueClusterer({ activeMs: 3600_000 });
    const text = 'Beredar pesan berantai: bantuan sosial Rp 2,5 juta cair besok, daftar lewat link ini';
    const first = c.assign(post(text, T0));
    const copy = c.assign(post(`${text}!!`, T0 + 5 * 3600_000));
    expect(copy).toMatchObject({
      issueId: first.issueId,
      via: 'near-duplicate',
      nearDuplicateOf: 'p' + (seq - 1),
    });
  });

  it('gives a replayed post the issue it had, and derives issue ids from the founding post', () => {
    const c = new IssueClusterer();
    const p = post('Gempa M5,6 guncang Cianjur, warga berhamburan keluar rumah');
    const first = c.assign(p);
    expect(c.assign(p)).toMatchObject({ issueId: first.issueId, via: 'known' });
    const again = new IssueClusterer().assign(p);
    expect(again.issueId).toBe(first.issueId);
  });

  it('rebuilds the same issues from learnt posts (a restarted assigner)', () => {
    const a = new IssueClusterer();
    const posts = [
      post('Jembatan gantung di Lebak putus, puluhan siswa terpaksa menyeberang sungai'),
      post('Warga Lebak minta jembatan gantung yang putus segera diperbaiki, siswa menyeberang sungai'),
    ];
    const ids = posts.map((p) => a.assign(p).issueId);
    const b = new IssueClusterer();
    posts.forEach((p, i) => b.learn(p, ids[i]!));
    const next = post('Jembatan gantung Lebak putus, anak sekolah nyebrang sungai tiap hari, miris');
    expect(b.assign(next).issueId).toBe(ids[0]);
  });

  it('continues an issue restored from its document when none of its posts were replayed', () => {
    const a = new IssueClusterer();
    const story = [
      'Jembatan gantung di Lebak putus, puluhan siswa terpaksa menyeberang sungai',
      'Warga Lebak minta jembatan gantung yang putus segera diperbaiki, siswa menyeberang sungai',
      'jembatan gantung lebak ambruk lagi, kasian bocah2 sekolah nyebrang kali',
    ].map((t) => post(t));
    // What the detector keeps in the issue document: the issue's keywords counted post by post.
    const termCounts = new Map<string, number>();
    let issueId = '';
    for (const p of story) {
      issueId = a.assign(p).issueId;
      for (const k of a.keywords(issueId)) termCounts.set(k, (termCounts.get(k) ?? 0) + 1);
    }
    // The restarted assigner replays only the newest posts: chatter, none of the story's.
    const b = new IssueClusterer();
    chatter.forEach((t) => b.learn(post(t), `is_chatter_${t.length}`));
    const doc = {
      id: issueId,
      title: 'Jembatan gantung di Lebak putus',
      terms: [...termCounts],
      posts: story.length,
      firstAt: story[0]!.at,
      lastAt: story[story.length - 1]!.at,
    };
    expect(b.restoreIssue(doc)).toBe(true);
    expect(b.restoreIssue(doc)).toBe(false); // known already: left as it is
    // Never at the cost of an issue rebuilt from posts: a full assigner restores nothing more.
    const small = new IssueClusterer({ maxIssues: 1 });
    small.learn(post(chatter[0]!), 'is_macet');
    expect(small.restoreIssue(doc)).toBe(false);
    expect(small.size).toBe(1);
    const next = b.assign(
      post('Jembatan gantung Lebak putus, anak sekolah nyebrang sungai tiap hari, miris'),
    );
    expect(next).toMatchObject({ issueId, via: 'similarity' });
    expect(b.assign(post('Harga cabai rawit tembus 80rb sekilo di pasar Kramat Jati')).issueId).not.toBe(
      issueId,
    );
    // Without the document the same post founds the story again under a new id.
    const c = new IssueClusterer();
    chatter.forEach((t) => c.learn(post(t), `is_chatter_${t.length}`));
    expect(c.assign(post('Jembatan gantung Lebak putus, siswa nyebrang sungai tiap hari')).issueId).not.toBe(
      issueId,
    );
  });

  it('titles an issue with its most representative post, shortened at a word', () => {
    expect(shortTitle('a '.repeat(100) + 'akhir', 20)).toMatch(/…$/);
    expect(shortTitle('Cek https://t.co/abc   sekarang')).toBe('Cek sekarang');
    // Every run of whitespace, whatever it is made of, becomes one space.
    expect(shortTitle(' Banjir\tdi  Kemang\r\n\nhari ini\u00a0#infojakarta \u3000')).toBe(
      'Banjir di Kemang hari ini #infojakarta',
    );
    expect(shortTitle('Rilis resmi BMKG')).toBe('Rilis resmi BMKG');
  });
});

describe('no mega-issue on unrelated real text (IndoNLU SmSA, ../shared/data)', () => {
  const file = path.resolve(__dirname, '../../../../shared/data/text/indonlu-smsa-train.tsv');
  // The shared data sits beside the repository in development and in CI; it is never copied in.
  if (!fs.existsSync(file))
    throw new Error(`${file} is missing: this test needs ../shared/data beside the repo`);
  const texts = fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(0, 5000)
    .map((l) => l.split('\t')[0]!);
  const stream = (tag: string) =>
    texts.map((text, i) => ({
      id: `smsa-${i}`,
      text: tag ? `${text} ${tag}` : text,
      publishedAt: new Date(T0 + i * 20_000).toISOString(),
    }));

  it.each([
    ['without a shared hashtag', ''],
    ['with one hashtag on every text', '#infojakarta'],
  ])('keeps every issue under 5 %% of 5,000 reviews %s', (_name, tag) => {
    const { summary } = runStream(stream(tag), { tickMs: 60_000 });
    expect(summary.posts).toBe(5000);
    expect(summary.largestIssueShare).toBeLessThan(0.05);
  });
});
