import { TermBursts, poissonTail } from '../src/term-bursts';

const MIN = 60_000;
const T0 = Date.parse('2026-11-28T08:00:00Z');
const settings = { spanMs: MIN, minAuthors: 3, maxChance: 1e-5, priorPosts: 1000, halfLifePosts: 100_000 };

/** Everyday chatter, one post every 30 s: teaches the stream's words and their shares. */
function chatter(bursts: TermBursts, from: number, posts: number): number {
  const everyday = ['macet', 'hujan', 'makan', 'kerja', 'jakarta', 'harga', 'murah', 'enak', 'kopi', 'libur'];
  let at = from;
  for (let i = 0; i < posts; i++, at += 30_000)
    bursts.observe({
      terms: [everyday[i % 10]!, everyday[(i * 3 + 1) % 10]!, `kata${i}`],
      at,
      author: `warga${i}`,
      issueId: `obrolan-${i}`,
    });
  return at;
}

describe('poissonTail', () => {
  it('is the chance of at least k events', () => {
    expect(poissonTail(2, 0)).toBe(1);
    expect(poissonTail(0, 1)).toBe(0);
    expect(poissonTail(2, 3)).toBeCloseTo(1 - Math.exp(-2) * (1 + 2 + 2), 12);
    expect(poissonTail(0.01, 3)).toBeLessThan(2e-7);
  });
});

describe('TermBursts', () => {
  it("finds a rare word in three accounts' posts across issues within a minute, for the issue with most of them", () => {
    const bursts = new TermBursts(settings);
    let at = chatter(bursts, T0, 2000);
    const story = (issueId: string, author: string, extra: string) =>
      bursts.observe({ terms: ['kpps', 'racun', extra], at: (at += 15_000), author, issueId });
    expect(story('is-lama', 'akun1', 'dokter')).toBeUndefined();
    expect(story('is-baru', 'akun2', 'meninggal')).toBeUndefined();
    expect(story('is-baru', 'akun3', 'petugas')).toBe('is-baru');
    expect(bursts.burstOf('is-baru', at)).toMatchObject({ posts: 3, authors: 3, issues: 2 });
    expect(bursts.burstOf('is-lama', at)).toBeUndefined();
    // It holds for one span.
    expect(bursts.burstOf('is-baru', at + MIN)).toBeUndefined();
  });

  it('leaves alone a burst inside one issue, a word the stream uses all the time, and posts minutes apart', () => {
    const bursts = new TermBursts(settings);
    let at = chatter(bursts, T0, 2000);
    // One issue: the quick rule of the tracker sees those posts already.
    for (const a of ['a1', 'a2', 'a3'])
      expect(
        bursts.observe({ terms: ['gempa', 'garut'], at: (at += 10_000), author: a, issueId: 'is-1' }),
      ).toBeUndefined();
    // "macet" is in a fifth of all posts: three posts with it in a minute are nothing.
    for (const [i, a] of ['b1', 'b2', 'b3', 'b4'].entries())
      expect(
        bursts.observe({ terms: ['macet', `lain${i}`], at: (at += 10_000), author: a, issueId: `is-m${i}` }),
      ).toBeUndefined();
    // A rare word, but one post every two minutes.
    for (const [i, a] of ['c1', 'c2', 'c3'].entries())
      expect(
        bursts.observe({ terms: ['tsunami'], at: (at += 2 * MIN), author: a, issueId: `is-t${i}` }),
      ).toBeUndefined();
    // The same account three times is one account.
    for (let i = 0; i < 3; i++)
      expect(
        bursts.observe({ terms: ['bansos'], at: (at += 5_000), author: 'satu-akun', issueId: `is-b${i}` }),
      ).toBeUndefined();
  });

  it('asks more of a busy stream: in a minute of 1,000 posts, a burst only for a word that rare', () => {
    const bursts = new TermBursts(settings);
    let at = T0;
    // 1,000 posts a minute for twenty minutes (watched long enough to know the words), "banjir" in
    // one post of a hundred.
    for (let i = 0; i < 20_000; i++)
      bursts.observe({
        terms: [i % 100 === 0 ? 'banjir' : `kata${i % 5000}`],
        at: (at += 60),
        author: `w${i}`,
        issueId: `o${i}`,
      });
    const posts = (term: string, accounts: number) => {
      let ahead: string | undefined;
      for (let k = 0; k < accounts; k++)
        ahead =
          bursts.observe({
            terms: [term],
            at: (at += 100),
            author: `${term}-${k}`,
            issueId: `is-${term}-${k}`,
          }) ?? ahead;
      return ahead;
    };
    // ~10 posts a minute with "banjir" are usual: even 6 are nothing.
    expect(posts('banjir', 6)).toBeUndefined();
    // A word the stream never had (expected 0.05 posts a minute): three accounts in a minute are not quite
    // unlikely enough at this rate (chance 2e-5), four are (2e-7).
    expect(posts('likuefaksi', 3)).toBeUndefined();
    expect(posts('tsunami', 4)).toBeDefined();
  });

  it('waits until it has watched the stream for ten spans: after a restart every word is new', () => {
    const bursts = new TermBursts(settings);
    let at = T0;
    let ahead: string | undefined;
    for (const [i, a] of ['y1', 'y2', 'y3'].entries())
      ahead =
        bursts.observe({ terms: ['likuefaksi'], at: (at += 5_000), author: a, issueId: `is-${i}` }) ?? ahead;
    expect(ahead).toBeUndefined();
  });

  it('forgets words and bursts once they fade (memory stays bounded)', () => {
    const bursts = new TermBursts({ ...settings, halfLifePosts: 1000 });
    let at = T0;
    for (let i = 0; i < 150_000; i++)
      bursts.observe({ terms: [`unik${i}`], at: (at += 1000), author: `w${i}`, issueId: `o${i}` });
    const size = bursts.size;
    // Each word was used once: faded words and words no post of the last minute used are dropped.
    expect(size.words).toBeLessThan(20_000);
    expect(size.recentWords).toBeLessThan(60_000);
  });
});
