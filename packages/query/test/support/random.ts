// Seeded generators of Indonesian-looking watchlists and posts, shared by the property test and the
// benchmark so both exercise the same distribution and every failure reproduces from its seed.
import { seededRandom } from '@pantau/core';
import { formatQuery, type QueryAst } from '../../src/ast';
import type { MatchDoc } from '../../src/matcher';

export type Rng = () => number;

/** Every generator here is seeded so a failure reproduces from its seed. */
export const seededRng = (seed: number): Rng => seededRandom(seed);

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** Words as they appear (already normalised) in Indonesian posts about public issues, slang included. */
export const ROOT_WORDS: readonly string[] = [
  'yg',
  'gak',
  'aja',
  'banget',
  'udah',
  'emang',
  'bgt',
  'kalo',
  'sih',
  'dong',
  'nih',
  'wkwk',
  'anjir',
  'gitu',
  'vaksin',
  'imunisasi',
  'haram',
  'chip',
  '5g',
  'hoaks',
  'hoax',
  'klarifikasi',
  'bansos',
  'palsu',
  'blt',
  'pemerintah',
  'menteri',
  'presiden',
  'dpr',
  'pemilu',
  'kpu',
  'bawaslu',
  'curang',
  'surat',
  'suara',
  'banjir',
  'gempa',
  'tsunami',
  'bmkg',
  'longsor',
  'evakuasi',
  'korban',
  'bantuan',
  'posko',
  'relawan',
  'harga',
  'beras',
  'minyak',
  'goreng',
  'bbm',
  'naik',
  'subsidi',
  'pertalite',
  'solar',
  'antre',
  'spbu',
  'covid',
  'corona',
  'masker',
  'rumah',
  'sakit',
  'bpjs',
  'obat',
  'dokter',
  'puskesmas',
  'stunting',
  'sekolah',
  'guru',
  'ujian',
  'zonasi',
  'ppdb',
  'mahasiswa',
  'ukt',
  'demo',
  'polisi',
  'tilang',
  'razia',
  'pinjol',
  'judol',
  'penipuan',
  'link',
  'whatsapp',
  'sebar',
  'viral',
  'cek',
  'fakta',
  'beneran',
  'katanya',
  'jakarta',
  'surabaya',
  'bandung',
  'medan',
  'makassar',
  'ikn',
  'papua',
  'bali',
  'jawa',
  'sumatra',
  'kemenkes_ri',
  'kominfo',
  'komdigi',
  'bnpb',
  'bpom',
  'mui',
  'halal',
  'sertifikat',
  'ktp',
  'nik',
  'pajak',
  'gaji',
  'pns',
  'honorer',
  'phk',
  'buruh',
  'umr',
  'tapera',
  'tabungan',
  'rakyat',
  'warga',
];

export const HASHTAGS: readonly string[] = [
  'TolakHoaks',
  'CekFakta',
  'BansosPalsu',
  'VaksinAman',
  'Pemilu2024',
  'BanjirJakarta',
  'TurunkanHargaBBM',
  'SaringSebelumSharing',
  'IndonesiaGelap',
  'KawalPutusanMK',
  'PeringatanDarurat',
  'GempaCianjur',
];

/** Word pairs that really occur together, so generated phrases match some generated posts. */
export const BIGRAMS: readonly (readonly [string, string])[] = [
  ['chip', '5g'],
  ['bansos', 'palsu'],
  ['minyak', 'goreng'],
  ['rumah', 'sakit'],
  ['surat', 'suara'],
  ['cek', 'fakta'],
  ['harga', 'beras'],
  ['link', 'whatsapp'],
  ['vaksin', 'haram'],
  ['tabungan', 'rakyat'],
];

/**
 * A larger vocabulary (roots plus the affixes Indonesian actually glues on: di-, me-, -kan, -nya, -in) so
 * the benchmark's watchlists are about as selective as real ones, where most posts share few words with a
 * given watchlist.
 */
