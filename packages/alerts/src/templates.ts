import type { AlertIssue, AlertPayload, AlertPost, Clarification, Language } from './types';

/**
 * The one template set every channel writes its messages from: what a message says, in Bahasa
 * Indonesia (default) or English, as plain parts. Each channel only lays these parts out in its own
 * format (Slack blocks, Telegram HTML, e-mail text + HTML, …), so a wording change happens here once
 * and its tests (templates.test.ts) pin the exact text.
 */
export interface MessageLink {
  text: string;
  url?: string;
}

export interface MessageSection {
  title: string;
  items: MessageLink[];
}

export interface MessageParts {
  language: Language;
  kind: 'alert' | 'update' | 'clarification' | 'digest';
  /** The first line / header / e-mail subject. */
  heading: string;
  /** Why this message now: the alert's reason, or who clarified what. */
  whyNow: string;
  /** The numbers behind it. */
  counts: string;
  /** Highest hoax score among the sample posts and its top reasons, when the posts carry one. */
  hoax?: string;
  /** Official clarification just published (a clarification push): its text and link. */
  clarification?: MessageLink;
  /** Sections in order: fact-checks, sample posts, clarifications (only those with items). */
  sections: MessageSection[];
  /** Link to the issue in the dashboard. */
  issueLink?: MessageLink;
}

interface Words {
  rising: string;
  update: string;
  clarified: string;
  counts: (windowCount: string, minutes: number, authors: string, total: string) => string;
  regions: string;
  sources: string;
  coordinated: string;
  hoax: (score: string) => string;
  reasons: string;
  clarifiedBy: (agency: string, title: string) => string;
  readClarification: string;
  factChecks: string;
  posts: string;
  clarifications: string;
  openIssue: string;
  noText: string;
  digest: (issues: string) => string;
  heldSince: (since: string) => string;
  issues: string;
}

const WORDS: Record<Language, Words> = {
  id: {
    rising: 'Isu naik',
    update: 'Pembaruan isu',
    clarified: 'Klarifikasi resmi',
    counts: (n, m, a, t) => `${n} unggahan dalam ${m} menit · ${a} akun · ${t} unggahan total`,
    regions: 'wilayah',
    sources: 'sumber',
    coordinated: 'terindikasi terkoordinasi',
    hoax: (s) => `Skor hoaks tertinggi: ${s}`,
    reasons: 'alasan',
    clarifiedBy: (agency, title) => `${agency} mengklarifikasi isu "${title}".`,
    readClarification: 'Baca klarifikasi',
    factChecks: 'Cek fakta terkait',
    posts: 'Contoh unggahan',
    clarifications: 'Klarifikasi resmi',
    openIssue: 'Buka isu di Pantau',
    noText: '(tanpa teks)',
    digest: (n) => `Ringkasan peringatan: ${n} isu`,
    heldSince: (t) => `Peringatan yang ditahan sejak ${t} WIB (jam tenang atau pengaturan ringkasan).`,
    issues: 'Isu',
  },
  en: {
    rising: 'Rising issue',
    update: 'Issue update',
    clarified: 'Official clarification',
    counts: (n, m, a, t) => `${n} posts in ${m} minutes · ${a} accounts · ${t} posts in total`,
    regions: 'regions',
    sources: 'sources',
    coordinated: 'looks coordinated',
    hoax: (s) => `Highest hoax score: ${s}`,
    reasons: 'reasons',
    clarifiedBy: (agency, title) => `${agency} clarified the issue "${title}".`,
    readClarification: 'Read the clarification',
    factChecks: 'Related fact-checks',
    posts: 'Sample posts',
    clarifications: 'Official clarifications',
    openIssue: 'Open the issue in Pantau',
    noText: '(no text)',
    digest: (n) => `Alert digest: ${n} issues`,
    heldSince: (t) => `Alerts held since ${t} WIB (quiet hours or digest setting).`,
    issues: 'Issues',
  },
};

