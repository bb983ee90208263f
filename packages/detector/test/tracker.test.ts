import { ManualClock, issueIdFor, type EnrichedPost } from '@pantau/core';
import { DEFAULT_DETECTOR_SETTINGS, IssueTracker } from '../src';

const MIN = 60_000;
const T0 = Date.parse('2026-11-28T00:00:00Z');
let seq = 0;

function post(issueId: string, at: number, extra: Partial<EnrichedPost> = {}): EnrichedPost {
  seq += 1;
  return {
    v: 1,
    id: `p${seq}`,
    source: 'x',
    sourceId: String(seq),
    text: 'Beredar video banjir bandang di Garut, warga diminta waspada',
    publishedAt: new Date(at).toISOString(),
    fetchedAt: new Date(at).toISOString(),
    author: { handle: `akun${seq}` },
    normalizedText: '',
    language: 'id',
    terms: ['banjir', 'bandang', 'garut'],
    hashtags: [],
    mentions: [],
    domains: [],
    entities: [],
    signature: [`sig${seq}`],
    issueId,
    issueTerms: ['banjir', 'garut'],
    hoaxScore: 0.1,
    signals: [],
    modelVersion: 't',
    watchlistIds: [],
    claimMatches: [],
    enrichedAt: new Date(at).toISOString(),
    ...extra,
  };
}

