/**
 * Words for checking the Sastrawi port against natural: derived forms of dictionary roots (every
 * prefix and suffix the rules know, with nasal assimilation, confixes and reduplication), plus
 * words that look derived but are not. Deterministic.
 */
const PREFIXES = [
  '',
  'di',
  'ke',
  'se',
  'ber',
  'be',
  'ter',
  'te',
  'me',
  'mem',
  'men',
  'meng',
  'meny',
  'pe',
  'pem',
  'pen',
  'peng',
  'peny',
  'per',
  'memper',
  'diper',
  'ku',
  'kau',
  'pel',
  'bel',
  'ke',
  'mempe',
];
const SUFFIXES = [
  '',
  'i',
  'kan',
  'an',
  'nya',
  'lah',
  'kah',
  'tah',
  'pun',
  'ku',
  'mu',
  'is',
  'isme',
  'isasi',
  'kannya',
  'annya',
  'inya',
  'kanlah',
  'nyalah',
  '-nya',
  '-lah',
];
/** Nasal prefixes replace the root's first consonant (me + pukul → memukul). */
function nasal(root: string): string[] {
  const c = root[0];
  if (c === 'p') return ['mem' + root.slice(1), 'pem' + root.slice(1)];
  if (c === 't') return ['men' + root.slice(1), 'pen' + root.slice(1)];
  if (c === 'k') return ['meng' + root.slice(1), 'peng' + root.slice(1)];
  if (c === 's') return ['meny' + root.slice(1), 'peny' + root.slice(1)];
  return [];
}

export function derivedWords(roots: readonly string[], every = 1): string[] {
  const words = new Set<string>();
  roots.forEach((root, i) => {
    if (i % every !== 0 || !root) return;
    const k = i / every;
    const prefix = PREFIXES[k % PREFIXES.length]!;
    const suffix = SUFFIXES[(k * 7) % SUFFIXES.length]!;
    words.add(root);
    words.add(prefix + root + suffix);
    words.add(PREFIXES[(k * 3 + 1) % PREFIXES.length]! + root);
    words.add(root + SUFFIXES[(k * 5 + 2) % SUFFIXES.length]!);
    for (const n of nasal(root)) {
      words.add(n + SUFFIXES[(k * 11) % SUFFIXES.length]!);
      words.add(n);
    }
    if (k % 5 === 0) {
      words.add(`${root}-${root}`);
      words.add(`${root}-${root}nya`);
      words.add(`${root}-${root}-nya`);
      words.add(`ber${root}-${root}an`);
      words.add(`${prefix}${root}-${root.slice(1)}${suffix}`);
      words.add(`${root}-${PREFIXES[k % 7]!}${root}kan`);
    }
    if (k % 9 === 0) words.add(`x${prefix}${root}${suffix}q`);
  });
  return [...words];
}