const MAX_POSTS = 3;
const MAX_POST_CHARS = 200;
const MAX_FACT_CHECKS = 3;
const MAX_REASONS = 3;

function count(n: number, language: Language): string {
  return Math.round(n).toLocaleString(language === 'id' ? 'id-ID' : 'en-US');
}

function decimal(n: number, language: Language): string {
  const fixed = n.toFixed(2);
  return language === 'id' ? fixed.replace('.', ',') : fixed;
}

/** Shortens on a word boundary and says so with an ellipsis. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function hoaxLine(posts: AlertPost[], language: Language): string | undefined {
  const scored = posts.filter((p) => typeof p.hoaxScore === 'number');
  if (scored.length === 0) return undefined;
  const top = Math.max(...scored.map((p) => p.hoaxScore!));
  // The reasons the scorer gave most weight to, summed over the sample posts.
  const weights = new Map<string, { weight: number; label: string }>();
  for (const post of posts)
    for (const s of post.signals ?? []) {
      const seen = weights.get(s.id);
      weights.set(s.id, { weight: (seen?.weight ?? 0) + s.weight, label: s.label[language] });
    }
  const reasons = [...weights.values()]
    .sort((a, b) => b.weight - a.weight)
    .slice(0, MAX_REASONS)
    .map((r) => r.label);
  const words = WORDS[language];
  return `${words.hoax(decimal(top, language))}${reasons.length ? ` — ${words.reasons}: ${reasons.join('; ')}` : ''}`;
}

/**
 * The fact-checks the sample posts restate (closest first), then those the rest of the issue's posts
 * restate (most posts first): three sample posts may not be the ones that match a debunk.
 */
function factChecks(posts: AlertPost[], issueChecks: AlertIssue['factChecks'] = []): MessageLink[] {
  const best = new Map<string, { title: string; url?: string; similarity: number }>();
  for (const post of posts)
    for (const m of post.claimMatches ?? []) {
      const seen = best.get(m.factCheckId);
      if (!seen || m.similarity > seen.similarity) best.set(m.factCheckId, m);
    }
  const fromPosts = [...best.values()].sort((a, b) => b.similarity - a.similarity);
  const fromIssue = issueChecks.filter((f) => !best.has(f.id));
  return [...fromPosts, ...fromIssue]
    .slice(0, MAX_FACT_CHECKS)
    .map((m) => (m.url ? { text: m.title, url: m.url } : { text: m.title }));
}

function samplePosts(posts: AlertPost[], language: Language): MessageLink[] {
  return posts
    .filter((p) => p.text || p.url)
    .slice(0, MAX_POSTS)
    .map((p) => {
      const text = `${p.text ? truncate(p.text, MAX_POST_CHARS) : WORDS[language].noText}${p.source ? ` (${p.source})` : ''}`;
      return p.url ? { text, url: p.url } : { text };
    });
}

function clarificationItems(clarifications: Clarification[], skip?: string): MessageLink[] {
  return clarifications
    .filter((c) => c.id !== skip)
    .map((c) => {
      const text = `${c.agencyName}: ${c.text}`;
      return c.url ? { text, url: c.url } : { text };
    });
}

export interface RenderOptions {
  /** Dashboard link of an issue (PUBLIC_URL/#/isu/<id>); none = no link. */
  issueUrl?: (issueId: string) => string;
}