describe('IssueTracker', () => {
  let clock: ManualClock;
  let tracker: IssueTracker;
  beforeEach(() => {
    clock = new ManualClock(T0);
    tracker = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
  });

  const feed = (issueId: string, n: number, extra: Partial<EnrichedPost> = {}) => {
    for (let i = 0; i < n; i++) tracker.observe(post(issueId, clock.now(), extra));
    return tracker.evaluate([issueId]);
  };

  it('marks a sudden burst of a brand-new issue as rising at once', () => {
    const events = feed('banjir', 12);
    expect(events.map((e) => e.type)).toEqual(['rising']);
    expect(events[0]).toMatchObject({ windowCount: 12, baseline: 0, total: 12 });
  });

  it('counts the founder of an issue it meets mid-way (a singleton before a restart, no document) once', () => {
    // A one-post issue gets no document: a detector restarted after its first post (or one that let the
    // quiet issue leave memory) meets it at its second post. Its id says which post founded it.
    const founder = { ...post('', clock.now()), id: 'p-founder' };
    const issueId = issueIdFor(founder.id);
    founder.issueId = issueId;
    const before = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    expect(before.observe(founder)).toBe(true);
    expect(before.document(issueId)!.count).toBe(1);

    const restarted = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    restarted.observe(post(issueId, clock.now()));
    expect(restarted.document(issueId)!.count).toBe(2);
    // The assumption outlives one more restart (kept in the document's working state).
    const again = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    again.restore(restarted.document(issueId)!);
    again.observe(founder);
    expect(again.document(issueId)!.count).toBe(2);
    // The founder after all (a scorer's replay, or a message that overtook it): not a third post.
    restarted.observe(founder);
    expect(restarted.document(issueId)!.count).toBe(2);
    restarted.observe(post(issueId, clock.now()));
    expect(restarted.document(issueId)!.count).toBe(3);
    // An issue met at its founder starts at one, as always.
    const fresh = { ...post('', clock.now()), id: 'p-fresh' };
    fresh.issueId = issueIdFor(fresh.id);
    restarted.observe(fresh);
    expect(restarted.document(fresh.issueId)!.count).toBe(1);
  });

  it('calls a small new issue new, not rising', () => {
    expect(feed('kecil', 1)).toEqual([]);
    clock.advance(MIN);
    expect(feed('kecil', 1).map((e) => e.type)).toEqual(['new']);
    clock.advance(MIN);
    expect(feed('kecil', 1)).toEqual([]);
  });

  it('lets a quick start rise: 3 accounts within a minute on an issue with no usual level', () => {
    expect(feed('cepat', 2).map((e) => e.type)).toEqual(['new']);
    const events = feed('cepat', 1);
    expect(events.map((e) => e.type)).toEqual(['rising']);
    expect(events[0]).toMatchObject({ windowCount: 3, baseline: 0 });
    // One account posting three times is not a quick start.
    const sameAuthor = { author: { handle: 'akun_sendiri' } };
    expect(feed('satu-akun', 3, sameAuthor).map((e) => e.type)).toEqual(['new']);
    // Off when quickMinCount is 0: three posts wait for the window rule (5).
    const off = new IssueTracker({ ...DEFAULT_DETECTOR_SETTINGS, quickMinCount: 0 }, clock);
    for (let i = 0; i < 3; i++) off.observe(post('pelan', clock.now()));
    expect(off.evaluate(['pelan']).map((e) => e.type)).toEqual(['new']);
  });

  it('shows what is rising now: the event of an old story quotes its new posts, one per wording', () => {
    // Ten posts three hours ago (the issue's first posts stay its document's samples) …
    const old = Array.from({ length: 10 }, () => post('beras', clock.now()));
    old.forEach((p) => tracker.observe(p));
    tracker.evaluate(['beras']);
    clock.advance(3 * 3600_000);
    expect(tracker.evaluate(['beras']).map((e) => e.type)).toEqual(['cooled']);
    clock.advance(10 * MIN);
    // … then a new rice story: two wordings copied by many accounts, and three more.
    const first = post('beras', clock.now(), { text: 'Beras plastik beredar di pasar Cipinang!!' });
    const second = post('beras', clock.now(), {
      text: 'Awas beras sintetis di Toko Tani, cek sebelum masak',
    });
    const fresh = [
      first,
      ...Array.from({ length: 4 }, () => post('beras', clock.now(), { nearDuplicateOf: first.id })),
      second,
      ...Array.from({ length: 4 }, () => post('beras', clock.now(), { nearDuplicateOf: second.id })),
      ...Array.from({ length: 3 }, () => post('beras', clock.now())),
    ];
    fresh.forEach((p) => tracker.observe(p));
    const [rising] = tracker.evaluate(['beras']).filter((e) => e.type === 'rising');
    expect(rising).toBeDefined();
    expect(rising!.samplePostIds).toEqual([first.id, second.id, ...fresh.slice(-3).map((p) => p.id)]);
    expect(tracker.document('beras')!.samplePostIds).toEqual(old.slice(0, 5).map((p) => p.id));
    // A quiet issue's later events (cooled) fall back on its first posts.
    clock.advance(2 * 3600_000);
    const cooled = tracker.evaluate(['beras']).find((e) => e.type === 'cooled');
    expect(cooled?.samplePostIds).toEqual(old.slice(0, 5).map((p) => p.id));
  });

  it('counts a quick start over the last minute of stream time, not within one clock minute', () => {
    // Posts at :20, :38 and 1:07 — three accounts within 47 s, across a minute boundary: rising at the third.
    const at = (s: number) => {
      clock.set(T0 + s * 1000);
      tracker.observe(post('lintas-menit', clock.now()));
      return tracker.evaluate(['lintas-menit']).map((e) => e.type);
    };
    expect(at(20)).toEqual([]);
    expect(at(38)).toEqual(['new']);
    expect(at(67)).toEqual(['rising']);
    // Three accounts spread over more than a minute are not a quick start (the window rule wants 4).
    const slow = (s: number) => {
      clock.set(T0 + 3_600_000 + s * 1000);
      tracker.observe(post('tersebar', clock.now()));
      return tracker.evaluate(['tersebar']).map((e) => e.type);
    };
    expect([...slow(0), ...slow(35), ...slow(75)]).toEqual(['new']);
  });

  it('keeps the quick rules for a start: an old story copied twice in a minute does not rise', () => {
    function copiedLater(settings: typeof DEFAULT_DETECTOR_SETTINGS) {
      const t = new IssueTracker(settings, clock);
      // Twelve posts an hour apart: a story with a history but no usual level in the last hour.
      for (let i = 0; i < 12; i++) {
        clock.advance(3_600_000);
        t.observe(post('lama', clock.now()));
      }
      t.evaluate(['lama']);
      clock.advance(3_600_000);
      const line = post('lama', clock.now());
      t.observe(line);
      clock.advance(20_000);
      t.observe(post('lama', clock.now(), { nearDuplicateOf: line.id }));
      return t.evaluate(['lama']).map((e) => e.type);
    }
    expect(DEFAULT_DETECTOR_SETTINGS.quickMaxPrior).toBeGreaterThan(0);
    expect(copiedLater(DEFAULT_DETECTOR_SETTINGS)).not.toContain('rising');
    expect(copiedLater({ ...DEFAULT_DETECTOR_SETTINGS, quickMaxPrior: 0 })).toContain('rising');
  });

  it('lets copies rise: one text posted by two accounts within a minute, none before', () => {
    const original = post('salin', clock.now());
    tracker.observe(original);
    expect(tracker.evaluate(['salin'])).toEqual([]);
    clock.advance(40_000);
    tracker.observe(post('salin', clock.now(), { nearDuplicateOf: original.id }));
    const events = tracker.evaluate(['salin']);
    expect(events.map((e) => e.type)).toEqual(['rising']);
    expect(events[0]!.reason).toContain('2 accounts posted the same text within 1 min');
    expect(events[0]!.reasonId).toContain('2 akun mengunggah teks yang sama dalam 1 menit');

    // Not a copy: two different posts of one new issue are just new.
    const a = post('beda', clock.now());
    tracker.observe(a);
    tracker.observe(post('beda', clock.now()));
    expect(tracker.evaluate(['beda']).map((e) => e.type)).toEqual(['new']);
    // A copy by the same account, or a copy two minutes later, is not a quick start either.
    const own = post('sendiri', clock.now(), { author: { handle: 'akun_sendiri' } });
    tracker.observe(own);
    tracker.observe(
      post('sendiri', clock.now(), { author: { handle: 'akun_sendiri' }, nearDuplicateOf: own.id }),
    );
    expect(tracker.evaluate(['sendiri']).map((e) => e.type)).toEqual(['new']);
    const early = post('lambat', clock.now());
    tracker.observe(early);
    clock.advance(2 * MIN);
    tracker.observe(post('lambat', clock.now(), { nearDuplicateOf: early.id }));
    expect(tracker.evaluate(['lambat', 'sendiri', 'beda']).map((e) => e.type)).toEqual(['new']);
    // Off when quickCopyMinAuthors is 0.
    const off = new IssueTracker({ ...DEFAULT_DETECTOR_SETTINGS, quickCopyMinAuthors: 0 }, clock);
    const first = post('mati', clock.now());
    off.observe(first);
    off.observe(post('mati', clock.now(), { nearDuplicateOf: first.id }));
    expect(off.evaluate(['mati']).map((e) => e.type)).toEqual(['new']);
  });

  it("lets a story in pieces rise: a rare word in three accounts' posts across issues within a minute", () => {
    const inPieces = (settings: typeof DEFAULT_DETECTOR_SETTINGS, olderPiece = false) => {
      const t = new IssueTracker(settings, clock);
      // An hour of everyday chatter, one post a minute, each its own issue: the stream's words.
      const everyday = ['macet', 'hujan', 'makan', 'kerja', 'harga', 'kopi'];
      for (let m = 0; m < 60; m++) {
        t.observe(post(`obrolan-${m}`, clock.now(), { terms: [everyday[m % 6]!, `kata${m}`] }));
        clock.advance(MIN);
      }
      t.evaluate();
      if (olderPiece) {
        // The piece that would hold most of the word's posts began an hour ago.
        t.observe(post('kpps-lama', clock.now() - 50 * MIN, { terms: ['kpps', 'meninggal'] }));
      }
      const types: { issueId: string; type: string; reason?: string }[] = [];
      const story = [
        ['kpps-lama', 'Ada dokter bilang petugas KPPS banyak yg meninggal karena diracun'],
        ['kpps-racun', 'Fahri: petugas KPPS meninggal kemungkinan diracun'],
        ['kpps-racun', 'Isu KPPS diracun makin rame, ada yg punya datanya?'],
      ] as const;
      for (const [issueId, text] of story) {
        clock.advance(15_000);
        t.observe(post(issueId, clock.now(), { text, terms: ['kpps', 'racun', 'meninggal'] }));
        types.push(
          ...t.evaluate([issueId]).map((e) => ({ issueId: e.issueId, type: e.type, reason: e.reason })),
        );
      }
      return types.filter((e) => e.type === 'rising');
    };
    expect(DEFAULT_DETECTOR_SETTINGS.quickTermChance).toBeGreaterThan(0);
    const rising = inPieces(DEFAULT_DETECTOR_SETTINGS);
    // The newest piece, with two of the three posts, rises on the third post (no piece has three).
    expect(rising.map((e) => e.issueId)).toEqual(['kpps-racun']);
    expect(rising[0]!.reason).toMatch(
      /"(kpps|racun|meninggal)" in 3 posts by 3 accounts within 1 min, across 2 issues/,
    );
    // Off: no piece has the three posts of the quick rule yet.
    expect(inPieces({ ...DEFAULT_DETECTOR_SETTINGS, quickTermChance: 0 })).toEqual([]);
    // A piece that began before the window does not rise on a word burst.
    expect(inPieces(DEFAULT_DETECTOR_SETTINGS, true).map((e) => e.issueId)).not.toContain('kpps-lama');
  });

  it('does not call copies of an old text a start: a headline of this morning copied again by two accounts', () => {
    const copiedAgain = (settings: typeof DEFAULT_DETECTOR_SETTINGS) => {
      const t = new IssueTracker(settings, clock);
      const headline = post('judul-lama', clock.now(), {
        text: 'BPN Prabowo-Sandi Tidak Rekrut Hotman Paris',
        author: { handle: 'portalberita' },
      });
      t.observe(headline);
      t.evaluate(['judul-lama']);
      clock.advance(7 * 3600_000);
      const types: string[] = [];
      for (const handle of ['beritaterkini', 'kabarpilpres']) {
        t.observe(
          post('judul-lama', clock.now(), {
            text: headline.text,
            author: { handle },
            nearDuplicateOf: headline.id,
          }),
        );
        types.push(...t.evaluate(['judul-lama']).map((e) => e.type));
        clock.advance(20_000);
      }
      return types;
    };
    expect(DEFAULT_DETECTOR_SETTINGS.quickCopyFreshOnly).toBe(true);
    expect(copiedAgain(DEFAULT_DETECTOR_SETTINGS)).not.toContain('rising');
    // Counting every copy, old texts included, it would have risen on two posts.
    expect(copiedAgain({ ...DEFAULT_DETECTOR_SETTINGS, quickCopyFreshOnly: false })).toContain('rising');
  });

  it('judges an issue against its own baseline: steady chatter settles, a jump over it rises', () => {
    // 4 posts a minute for two hours: busy but steady. Its start is a burst from nothing, but once its
    // baseline catches up it cools and stays quiet.
    const lateEvents: string[] = [];
    for (let m = 0; m < 130; m++) {
      const events = feed('macet', 4).map((e) => e.type);
      if (m >= 70) lateEvents.push(...events); // once a full baseline period has passed
      clock.advance(MIN);
    }
    expect(lateEvents).toEqual([]);
    const steady = tracker.document('macet')!;
    expect(steady.status).toBe('cooled');
    expect(steady.baseline).toBeGreaterThan(15);
    // Then 30 a minute: far above its own normal.
    let events = feed('macet', 30);
    clock.advance(MIN);
    events = events.concat(feed('macet', 30));
    expect(events.map((e) => e.type)).toContain('rising');
  });

  it('escalates, peaks and cools as the window moves on', () => {
    expect(feed('hoaks', 6).map((e) => e.type)).toEqual(['rising']);
    clock.advance(MIN);
    expect(feed('hoaks', 10).map((e) => e.type)).toEqual(['rising']); // 16 ≥ 2 × 6: escalation
    clock.advance(5 * MIN); // the burst leaves the window
    const later = tracker.evaluate();
    expect(later.map((e) => e.type)).toEqual(['cooled']);
  });

  it('carries an issue across a restart through its document', () => {
    expect(feed('restart', 12).map((e) => e.type)).toEqual(['rising']);
    const doc = JSON.parse(JSON.stringify(tracker.document('restart'))); // as stored in OpenSearch
    const restarted = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    expect(restarted.has('restart')).toBe(false);
    restarted.restore(doc);
    // Still rising, same counts: a few more posts are no new event, and the window keeps the history.
    for (let i = 0; i < 3; i++) restarted.observe(post('restart', clock.now()));
    expect(restarted.evaluate(['restart'])).toEqual([]);
    expect(restarted.document('restart')).toMatchObject({ status: 'rising', count: 15, windowCount: 15 });
    // A fresh tracker without the document would have called the same posts a brand-new burst.
    const forgetful = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    for (let i = 0; i < 3; i++) forgetful.observe(post('restart', clock.now()));
    expect(forgetful.document('restart')!.count).toBe(3);
  });

  it('counts distinct accounts across a restart, from new documents and from older ones that kept handles', () => {
    const by = (handle: string) => ({ author: { handle } });
    for (const h of ['bu_rina', 'pak_dedi', 'bu_rina', 'mas_yoga'])
      tracker.observe(post('akun', clock.now(), by(h)));
    tracker.evaluate(['akun']);
    const doc = JSON.parse(JSON.stringify(tracker.document('akun')));
    expect(doc.distinctAuthors).toBe(3);
    // The document keeps hashes, not handles.
    expect(JSON.stringify(doc.state.authors)).not.toContain('bu_rina');
    const restarted = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    restarted.restore(doc);
    restarted.observe(post('akun', clock.now(), by('pak_dedi'))); // seen before the restart
    restarted.observe(post('akun', clock.now(), by('kang_asep'))); // new
    restarted.evaluate(['akun']);
    expect(restarted.document('akun')!.distinctAuthors).toBe(4);
    // A document written before hashes held "source:handle" strings: it restores the same way.
    const older = { ...doc, state: { ...doc.state, authors: ['x:bu_rina', 'x:pak_dedi', 'x:mas_yoga'] } };
    const fromOlder = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    fromOlder.restore(older);
    fromOlder.observe(post('akun', clock.now(), by('mas_yoga')));
    fromOlder.evaluate(['akun']);
    expect(fromOlder.document('akun')!.distinctAuthors).toBe(3);
  });

  it('does not count a post twice when it is delivered again', () => {
    const p = post('ulang', clock.now());
    expect(tracker.observe(p)).toBe(true);
    expect(tracker.observe({ ...p })).toBe(false);
    expect(tracker.document('ulang')!.count).toBe(1);
  });

  it('ignores the publication time of old posts for bursts (clamped to the horizon)', () => {
    const old = clock.now() - 3 * 24 * 3600_000;
    for (let i = 0; i < 20; i++) tracker.observe(post('arsip', old + i));
    expect(tracker.evaluate(['arsip']).map((e) => e.type)).toEqual(['new']);
  });

  it('flags coordination: many accounts posting the same text in one window', () => {
    const events = feed('copas', 8, { nearDuplicateOf: 'asal' });
    expect(events[0]!.coordinated).toBe(true);
    expect(events[0]!.distinctAuthors).toBe(8);
    expect(feed('beda', 8)[0]!.coordinated).toBe(false);
    // A campaign rotating four variants is still one campaign.
    const variants = ['v1', 'v2', 'v3', 'v4'];
    let i = 0;
    for (; i < 12; i++) tracker.observe(post('rotasi', clock.now(), { nearDuplicateOf: variants[i % 4] }));
    expect(tracker.evaluate(['rotasi'])[0]!.coordinated).toBe(true);
  });

  it('carries hoax share and watchlists into the event', () => {
    tracker.observe(post('vaksin', clock.now(), { hoaxScore: 0.9, watchlistIds: ['wl_a'] }));
    const events = feed('vaksin', 5, { hoaxScore: 0.2, watchlistIds: ['wl_b'] });
    expect(events[0]!.hoaxShare).toBeCloseTo(1 / 6);
    expect(events[0]!.watchlistIds.sort()).toEqual(['wl_a', 'wl_b']);
  });

  it('carries the topic mix of an issue’s posts on its events and its document, and restores it', () => {
    const bencana = { topics: [{ id: 'bencana', score: 0.9 }] };
    const both = {
      topics: [
        { id: 'kesehatan', score: 0.8 },
        { id: 'bencana', score: 0.6 },
      ],
    };
    for (let i = 0; i < 8; i++) tracker.observe(post('mix', clock.now(), bencana));
    for (let i = 0; i < 3; i++) tracker.observe(post('mix', clock.now(), both));
    tracker.observe(post('mix', clock.now(), { topics: [{ id: 'politik', score: 0.5 }] }));
    const [event] = tracker.evaluate(['mix']);
    // politik is 1 post in 12 (< 20 %): not part of the issue's topics.
    const mix = [
      { id: 'bencana', count: 11, share: 0.917 },
      { id: 'kesehatan', count: 3, share: 0.25 },
    ];
    expect(event?.topics).toEqual(mix);
    const doc = tracker.document('mix')!;
    expect(doc.topics).toEqual(mix);
    const restored = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    restored.restore(doc);
    expect(restored.document('mix')?.topics).toEqual(mix);
    // Posts enriched before topics existed count in the total but carry none.
    tracker.observe(post('old', clock.now()));
    expect(tracker.document('old')?.topics).toEqual([]);
  });

  it('counts its posts by source and gathers the fact-checks they restate, and restores both', () => {
    const hoaxListrik = {
      factCheckId: 'turnbackhoax-2291',
      title: '[SALAH] Pemadaman listrik total se-Jawa Bali selama 3 hari',
      url: 'https://turnbackhoax.id/2026/11/30/salah-pemadaman-listrik-total/',
      similarity: 0.82,
    };
    const hoaxToken = {
      factCheckId: 'cekfakta-118',
      title: '[HOAKS] Token listrik gratis dari PLN lewat link',
      similarity: 0.61,
    };
    for (let i = 0; i < 3; i++)
      tracker.observe(post('listrik', clock.now(), { source: 'x', claimMatches: [hoaxListrik] }));
    tracker.observe(
      post('listrik', clock.now(), { source: 'tipline-whatsapp', claimMatches: [hoaxListrik, hoaxToken] }),
    );
    tracker.observe(post('listrik', clock.now(), { source: 'tipline-whatsapp' }));
    tracker.observe(post('listrik', clock.now(), { source: 'news-detik' }));
    const doc = tracker.document('listrik')!;
    expect(doc.sources).toEqual([
      { source: 'x', count: 3, share: 0.5 },
      { source: 'tipline-whatsapp', count: 2, share: 0.333 },
      { source: 'news-detik', count: 1, share: 0.167 },
    ]);
    expect(doc.factChecks).toEqual([
      { id: 'turnbackhoax-2291', title: hoaxListrik.title, url: hoaxListrik.url, posts: 4 },
      { id: 'cekfakta-118', title: hoaxToken.title, posts: 1 },
    ]);
    // Its events carry both, for the alerts (and webhooks) made from them.
    const events = tracker.evaluate(['listrik']);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e).toMatchObject({ sources: doc.sources, factChecks: doc.factChecks });
    // After a restart the counts carry on.
    const restored = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    restored.restore(doc);
    restored.observe(post('listrik', clock.now(), { source: 'news-detik', claimMatches: [hoaxToken] }));
    const again = restored.document('listrik')!;
    expect(again.sources?.map((x) => [x.source, x.count])).toEqual([
      ['x', 3],
      ['news-detik', 2],
      ['tipline-whatsapp', 2],
    ]);
    expect(again.factChecks?.map((f) => [f.id, f.posts])).toEqual([
      ['turnbackhoax-2291', 4],
      ['cekfakta-118', 2],
    ]);
    // An issue no fact-check matches has none.
    feed('tanpa-cek', 2);
    expect(tracker.document('tanpa-cek')?.factChecks).toBeUndefined();
  });

  it('carries the provinces and cities its posts name (a city counting for its province), and restores them', () => {
    const place = (kind: string, id: string, name: string, province?: string) => ({
      kind,
      id,
      name,
      matched: name,
      ...(province ? { province, provinceName: 'Jawa Timur' } : {}),
    });
    const surabaya = place('city', 'surabaya', 'Surabaya', 'jatim');
    const jatim = place('province', 'jatim', 'Jawa Timur');
    const malang = place('city', 'malang', 'Malang', 'jatim');
    const kpu = { kind: 'agency', id: 'kpu', name: 'KPU', matched: 'KPU' };
    // "Banjir rob di Surabaya" in 6 posts; 2 name Jawa Timur as well; 1 Malang; 1 only an agency.
    for (let i = 0; i < 4; i++) tracker.observe(post('rob', clock.now(), { entities: [surabaya] }));
    for (let i = 0; i < 2; i++)
      tracker.observe(post('rob', clock.now(), { entities: [surabaya, jatim, kpu] }));
    tracker.observe(post('rob', clock.now(), { entities: [malang] }));
    for (let i = 0; i < 3; i++) tracker.observe(post('rob', clock.now(), { entities: [kpu] }));
    const [event] = tracker.evaluate(['rob']);
    // Jawa Timur: 6 via Surabaya + Malang's post = 7 of 10 (counted once per post); Malang alone is one post.
    const regions = [
      { id: 'jatim', name: 'Jawa Timur', count: 7, share: 0.7 },
      { id: 'surabaya', name: 'Surabaya', count: 6, share: 0.6 },
    ];
    expect(event?.regions).toEqual(regions);
    const doc = tracker.document('rob')!;
    expect(doc.regions).toEqual(regions);
    const restored = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    restored.restore(doc);
    // Malang's count came back too (kept in the working state), so a second post makes it a region.
    restored.observe(post('rob', clock.now(), { entities: [malang] }));
    expect(restored.document('rob')?.regions?.map((r) => [r.id, r.count])).toEqual([
      ['jatim', 8],
      ['surabaya', 6],
      ['malang', 2],
    ]);
    // The scorer's regions (the text's places and the source's declared region) are what counts when a
    // post carries them: a regional outlet's posts about "banjir rob" that name no place.
    for (let i = 0; i < 2; i++)
      tracker.observe(
        post('pesisir', clock.now(), {
          entities: [kpu],
          regions: [
            { id: 'surabaya', name: 'Surabaya' },
            { id: 'jatim', name: 'Jawa Timur' },
          ],
        }),
      );
    expect(tracker.document('pesisir')?.regions?.map((r) => [r.id, r.count])).toEqual([
      ['jatim', 2],
      ['surabaya', 2],
    ]);
    // An issue whose posts name no place has no regions at all.
    expect(feed('tanpa-tempat', 3)[0]?.regions).toBeUndefined();
    expect(tracker.document('tanpa-tempat')?.regions).toBeUndefined();
  });
});

