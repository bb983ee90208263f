import { createHash } from 'node:crypto';
import { parse } from 'node-html-parser';

/**
 * Text and dates as feeds give them: HTML descriptions become plain text (tags dropped, entities
 * decoded, scripts/styles removed), and the date formats Indonesian portals actually use are read
 * with their offsets kept right.
 */
export function htmlToText(html: string | undefined): string {
  if (!html) return '';
  const root = parse(html, { blockTextElements: { script: false, style: false, noscript: false } });
  return root.structuredText.replace(/\s+/g, ' ').trim();
}

export function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 24);
}

/** Title + description, without repeating a description that merely restates the title. */
export function joinTitleAndBody(title: string, body: string, max = 20_000): string {
  const t = title.trim();
  const b = body.trim();
  const text = !b || b === t ? t : !t || b.startsWith(t) ? b : `${t}\n\n${b}`;
  return text.slice(0, max);
}

const ZONES: Record<string, string> = {
  WIB: '+07:00',
  WITA: '+08:00',
  WIT: '+09:00',
  UT: '+00:00',
  UTC: '+00:00',
  GMT: '+00:00',
  Z: '+00:00',
  EST: '-05:00',
  EDT: '-04:00',
  CST: '-06:00',
  CDT: '-05:00',
  MST: '-07:00',
  MDT: '-06:00',
  PST: '-08:00',
  PDT: '-07:00',
};

const MONTHS: Record<string, number> = {
  jan: 1,
  januari: 1,
  january: 1,
  feb: 2,
  februari: 2,
  february: 2,
  peb: 2,
  mar: 3,
  maret: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  mei: 5,
  jun: 6,
  juni: 6,
  june: 6,
  jul: 7,
  juli: 7,
  july: 7,
  aug: 8,
  agu: 8,
  ags: 8,
  agt: 8,
  agustus: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  okt: 10,
  oktober: 10,
  october: 10,
  nov: 11,
  nop: 11,
  november: 11,
  dec: 12,
  des: 12,
  desember: 12,
  december: 12,
};

function offset(zone: string | undefined, fallback: string): string {
  if (!zone) return fallback;
  const named = ZONES[zone.toUpperCase()];
  if (named) return named;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  return m ? `${m[1]}${m[2]}:${m[3]}` : fallback;
}

const pad = (n: number | string) => String(n).padStart(2, '0');

/**
 * An item's date as an ISO-8601 instant, or undefined when it has none we can read. Handles
 * RFC-822 (`Mon, 30 Nov 2026 15:04:05 +0700`, `… WIB`, Indonesian day and month names), ISO-8601 and
 * Dublin Core (`2026-11-30T15:04:05+07:00`), and zone-less dates read in `defaultOffset` (the
 * portal's own time, WIB unless configured).
 */
export function parseFeedDate(raw: string | undefined, defaultOffset = '+07:00'): string | undefined {
  if (!raw) return undefined;
  const value = raw.trim();
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2}|[A-Za-z]{1,4})?$/.exec(
      value,
    );
  if (iso) {
    const [, y, mo, d, h = '00', mi = '00', s = '00', frac, zone] = iso;
    const ms = frac ? `.${frac.slice(0, 3).padEnd(3, '0')}` : '';
    return toIso(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${offset(zone, defaultOffset)}`);
  }
  const rfc =
    /^(?:[A-Za-z]+,?\s+)?(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{2,4})(?:,?\s+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?\s*([A-Za-z]{1,4}|[+-]\d{2}:?\d{2})?$/.exec(
      value,
    );
  if (rfc) {
    const [, d, monthName, yRaw, h = '0', mi = '00', s = '00', zone] = rfc;
    const month = MONTHS[monthName!.toLowerCase()];
    if (!month) return undefined;
    const year = yRaw!.length === 2 ? 2000 + Number(yRaw) : Number(yRaw);
    return toIso(`${year}-${pad(month)}-${pad(d!)}T${pad(h)}:${mi}:${s}${offset(zone, defaultOffset)}`);
  }
  return toIso(value);
}

function toIso(value: string): string | undefined {
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