/** What a message about this payload says, in `language`. */
export function messageParts(
  payload: AlertPayload,
  language: Language = 'id',
  options: RenderOptions = {},
): MessageParts {
  const words = WORDS[language];
  const { alert } = payload;
  const { issue } = alert;
  const minutes = Math.max(1, Math.round(issue.windowMs / 60_000));
  const counts =
    words.counts(
      count(issue.windowCount, language),
      minutes,
      count(issue.distinctAuthors, language),
      count(issue.total, language),
    ) +
    (issue.coordinated ? ` · ${words.coordinated}` : '') +
    // Where the story is told about (the three regions most of its posts name).
    (issue.regions?.length
      ? ` · ${words.regions}: ${issue.regions
          .slice(0, 3)
          .map((r) => r.name)
          .join(', ')}`
      : '') +
    // Where it is told: the three busiest sources and their share of its posts.
    (issue.sources?.length
      ? ` · ${words.sources}: ${issue.sources
          .slice(0, 3)
          .map((x) => `${x.source} ${Math.round(x.share * 100)}%`)
          .join(', ')}`
      : '');
  if (payload.type === 'digest' && payload.digest) return digestParts(payload, language, counts, options);
  const pushed = payload.type === 'clarification' ? payload.clarification : undefined;
  const kind = pushed ? 'clarification' : alert.version > 1 ? 'update' : 'alert';
  const heading = `${pushed ? words.clarified : kind === 'update' ? words.update : words.rising}: ${issue.title}`;
  const sections: MessageSection[] = [
    { title: words.factChecks, items: factChecks(alert.posts, issue.factChecks) },
    { title: words.posts, items: samplePosts(alert.posts, language) },
    { title: words.clarifications, items: clarificationItems(alert.clarifications ?? [], pushed?.id) },
  ].filter((s) => s.items.length > 0);
  const hoax = hoaxLine(alert.posts, language);
  return {
    language,
    kind,
    heading,
    whyNow: pushed ? words.clarifiedBy(pushed.agencyName, issue.title) : alert.summary[language],
    counts,
    ...(hoax ? { hoax } : {}),
    ...(pushed
      ? { clarification: pushed.url ? { text: pushed.text, url: pushed.url } : { text: pushed.text } }
      : {}),
    sections,
    ...(options.issueUrl ? { issueLink: { text: words.openIssue, url: options.issueUrl(issue.id) } } : {}),
  };
}

/** Time of day in Jakarta (WIB), as agencies read it. */
function jakartaTime(iso: string, language: Language): string {
  return new Date(iso).toLocaleString(language === 'id' ? 'id-ID' : 'en-GB', {
    timeZone: 'Asia/Jakarta',
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

/** A digest: the held alerts (newest first), one line each with why it fired and a link. */
function digestParts(
  payload: AlertPayload,
  language: Language,
  counts: string,
  options: RenderOptions,
): MessageParts {
  const words = WORDS[language];
  const alerts = payload.digest!.alerts;
  return {
    language,
    kind: 'digest',
    heading: words.digest(count(alerts.length, language)),
    whyNow: words.heldSince(jakartaTime(payload.digest!.heldSince, language)),
    counts,
    sections: [
      {
        title: words.issues,
        items: alerts.map((a) => {
          const text = `${a.issue.title} — ${a.summary[language]}`;
          return options.issueUrl ? { text, url: options.issueUrl(a.issue.id) } : { text };
        }),
      },
    ],
  };
}

/** The link label under a pushed clarification. */
export function readClarificationLabel(language: Language): string {
  return WORDS[language].readClarification;
}

/** Plain text (e-mail text part, and the base other formats follow). */
export function plainText(parts: MessageParts): string {
  const lines = [parts.heading, '', parts.whyNow];
  if (parts.clarification) {
    lines.push('', parts.clarification.text);
    if (parts.clarification.url)
      lines.push(`${readClarificationLabel(parts.language)}: ${parts.clarification.url}`);
  }
  lines.push('', parts.counts);
  if (parts.hoax) lines.push(parts.hoax);
  for (const section of parts.sections) {
    lines.push('', `${section.title}:`);
    for (const item of section.items) lines.push(`- ${item.text}${item.url ? ` ${item.url}` : ''}`);
  }
  if (parts.issueLink) lines.push('', `${parts.issueLink.text}: ${parts.issueLink.url}`);
  return `${lines.join('\n')}\n`;
}

/** Escapes text for HTML bodies and attributes (e-mail, Telegram's HTML parse mode). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Only http(s) links are ever rendered as links (a post URL comes from the outside world). */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}