describe('IssueTracker — stream level, growth, reasons and exact counts', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock(T0);
  });

  it('says why it rises, in plain words, in English and Bahasa Indonesia', () => {
    const tracker = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    for (let i = 0; i < 6; i++) tracker.observe(post('alasan', clock.now()));
    const [event] = tracker.evaluate(['alasan']);
    expect(event!.type).toBe('rising');
    expect(event!.reason).toBe('6 posts in 5 min, none before, 6 accounts');
    expect(event!.reasonId).toBe('6 unggahan dalam 5 menit, sebelumnya tidak ada, 6 akun');
    expect(event!.id).toMatch(/^ev_/);
    expect(tracker.document('alasan')!.timeline[0]!.reason).toBe(event!.reason);
  });

  it('does not call an issue rising when the whole stream is busier in the same proportion', () => {
    const settings = { ...DEFAULT_DETECTOR_SETTINGS, risingMinCount: 5 };
    const aware = new IssueTracker(settings, clock);
    const blind = new IssueTracker({ ...settings, streamAware: false }, clock);
    const both = (issueId: string, n: number) => {
      for (let i = 0; i < n; i++) {
        const p = post(issueId, clock.now());
        aware.observe(p);
        blind.observe(p);
      }
    };
    // An hour of a quiet night: this issue 1 post a minute, the rest of the stream 10.
    for (let m = 0; m < 65; m++) {
      both('pagi', 1);
      for (let k = 0; k < 10; k++) both(`lain-${m}-${k}`, 1);
      aware.evaluate(['pagi']);
      blind.evaluate(['pagi']);
      clock.advance(MIN);
    }
    // Morning: everything four times busier, this issue too.
    let awareEvents: string[] = [];
    let blindEvents: string[] = [];
    for (let m = 0; m < 5; m++) {
      both('pagi', 4);
      for (let k = 0; k < 40; k++) both(`pagi-lain-${m}-${k}`, 1);
      awareEvents = awareEvents.concat(aware.evaluate(['pagi']).map((e) => e.type));
      blindEvents = blindEvents.concat(blind.evaluate(['pagi']).map((e) => e.type));
      clock.advance(MIN);
    }
    expect(blindEvents).toContain('rising');
    expect(awareEvents).not.toContain('rising');
  });

  it('calls slow, steady growth `growing`, not `rising`', () => {
    const tracker = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    const types: string[] = [];
    // 45 minutes: 2, then 4, then 8 posts per 15 minutes — never a burst.
    for (const [perWindow] of [[2], [4], [8]] as const) {
      for (let m = 0; m < 15; m++) {
        // Spread evenly: about one post every 15 / perWindow minutes.
        if (Math.floor(((m + 1) * perWindow) / 15) > Math.floor((m * perWindow) / 15))
          tracker.observe(post('banjir-rob', clock.now()));
        types.push(...tracker.evaluate(['banjir-rob']).map((e) => e.type));
        clock.advance(MIN);
      }
    }
    expect(types).toContain('growing');
    expect(types).not.toContain('rising');
    const growing = tracker.document('banjir-rob')!.timeline.find((t) => t.type === 'growing')!;
    expect(growing.reason).toMatch(/^steady growth: \d+ → \d+ → \d+ posts per 15 min, \d+ accounts so far$/);
  });

  it('skips what a stored document already counted when a batch is replayed after a crash', () => {
    const tracker = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    const batch = Array.from({ length: 6 }, (_, i) => ({
      post: post('replay', clock.now()),
      position: { partition: 2, offset: String(100 + i) },
    }));
    for (const b of batch) tracker.observe(b.post, b.position);
    const events = tracker.evaluate(['replay']);
    expect(events.map((e) => e.type)).toEqual(['rising']);
    // The document was written, then the process died before committing offsets.
    const doc = JSON.parse(JSON.stringify(tracker.document('replay')));
    expect(doc.state.pendingEvents.map((e: { id: string }) => e.id)).toEqual([events[0]!.id]);
    const restarted = new IssueTracker(DEFAULT_DETECTOR_SETTINGS, clock);
    restarted.restore(doc);
    // The same batch again (the ids are new objects; only the positions say they were counted).
    const replayed = batch.map((b) => restarted.observe({ ...b.post }, b.position));
    expect(replayed).toEqual([false, false, false, false, false, false]);
    expect(restarted.counted('replay', { partition: 2, offset: '105' })).toBe(true);
    expect(restarted.counted('replay', { partition: 2, offset: '106' })).toBe(false);
    expect(restarted.observe(post('replay', clock.now()), { partition: 2, offset: '106' })).toBe(true);
    expect(restarted.evaluate(['replay'])).toEqual([]); // still rising: no old event again
    expect(restarted.document('replay')!.count).toBe(7);
  });
});
