import { loadDomainLists, normalize } from '../src';
import { detectSignals, leadingWords } from '../src/signals';
import { POSTS } from './fixtures/posts';

describe('signal word patterns', () => {
  it('finds the words every match of a pattern starts with', () => {
    expect(
      leadingWords(/\b(?:tolong (?:di)?sebar\w*|(?:kata|dari) teman|hati-hati|hoaxs?)\b/).sort(),
    ).toEqual(['dari', 'hati', 'hoax', 'kata', 'tolong']);
    expect(leadingWords(/\b(?:(?<!bukan )hoaks|(?:100|seratus) ?% benar)\b/g).sort()).toEqual([
      '100',
      'hoaks',
      'seratus',
    ]);
    // It cannot vouch for a pattern whose match may start anywhere, so it refuses it.
    expect(() => leadingWords(/\b(?:(?:di)?sebar|x)\b/)).toThrow();
    expect(() => leadingWords(/sebar/)).toThrow();
  });

  it('detects the same signals with the per-token pre-check as without it', () => {
    const lists = loadDomainLists();
    const texts = [
      ...POSTS,
      'Anti-sebarkan x_sebarkan ésebarkan, hati-hati!!! kirim ke 10 orang dalam 3 hari akan sial',
      'Kata temen gw yg kerja di BIN: 100% benar, bukan hoaks. Cek fakta? dikutip dari grup sebelah',
      'Obat herbal ini ampuh sembuhkan kanker & covid-19, media tidak memberitakan, klik link',
    ];
    for (const text of texts) {
      const n = normalize(text);
      const ctx = { raw: text, normalized: n.text, domains: n.domains };
      const plain = detectSignals(ctx, lists).map((h) => [h.definition.id, h.value, h.evidence]);
      const checked = detectSignals({ ...ctx, words: { tokens: n.tokens, hashes: n.hashes } }, lists);
      expect(checked.map((h) => [h.definition.id, h.value, h.evidence])).toEqual(plain);
    }
  });
});
