/**
 * Textual hoax signals an analyst can read. Each detector returns a strength in [0,1]; the hoax model
 * learns how much each one is worth (a labelled retrain re-learns them), and the score explains
 * itself through them.
 */
import * as fs from 'node:fs';
import type { TokenHashes } from './hashing';
import { dataFile } from './resources';

export interface SignalContext {
  /** NFKC text as written (case kept). */
  raw: string;
  /** Normalised text: lower case, slang resolved (sblm → sebelum, temen → teman, yg → yang). */
  normalized: string;
  domains: readonly string[];
  /**
   * The normalised tokens (`normalized` is them joined by single spaces) with their tokenHashes(), when
   * the caller has them: the word patterns then run only when some token can start a match.
   */
  words?: { tokens: readonly string[]; hashes: readonly TokenHashes[] };
}

export interface SignalHit {
  value: number;
  evidence?: string;
}

export interface SignalDefinition {
  id: string;
  label: { id: string; en: string };
  /** Counter-signals can only lower the score; training keeps their weight ≤ 0 (others ≥ 0). */
  counter?: boolean;
  /**
   * Log-odds per unit of strength before any training evidence; training starts here and is pulled
   * back here by regularisation, so a signal absent from the training rows keeps a sensible weight.
   */
  prior: number;
  detect(ctx: SignalContext, domains: DomainLists): SignalHit | undefined;
}

export interface DomainLists {
  hoax: ReadonlySet<string>;
  shorteners: ReadonlySet<string>;
  blogHosts: ReadonlySet<string>;
  credible: ReadonlySet<string>;
  credibleSuffixes: readonly string[];
}

interface DomainsFile {
  hoax: string[];
  shorteners: string[];
  blogHosts: string[];
  credible: string[];
  credibleSuffixes: string[];
}

export function loadDomainLists(extraHoaxDomains: readonly string[] = []): DomainLists {
  const file = JSON.parse(fs.readFileSync(dataFile('domains.json'), 'utf8')) as DomainsFile;
  return {
    hoax: new Set([...file.hoax, ...extraHoaxDomains].map((d) => d.toLowerCase())),
    shorteners: new Set(file.shorteners),
    blogHosts: new Set(file.blogHosts),
    credible: new Set(file.credible),
    credibleSuffixes: file.credibleSuffixes,
  };
}

/** The domain itself or any parent domain is listed (news.detik.com → detik.com). */
function listed(domain: string, list: ReadonlySet<string>): boolean {
  for (let d = domain; d.includes('.'); d = d.slice(d.indexOf('.') + 1)) if (list.has(d)) return true;
  return false;
}

function firstMatch(pattern: RegExp, text: string): string | undefined {
  const m = pattern.exec(text);
  return m ? m[0] : undefined;
}

function countMatches(pattern: RegExp, text: string): number {
  return text.match(pattern)?.length ?? 0;
}

/**
 * While detectSignals runs: bits of the word patterns that some token of the text can start a match of
 * (see leadMask); all bits otherwise (a detector called on its own runs its pattern).
 */
let possibleMatches = -1;

/** firstMatch of a word pattern on the normalised text, skipped when no token can start a match. */
function firstWordMatch(pattern: RegExp, ctx: SignalContext): string | undefined {
  if ((possibleMatches & (LEAD_BITS.get(pattern) ?? -1)) === 0) return undefined;
  return firstMatch(pattern, ctx.normalized);
}

const STRONG_SHARE =
  /\b(?:sebarkan|sebarluaskan|viralkan|tolong (?:di)?sebar\w*|wajib (?:di)?(?:sebar|share|bagi)\w*|bantu (?:sebar|viral)\w*|teruskan (?:pesan|info|informasi|ke)\w*|broadcast)\b/;
const WEAK_SHARE = /\b(?:bagikan|share|forward|kirimkan ke|kirim ke (?:semua|grup|keluarga|teman))\b/;
const URGENCY =
  /\b(?:sebelum (?:dihapus|di ?take ?down|diblokir|terlambat|hilang)|mumpung belum (?:dihapus|diblokir)|segera|darurat|mendesak|penting|waspada|awas|breaking news|detik ini|malam ini juga|jangan sampai|hati-hati)\b/;
