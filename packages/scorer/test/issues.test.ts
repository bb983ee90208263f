import { IssueAssigner, NearDuplicateIndex, issueIdFor } from '../src';

// Content terms as the Indonesian engine gives them (stemmed, no stop words).
const posts = {
  vaksin1: ['vaksin', 'booster', 'chip', 'kandung', 'sebar'],
  vaksin2: ['awas', 'vaksin', 'booster', 'chip', 'lacak'],
  vaksin3: ['chip', 'vaksin', 'booster', 'hoaks', 'kominfo'],
  cabai: ['harga', 'cabai', 'naik', 'pasar', 'induk'],
  macet: ['macet', 'parah', 'tol', 'cikampek', 'mudik'],
  cabai2: ['harga', 'cabai', 'rawit', 'tembus', 'ribu'],
};

describe('IssueAssigner', () => {
  it('groups posts on one story and keeps other stories apart', () => {
    const a = new IssueAssigner();
    const v1 = a.assign('p1', posts.vaksin1, []);
    const c = a.assign('p2', posts.cabai, []);
    const v2 = a.assign('p3', posts.vaksin2, []);
    const m = a.assign('p4', posts.macet, []);
    const v3 = a.assign('p5', posts.vaksin3, []);
    expect(v1.joined).toBe(false);
    expect(v2.issueId).toBe(v1.issueId);
    expect(v3.issueId).toBe(v1.issueId);
    expect(new Set([v1.issueId, c.issueId, m.issueId]).size).toBe(3);
    expect(v3.issueTerms.slice(0, 3).sort()).toEqual(['booster', 'chip', 'vaksin']);
  });

  it('joins a variant that adds many words of its own but shares three core terms', () => {
    const a = new IssueAssigner();
    const first = a.assign(
      'p1',
      ['viral', 'vaksin', 'booster', 'chip', 'lacak', 'kemenkes', 'nutupin', 'suntik', 'lambat'],
      [],
    );
    const variant = a.assign(
      'p2',
      ['informasi', 'a1', 'grup', 'belah', 'chip', 'vaksin', 'booster', 'aktif', 'sebar', 'keluarga'],
      [],
    );
    expect(variant.issueId).toBe(first.issueId);
  });

  it('needs at least two shared terms: one common word does not merge stories', () => {
    const a = new IssueAssigner();
    const c1 = a.assign('p1', posts.cabai, []);
    const c2 = a.assign('p2', ['harga', 'emas', 'antam', 'turun'], []);
    expect(c2.issueId).not.toBe(c1.issueId);
    expect(a.assign('p3', posts.cabai2, []).issueId).toBe(c1.issueId);
  });

  it('derives a new issue id from its founding post, so a replay founds the same issue', () => {
    const first = new IssueAssigner().assign('post-42', posts.macet, []);
    const replay = new IssueAssigner().assign('post-42', posts.macet, []);
    expect(first.issueId).toBe(issueIdFor('post-42'));
    expect(replay.issueId).toBe(first.issueId);
  });

  it('re-learns stored issues after a restart', () => {
    const before = new IssueAssigner();
    before.assign('p1', posts.vaksin1, []);
    const issue = before.assign('p2', posts.vaksin2, []);
    const restarted = new IssueAssigner();
    restarted.seed(
      issue.issueId,
      [
        ['vaksin', 2],
        ['booster', 2],
        ['chip', 2],
        ['sebar', 1],
      ],
      2,
    );
    expect(restarted.assign('p3', posts.vaksin3, []).issueId).toBe(issue.issueId);
    expect(restarted.assign('p4', posts.macet, []).issueId).not.toBe(issue.issueId);
  });

  it('puts a near-duplicate into the issue of the post it copies', () => {
    const a = new IssueAssigner();
    const original = a.assign('p1', posts.vaksin1, []);
    expect(a.assign('p2', ['beda', 'kata'], [], original.issueId).issueId).toBe(original.issueId);
  });

  it('forgets the least recently used issues past its capacity', () => {
    const a = new IssueAssigner({ ...new IssueAssigner()['settings'], maxIssues: 2 });
    const v = a.assign('p1', posts.vaksin1, []);
    a.assign('p2', posts.cabai, []);
    a.assign('p3', posts.macet, []);
    expect(a.size).toBe(2);
    expect(a.assign('p4', posts.vaksin2, []).issueId).not.toBe(v.issueId);
  });
});

describe('NearDuplicateIndex', () => {
  it('links a post to the first post that shared a band', () => {
    const idx = new NearDuplicateIndex();
    idx.remember(['0:aa', '1:bb'], 'p1', 'is_1');
    expect(idx.find(['0:zz', '1:bb'], 'p2')).toEqual({ postId: 'p1', issueId: 'is_1' });
    expect(idx.find(['0:zz'], 'p2')).toBeUndefined();
    expect(idx.find(['0:aa'], 'p1')).toBeUndefined();
  });
});
