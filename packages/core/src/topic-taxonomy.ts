/**
 * The fixed topic taxonomy agencies are organised by. Ids are Indonesian and stable (they are stored
 * on posts and issues, used in `topic:` watchlist queries and in agencies' topics of interest); labels
 * are for people, in Bahasa Indonesia and English.
 */
export const TOPIC_IDS = [
  'kesehatan',
  'ekonomi',
  'bencana',
  'politik',
  'hukum',
  'agama',
  'pendidikan',
  'transportasi',
  'teknologi',
  'olahraga',
  'hiburan',
  'lainnya',
] as const;

export type TopicId = (typeof TOPIC_IDS)[number];

export interface TopicDefinition {
  id: TopicId;
  label: { id: string; en: string };
}

export const TOPICS: readonly TopicDefinition[] = [
  { id: 'kesehatan', label: { id: 'Kesehatan', en: 'Health' } },
  { id: 'ekonomi', label: { id: 'Ekonomi dan harga', en: 'Economy and prices' } },
  { id: 'bencana', label: { id: 'Bencana alam', en: 'Disasters' } },
  { id: 'politik', label: { id: 'Politik dan pemilu', en: 'Politics and elections' } },
  { id: 'hukum', label: { id: 'Hukum dan keamanan', en: 'Law, crime and security' } },
  { id: 'agama', label: { id: 'Agama', en: 'Religion' } },
  { id: 'pendidikan', label: { id: 'Pendidikan', en: 'Education' } },
  { id: 'transportasi', label: { id: 'Transportasi', en: 'Transport' } },
  { id: 'teknologi', label: { id: 'Teknologi dan digital', en: 'Technology and digital' } },
  { id: 'olahraga', label: { id: 'Olahraga', en: 'Sports' } },
  { id: 'hiburan', label: { id: 'Hiburan dan selebritas', en: 'Entertainment and celebrities' } },
  {
    id: 'lainnya',
    label: { id: 'Lainnya (gaya hidup, wisata, kuliner)', en: 'Other (lifestyle, travel, food)' },
  },
];

const TOPIC_SET: ReadonlySet<string> = new Set(TOPIC_IDS);

export function isTopicId(value: string): value is TopicId {
  return TOPIC_SET.has(value);
}

export function topicLabel(id: string): { id: string; en: string } {
  return TOPICS.find((t) => t.id === id)?.label ?? { id, en: id };
}

/** A topic counts for an issue when at least this share of its posts carry it (its top topic always counts). */
export const ISSUE_TOPIC_MIN_SHARE = 0.2;

/** An issue's topic mix from per-topic post counts: most frequent first, small shares dropped. */
export function issueTopicMix(
  counts: Iterable<[string, number]>,
  total: number,
): { id: string; count: number; share: number }[] {
  if (total <= 0) return [];
  const sorted = [...counts].filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return sorted
    .filter(([, c], i) => i === 0 || c / total >= ISSUE_TOPIC_MIN_SHARE)
    .map(([id, count]) => ({ id, count, share: Math.round((count / total) * 1000) / 1000 }));
}

/**
 * Default topics of interest for well-known agencies, by name or acronym (an agency may change them).
 * Matched on whole words of the agency's name, case-insensitively.
 */
const AGENCY_TOPICS: readonly [RegExp, TopicId[]][] = [
  [/\b(kemenkes|kementerian kesehatan|bpom|dinkes|dinas kesehatan|bpjs kesehatan)\b/i, ['kesehatan']],
  [
    /\b(bi|bank indonesia|ojk|otoritas jasa keuangan|kemenkeu|kementerian keuangan|kemendag|bps)\b/i,
    ['ekonomi'],
  ],
  [/\b(bnpb|bpbd|bmkg|basarnas)\b/i, ['bencana']],
  [/\b(kpu|bawaslu|dkpp)\b/i, ['politik']],
  [/\b(polri|polda|polres|kepolisian|kejaksaan|kejagung|kpk|bnn)\b/i, ['hukum']],
  [/\b(kemenag|kementerian agama)\b/i, ['agama']],
  [
    /\b(kemendikdasmen|kemendikbud|kemdiktisaintek|kementerian pendidikan|dinas pendidikan)\b/i,
    ['pendidikan'],
  ],
  [
    /\b(kemenhub|kementerian perhubungan|pu|pupr|kementerian pu|kementerian pekerjaan umum|dishub|korlantas)\b/i,
    ['transportasi'],
  ],
  [/\b(komdigi|kominfo|kementerian komunikasi|bssn)\b/i, ['teknologi']],
  [/\b(kemenpora)\b/i, ['olahraga']],
];

export function suggestTopicsForAgency(name: string): TopicId[] {
  const out: TopicId[] = [];
  for (const [pattern, topics] of AGENCY_TOPICS)
    if (pattern.test(name)) for (const t of topics) if (!out.includes(t)) out.push(t);
  return out;
}