const ANONYMOUS_AUTHORITY =
  /\b(?:(?:kata|dari|info dari|informasi dari|menurut|cerita) (?:teman|kawan|sahabat|saudara|kerabat|tetangga|om|tante|paman|sepupu|ipar|adik|kakak|kenalan|anak|suami|istri)(?: (?:saya|aku|kami|dekat|ipar))?(?: yang| yg)? ?(?:kerja|bekerja|dinas|bertugas|tugas|jadi|anggota|di)?|orang dalam|sumber (?:terpercaya|valid|dalam)|grup sebelah|copas dari (?:grup|wa)|info a1|(?:pesan|info|informasi) dari (?:seorang )?(?:dokter|perawat|polisi|jenderal|intel|pejabat|profesor)|teman (?:saya|aku) (?:seorang )?(?:dokter|perawat|polisi|tentara|intel))\b/;
const CURE_WORD =
  /\b(?:sembuh\w*|menyembuhkan|ampuh|mujarab|manjur|mukjizat|ajaib|ramuan|rebusan|air rebusan|tanpa operasi|tanpa obat|100% sembuh|membunuh (?:virus|sel kanker)|obat (?:alami|herbal|tradisional))\b/;
const DISEASE_WORD =
  /\b(?:kanker|diabetes|covid\S*|korona|corona|stroke|jantung|hipertensi|darah tinggi|asam urat|ginjal|tumor|hiv|aids|kolesterol|virus|hepatitis|tbc|maag|lumpuh)\b/;
const CONSPIRACY =
  /\b(?:chip|microchip|konspirasi|elit global|antek asing|antek aseng|depopulasi|dibungkam|ditutup-tutupi|ditutupi|disembunyikan|media (?:tidak|tak) (?:memberitakan|berani|mau)|tidak (?:akan )?diberitakan|pki bangkit|kebangkitan pki|rezim|freemason|illuminati|new world order|senjata biologis)\b/;
const CHAIN_LETTER =
  /\b(?:(?:jika|kalau|bila) (?:tidak|tak) (?:disebarkan|dibagikan|dikirim|diteruskan|di share)|aminkan|ketik amin|kirim ke \d+ (?:orang|grup|kontak)|dalam \d+ (?:hari|jam) (?:akan|anda|kamu))\b/;
const SCAM =
  /\b(?:selamat anda|anda (?:mendapatkan|memenangkan|terpilih)|(?:mendapatkan|dapat) hadiah|klaim (?:hadiah|sekarang|bantuan|saldo)|kuota gratis|bantuan (?:tunai|subsidi|langsung|sosial) \w* ?(?:daftar|klik|cair)|(?:daftar|klaim) (?:di|melalui|lewat) (?:link|tautan)|klik (?:link|tautan)|isi data|undian|saldo (?:gratis|dana))\b/;
const INSISTS_TRUE =
  /\b(?:bukan hoaks|bukan hoax|ini (?:nyata|fakta|asli)|(?:100|seratus) ?% (?:benar|nyata|valid|asli|fakta)|sudah terbukti|terbukti benar|valid)\b/;
const DEBUNK_LABEL =
  /\[\s*(?:salah|hoaks|hoax|disinformasi|misinformasi|keliru|menyesatkan|klarifikasi|cek fakta|fakta)\s*\]/i;
const DEBUNK_CUES =
  /\b(?:cek fakta|faktanya|fakta sebenarnya|telah dibantah|membantah|bantahan|klarifikasi|meluruskan|tidak benar|(?<!bukan )hoaks|(?<!bukan )hoax|disinformasi|misinformasi|menyesatkan|turnbackhoax|mafindo|konten (?:yang )?(?:dimanipulasi|palsu)|dipastikan (?:palsu|keliru))\b/g;
const ATTRIBUTED_REPORTING =
  /\b(?:dikutip dari|dilansir|mengutip|menurut (?:keterangan|siaran pers|rilis|data)|siaran pers|juru bicara|jubir|dalam keterangan (?:tertulis|resminya)|kata kepala|ujar|kata dia|ungkapnya|jelasnya|katanya kepada wartawan)\b/;

