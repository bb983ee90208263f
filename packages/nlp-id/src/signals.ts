/**
 * Textual hoax signals an analyst can read. Each detector returns a strength in [0,1]; the hoax model
 * learns how much each one is worth (a labelled retrain re-learns them), and the score explains
 * itself through them.
 */
import * as fs from 'node:fs';
import { dataFile } from './resources';

export interface SignalContext {
  /** NFKC text as written (case kept). */
  raw: string;
  /** Normalised text: lower case, slang resolved (sblm → sebelum, temen → teman, yg → yang). */
  normalized: string;
  domains: readonly string[];
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
      const strong = firstMatch(STRONG_SHARE, ctx.normalized);
      if (strong) return { value: 1, evidence: strong };
      const weak = firstMatch(WEAK_SHARE, ctx.normalized);
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
      const hit = firstMatch(URGENCY, ctx.normalized);
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
      const hit = firstMatch(ANONYMOUS_AUTHORITY, ctx.normalized);
      return hit ? { value: 1, evidence: hit.trim() } : undefined;
    },
  },
  {
    id: 'miracle-cure',
    prior: 1,
    label: { id: 'Klaim pengobatan ajaib', en: 'Miracle-cure claim' },
    detect: (ctx) => {
      const cure = firstMatch(CURE_WORD, ctx.normalized);
      if (!cure) return undefined;
      const disease = firstMatch(DISEASE_WORD, ctx.normalized);
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
      const hit = firstMatch(CONSPIRACY, ctx.normalized);
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
      const hit = firstMatch(CHAIN_LETTER, ctx.normalized);
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
      const hit = firstMatch(SCAM, ctx.normalized);
      return hit ? { value: 1, evidence: hit } : undefined;
    },
  },
  {
    id: 'insists-true',
    prior: 0.5,
    label: { id: 'Menegaskan "bukan hoaks"/"100% benar"', en: 'Insists it is "not a hoax" / "100% true"' },
    detect: (ctx) => {
      const hit = firstMatch(INSISTS_TRUE, ctx.normalized);
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
      const cues = ctx.normalized.match(DEBUNK_CUES) ?? [];
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
      const attribution = firstMatch(ATTRIBUTED_REPORTING, ctx.normalized);
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
 * One pass that any wording-based signal needs to match first: most posts match none, and then the
 * eleven separate patterns are skipped.
 */
const ANY_WORDING_SIGNAL = new RegExp(
  [
    STRONG_SHARE,
    WEAK_SHARE,
    URGENCY,
    ANONYMOUS_AUTHORITY,
    CURE_WORD,
    CONSPIRACY,
    CHAIN_LETTER,
    SCAM,
    INSISTS_TRUE,
  ]
    .map((r) => r.source)
    .join('|'),
);
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

export function detectSignals(ctx: SignalContext, lists: DomainLists): DetectedSignal[] {
  const found: DetectedSignal[] = [];
  const wording = ANY_WORDING_SIGNAL.test(ctx.normalized);
  for (const definition of SIGNALS) {
    if (!wording && WORDING_SIGNALS.has(definition.id)) continue;
    const hit = definition.detect(ctx, lists);
    if (hit && hit.value > 0) found.push({ definition, value: hit.value, evidence: hit.evidence });
  }
  return found;
}
