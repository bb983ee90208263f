/**
 * Regions of an issue: the provinces and cities its posts name (the scorer's gazetteer mentions; a city
 * also counts for its province, so a subscription for `jatim` hears of a story told about Surabaya).
 * Agencies' subscriptions can ask for alerts about some regions only (`regions` on a subscription).
 */

/** A region counts for an issue when at least this share of its posts name it … */
export const ISSUE_REGION_MIN_SHARE = 0.1;
/** … and at least this many (one post naming a town is not a regional story). */
export const ISSUE_REGION_MIN_POSTS = 2;
/** The most regions an issue lists. */
const MAX_ISSUE_REGIONS = 10;

export interface IssueRegion {
  /** Gazetteer id: a province (`jatim`) or a city (`surabaya`). */
  id: string;
  name: string;
  count: number;
  share: number;
}

export interface RegionEntity {
  kind: string;
  id: string;
  name: string;
  province?: string;
  provinceName?: string;
}

/**
 * The region ids and names of one post, each once: the provinces and cities its text names, the region
 * its source declares (`declared`, resolved in the gazetteer), and the cities' provinces.
 */
export function postRegions(
  entities: readonly RegionEntity[] | undefined,
  declared?: RegionEntity,
): Map<string, string> {
  const regions = new Map<string, string>();
  for (const e of declared ? [...(entities ?? []), declared] : (entities ?? [])) {
    if (e.kind !== 'province' && e.kind !== 'city') continue;
    regions.set(e.id, e.name);
    if (e.kind === 'city' && e.province && !regions.has(e.province))
      regions.set(e.province, e.provinceName ?? e.province);
  }
  return regions;
}

/** The regions of an issue from its per-region post counts: the most named first. */
export function issueRegionMix(
  counts: Iterable<[string, number]>,
  names: ReadonlyMap<string, string>,
  total: number,
): IssueRegion[] {
  if (total <= 0) return [];
  return [...counts]
    .filter(([, c]) => c >= ISSUE_REGION_MIN_POSTS && c / total >= ISSUE_REGION_MIN_SHARE)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_ISSUE_REGIONS)
    .map(([id, count]) => ({
      id,
      name: names.get(id) ?? id,
      count,
      share: Math.round((count / total) * 1000) / 1000,
    }));
}

/**
 * Whether an alert on an issue in `issueRegions` goes to a subscription that asks for `wanted`: every
 * alert when it asks for none, else only alerts about one of its regions.
 */
export function regionsMatch(
  wanted: readonly string[] | undefined,
  issueRegions: readonly { id: string }[] | undefined,
): boolean {
  if (!wanted?.length) return true;
  return (issueRegions ?? []).some((r) => wanted.includes(r.id));
}