export const SIGNALS: readonly SignalDefinition[] = [
  {
    id: 'share-call',
    prior: 1,
    label: {
      id: 'Ajakan menyebarkan ("sebarkan!", "viralkan")',
      en: 'Calls to spread it ("share this!", "make it viral")',
    },
    detect: (ctx) => {
      const strong = firstWordMatch(STRONG_SHARE, ctx);
      if (strong) return { value: 1, evidence: strong };
      const weak = firstWordMatch(WEAK_SHARE, ctx);
      return weak ? { value: 0.5, evidence: weak } : undefined;
    },
  },
  {
    id: 'urgency',
    prior: 0.5,
    label: {
      id: 'Desakan waktu ("sebelum dihapus", "segera")',
      en: 'Urgency ("before it is deleted", "right now")',
    },
    detect: (ctx) => {
      const hit = firstWordMatch(URGENCY, ctx);
      return hit ? { value: /sebelum|mumpung/.test(hit) ? 1 : 0.6, evidence: hit } : undefined;
    },
  },
  {
    id: 'all-caps',
    prior: 0.5,
    label: { id: 'Banyak HURUF KAPITAL', en: 'Much of the text in CAPITALS' },
    detect: (ctx) => {
      let letters = 0;
      let capitals = 0;
      const raw = ctx.raw;
      for (let i = 0; i < raw.length; i++) {
        const code = raw.charCodeAt(i);
        if (code >= 65 && code <= 90) {
          letters++;
          capitals++;
        } else if (code >= 97 && code <= 122) letters++;
        else if (code > 127) {
          const ch = raw.charAt(i);
          if (ch.toLowerCase() !== ch.toUpperCase()) {
            letters++;
            if (ch === ch.toUpperCase()) capitals++;
          }
        }
      }
      if (letters < 15) return undefined;
      const upper = capitals / letters;
      if (upper < 0.35) return undefined;
      return {
        value: Math.min(1, (upper - 0.35) / 0.45),
        evidence: `${Math.round(upper * 100)}% huruf kapital`,
      };
    },
  },
  {
    id: 'exclamations',
    prior: 0.5,
    label: { id: 'Tanda seru berlebihan ("!!!")', en: 'Excessive exclamation marks ("!!!")' },
    detect: (ctx) => {
      const marks = countMatches(/!/g, ctx.raw);
      if (marks < 2) return undefined;
      return { value: Math.min(1, marks / 6), evidence: `${marks}× "!"` };
    },
  },
  {
    id: 'anonymous-authority',
    prior: 1,
    label: {
      id: 'Sumber anonim ("kata teman saya yang kerja di…")',
      en: 'Anonymous authority ("a friend who works at…")',
    },
    detect: (ctx) => {
      const hit = firstWordMatch(ANONYMOUS_AUTHORITY, ctx);
      return hit ? { value: 1, evidence: hit.trim() } : undefined;
    },
  },
  {
    id: 'miracle-cure',
    prior: 1,
    label: { id: 'Klaim pengobatan ajaib', en: 'Miracle-cure claim' },
    detect: (ctx) => {
      const cure = firstWordMatch(CURE_WORD, ctx);
      if (!cure) return undefined;
      const disease = firstWordMatch(DISEASE_WORD, ctx);
      return disease ? { value: 1, evidence: `${cure} … ${disease}` } : { value: 0.4, evidence: cure };
    },
  },
  {
    id: 'conspiracy',
    prior: 1,
    label: {
      id: 'Narasi konspirasi/ketakutan ("chip", "media tidak memberitakan")',
      en: 'Conspiracy or fear narrative ("chip", "media won\'t report it")',
    },
    detect: (ctx) => {
      const hit = firstWordMatch(CONSPIRACY, ctx);
      return hit ? { value: 1, evidence: hit } : undefined;
    },
  },
  {
    id: 'chain-letter',
    prior: 1,
    label: {
      id: 'Pesan berantai ("jika tidak disebarkan…")',
      en: 'Chain message ("if you don\'t forward this…")',
    },
    detect: (ctx) => {
      const hit = firstWordMatch(CHAIN_LETTER, ctx);
      return hit ? { value: 1, evidence: hit } : undefined;
    },
  },
  {
    id: 'prize-scam',
    prior: 1,
    label: {
      id: 'Pola penipuan hadiah/bantuan ("klik link", "selamat anda")',
      en: 'Prize or aid scam pattern ("click the link", "congratulations")',
    },
    detect: (ctx) => {
      const hit = firstWordMatch(SCAM, ctx);
      return hit ? { value: 1, evidence: hit } : undefined;
    },
  },
  {
    id: 'insists-true',
    prior: 0.5,
    label: { id: 'Menegaskan "bukan hoaks"/"100% benar"', en: 'Insists it is "not a hoax" / "100% true"' },
    detect: (ctx) => {
      const hit = firstWordMatch(INSISTS_TRUE, ctx);
      return hit ? { value: 1, evidence: hit } : undefined;
    },
  },
  {
    id: 'hoax-domain',
    prior: 2.5,
    label: { id: 'Tautan ke situs penyebar hoaks', en: 'Links to a known hoax site' },
    detect: (ctx, lists) => {
      const domain = ctx.domains.find((d) => listed(d, lists.hoax));
      return domain ? { value: 1, evidence: domain } : undefined;
    },
  },
  {
    id: 'opaque-link',
    prior: 0.5,
    label: { id: 'Tautan pendek/blog tanpa penerbit jelas', en: 'Shortened or anonymous-blog link' },
    detect: (ctx, lists) => {
      const domain = ctx.domains.find((d) => listed(d, lists.shorteners) || listed(d, lists.blogHosts));
      return domain ? { value: 1, evidence: domain } : undefined;
    },
  },
  {
    id: 'debunk',
    prior: -1.5,
    counter: true,
    label: {
      id: 'Bernada klarifikasi/cek fakta ("[SALAH]", "tidak benar")',
      en: 'Reads as a debunk or clarification ("[FALSE]", "not true")',
    },
    detect: (ctx) => {
      const label = firstMatch(DEBUNK_LABEL, ctx.raw);
      const cues =
        (possibleMatches & (LEAD_BITS.get(DEBUNK_CUES) ?? -1)) !== 0
          ? (ctx.normalized.match(DEBUNK_CUES) ?? [])
          : [];
      if (!label && cues.length === 0) return undefined;
      const value = label ? 1 : Math.min(1, cues.length / 2);
      return { value, evidence: label ?? [...new Set(cues)].slice(0, 3).join(', ') };
    },
  },
  {
    id: 'credible-source',
    prior: -0.7,
    counter: true,
    label: { id: 'Mengutip sumber resmi/media kredibel', en: 'Cites an official or credible source' },
    detect: (ctx, lists) => {
      const domain = ctx.domains.find(
        (d) =>
          listed(d, lists.credible) || lists.credibleSuffixes.some((s) => d === s || d.endsWith('.' + s)),
      );
      if (domain) return { value: 1, evidence: domain };
      const attribution = firstWordMatch(ATTRIBUTED_REPORTING, ctx);
      return attribution ? { value: 0.6, evidence: attribution } : undefined;
    },
  },
];