export function expandedVocabulary(): string[] {
  const affixed = ROOT_WORDS.flatMap((w) => [
    w,
    `di${w}`,
    `${w}nya`,
    `${w}kan`,
    `me${w}`,
    `${w}in`,
    `ter${w}`,
    `ke${w}an`,
    `pe${w}an`,
    `ber${w}`,
    `se${w}`,
    `${w}lah`,
    `${w}kah`,
    `${w}an`,
    `nge${w}`,
    `${w}-${w}`,
  ]);
  return [...new Set(affixed)];
}

/** Zipf-ish pick: low indexes (frequent words) come up far more often than the tail. */
function zipf(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(Math.pow(n + 1, rng()) - 1));
}

export interface DocOptions {
  vocabulary: readonly string[];
  minTokens?: number;
  maxTokens?: number;
}

export function randomDoc(rng: Rng, opts: DocOptions): MatchDoc {
  const { vocabulary, minTokens = 5, maxTokens = 40 } = opts;
  const length = minTokens + Math.floor(rng() * (maxTokens - minTokens + 1));
  const tokens: string[] = [];
  while (tokens.length < length) {
    if (rng() < 0.02) tokens.push(...pick(rng, BIGRAMS));
    else tokens.push(vocabulary[zipf(rng, vocabulary.length)]!);
  }
  const hashtags = new Set<string>();
  const tagCount = rng() < 0.7 ? 0 : 1 + Math.floor(rng() * 2);
  for (let i = 0; i < tagCount; i++) hashtags.add(pick(rng, HASHTAGS).toLowerCase());
  return { tokens, terms: new Set(tokens), hashtags };
}

function randomCase(rng: Rng, word: string): string {
  const r = rng();
  if (r < 0.1) return word.toUpperCase();
  if (r < 0.2) return word.charAt(0).toUpperCase() + word.slice(1);
  return word;
}

function randomLeaf(rng: Rng, vocabulary: readonly string[]): QueryAst {
  const r = rng();
  if (r < 0.05) return { type: 'term', value: `#${pick(rng, HASHTAGS)}` };
  if (r < 0.13) {
    const pair = pick(rng, BIGRAMS);
    return { type: 'phrase', words: pair.map((w) => randomCase(rng, w)) };
  }
  // Watchlists name the words they care about, not "yg"/"aja": skip the most frequent slice of the vocabulary.
  const word = vocabulary[14 + Math.floor(rng() * (vocabulary.length - 14))]!;
  return { type: 'term', value: randomCase(rng, word) };
}

/**
 * A random watchlist that always has a positive term (the parser rejects anything else). Shaped like the
 * ones agencies write: mostly an AND of a few OR-groups, sometimes with exclusions, so that a post matches
 * only a handful of them.
 */
export function randomQuery(rng: Rng, vocabulary: readonly string[], depth = 3): QueryAst {
  const r = rng();
  if (depth <= 0 || r < 0.25) return randomLeaf(rng, vocabulary);
  if (r < 0.75) {
    const n = 2 + Math.floor(rng() * 2);
    const children = Array.from({ length: n }, () => randomQuery(rng, vocabulary, depth - 1));
    if (rng() < 0.4) children.push({ type: 'not', child: randomQuery(rng, vocabulary, depth - 2) });
    return { type: 'and', children };
  }
  const n = 2 + Math.floor(rng() * 2);
  return { type: 'or', children: Array.from({ length: n }, () => randomQuery(rng, vocabulary, depth - 1)) };
}

/** Query text as an admin might type it: the random AST printed, operators in random case. */
export function randomQueryText(rng: Rng, vocabulary: readonly string[]): string {
  return formatQuery(randomQuery(rng, vocabulary)).replace(/\b(AND|OR|NOT)\b/g, (op) =>
    rng() < 0.3 ? op.toLowerCase() : op,
  );
}