export interface DetectedSignal {
  definition: SignalDefinition;
  value: number;
  evidence?: string;
}

/**
 * The patterns of the wording signals, listed once: joined into the one pass that any of them needs to
 * match first (most posts match none, and then the nine separate patterns are skipped), and read for
 * the pre-check's lead-word bits below.
 */
const WORDING_PATTERNS: readonly RegExp[] = [
  STRONG_SHARE,
  WEAK_SHARE,
  URGENCY,
  ANONYMOUS_AUTHORITY,
  CURE_WORD,
  CONSPIRACY,
  CHAIN_LETTER,
  SCAM,
  INSISTS_TRUE,
];
const ANY_WORDING_SIGNAL = new RegExp(WORDING_PATTERNS.map((r) => r.source).join('|'));
const WORDING_SIGNALS = new Set([
  'share-call',
  'urgency',
  'anonymous-authority',
  'miracle-cure',
  'conspiracy',
  'chain-letter',
  'prize-scam',
  'insists-true',
]);

/**
 * The word patterns, each with a bit. Every alternative of each starts at a word boundary with a
 * letter or digit, so a match starts where a word of the normalised text starts, with one of the
 * pattern's leading words (leadingWords): a text none of whose tokens holds a word starting with one
 * of them cannot match, and the pattern is not run. Tokens repeat, so what each can start is worked
 * out once per token (cached on its TokenHashes) and a post costs one bit-or per token.
 */
const LEAD_PATTERNS: readonly RegExp[] = [
  STRONG_SHARE,
  WEAK_SHARE,
  URGENCY,
  ANONYMOUS_AUTHORITY,
  CURE_WORD,
  DISEASE_WORD,
  CONSPIRACY,
  CHAIN_LETTER,
  SCAM,
  INSISTS_TRUE,
  DEBUNK_CUES,
  ATTRIBUTED_REPORTING,
];
const LEAD_BITS = new Map(LEAD_PATTERNS.map((pattern, i) => [pattern, 1 << i]));
/** Leading word → bits of the patterns it can start. */
const LEADS: readonly (readonly [string, number])[] = (() => {
  const bits = new Map<string, number>();
  LEAD_PATTERNS.forEach((pattern, i) => {
    for (const lead of leadingWords(pattern)) bits.set(lead, (bits.get(lead) ?? 0) | (1 << i));
  });
  return [...bits];
})();

/** The patterns of the wording signals, which the wording pre-check stands for. */
const WORDING_BITS = WORDING_PATTERNS.reduce((bits, pattern) => bits | (LEAD_BITS.get(pattern) ?? 0), 0);
/**
 * Word prefixes (letters/digits) that every match of the pattern starts with, one of them per match.
 * Handles the regex forms the patterns use: a leading \b, literals, (?:…|…) groups (optional ones end
 * the prefix), lookbehinds (ignored: they only restrict), and anything else (\w*, \d+, " ?") ends the
 * prefix. Throws on a pattern it cannot vouch for (flags, or an alternative without a leading word).
 */
export function leadingWords(pattern: RegExp): string[] {
  if (pattern.flags.replace('g', '') !== '' || !pattern.source.startsWith('\\b'))
    throw new Error(`signal pattern ${pattern.source.slice(0, 40)}…: needs a leading \\b and no flags`);
  const source = pattern.source.slice(2);
  type Item = { char: string } | { alternatives: Item[][]; optional: boolean } | { stop: true };
  let pos = 0;
  const parseAlternatives = (): Item[][] => {
    const alternatives: Item[][] = [[]];
    while (pos < source.length && source[pos] !== ')') {
      const c = source[pos] as string;
      const current = alternatives[alternatives.length - 1] as Item[];
      if (c === '|') {
        alternatives.push([]);
        pos++;
      } else if (c === '(') {
        const lookaround = /^\(\?<?[!=]/.exec(source.slice(pos));
        pos += lookaround ? lookaround[0].length : source.startsWith('(?:', pos) ? 3 : 1;
        const inner = parseAlternatives();
        pos++; // ')'
        const quantifier = source[pos];
        const optional = quantifier === '?' || quantifier === '*';
        if (optional || quantifier === '+') pos++;
        if (!lookaround) current.push({ alternatives: inner, optional });
      } else if (c === '[' || c === '{') {
        throw new Error(`signal pattern ${pattern.source.slice(0, 40)}…: classes and counts are not handled`);
      } else if (c === '\\') {
        current.push({ stop: true });
        pos += 2;
      } else if (c === '?' || c === '*' || c === '+') {
        // The previous item may be absent (or repeated): the prefix ends before it.
        current.splice(current.length - 1, 1, { stop: true });
        pos++;
      } else {
        current.push(/[a-z0-9]/.test(c) ? { char: c } : { stop: true });
        pos++;
      }
    }
    return alternatives;
  };
  const top = parseAlternatives();
  const leads = new Set<string>();
  const walk = (items: readonly Item[], prefix: string): void => {
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as Item;
      if ('char' in item) {
        prefix += item.char;
        continue;
      }
      if ('alternatives' in item && !item.optional) {
        for (const alternative of item.alternatives) walk([...alternative, ...items.slice(i + 1)], prefix);
        return;
      }
      break;
    }
    if (prefix === '')
      throw new Error(`signal pattern ${pattern.source.slice(0, 40)}…: an alternative has no leading word`);
    leads.add(prefix);
  };
  for (const alternative of top) walk(alternative, '');
  return [...leads];
}

/** Bits of the patterns a match of which can start inside this token (at a word start). */
function tokenLeadMask(token: string): number {
  let mask = 0;
  for (let start = 0; start < token.length; start++) {
    if (start > 0 && /[A-Za-z0-9_]/.test(token.charAt(start - 1))) continue;
    for (const [lead, bits] of LEADS) if (token.startsWith(lead, start)) mask |= bits;
  }
  return mask;
}

function leadMask(tokens: readonly string[], hashes: readonly TokenHashes[]): number {
  let mask = 0;
  for (let i = 0; i < hashes.length; i++) {
    const h = hashes[i] as TokenHashes;
    let bits = h.signalLeads;
    if (bits === undefined) bits = h.signalLeads = tokenLeadMask(tokens[i] as string);
    mask |= bits;
  }
  return mask;
}

export function detectSignals(ctx: SignalContext, lists: DomainLists): DetectedSignal[] {
  const found: DetectedSignal[] = [];
  let wording: boolean;
  if (ctx.words) {
    possibleMatches = leadMask(ctx.words.tokens, ctx.words.hashes);
    wording = (possibleMatches & WORDING_BITS) !== 0;
  } else wording = ANY_WORDING_SIGNAL.test(ctx.normalized);
  try {
    for (const definition of SIGNALS) {
      if (!wording && WORDING_SIGNALS.has(definition.id)) continue;
      const hit = definition.detect(ctx, lists);
      if (hit && hit.value > 0) found.push({ definition, value: hit.value, evidence: hit.evidence });
    }
  } finally {
    possibleMatches = -1;
  }
  return found;
}
