import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The regions of Indonesia Pantau routes by: the provinces and cities of the scorer's gazetteer (the
 * same ids its entity mentions carry), read from this package's data file so the two never drift. What a
 * subscription may ask for and a source or a pushed post may declare. A light module (the data file
 * only): the API and the source registry import it as `@pantau/nlp-id/src/regions` without loading the
 * NLP.
 */
export interface Region {
  id: string;
  kind: 'province' | 'city';
  name: string;
  /** A city's province. */
  province?: string;
}

/** A region with its province's name (a city's; what the scorer adds to a post). */
export interface RegionWithProvince extends Region {
  provinceName?: string;
}

interface Catalogue {
  list: Region[];
  byId: Map<string, RegionWithProvince>;
  /** Ids, names and aliases, lower-cased with single spaces → id. */
  byName: Map<string, string>;
}
let loaded: Catalogue | undefined;

/** The gazetteer's provinces and cities, read once. */
function catalogue(): Catalogue {
  if (loaded) return loaded;
  const file = path.join(
    path.dirname(require.resolve('@pantau/nlp-id/package.json')),
    'data/gazetteer-id.json',
  );
  const gazetteer = JSON.parse(readFileSync(file, 'utf8')) as {
    provinces: { id: string; name: string; aliases?: string[] }[];
    cities: { id: string; name: string; province?: string; aliases?: string[] }[];
  };
  const provinceNames = new Map(gazetteer.provinces.map((p) => [p.id, p.name]));
  const list: Region[] = [
    ...gazetteer.provinces.map((p) => ({ id: p.id, kind: 'province' as const, name: p.name })),
    ...gazetteer.cities.map((c) => ({
      id: c.id,
      kind: 'city' as const,
      name: c.name,
      ...(c.province ? { province: c.province } : {}),
    })),
  ];
  const byId = new Map<string, RegionWithProvince>(
    list.map((r) => [
      r.id,
      r.province ? { ...r, provinceName: provinceNames.get(r.province) ?? r.province } : r,
    ]),
  );
  const byName = new Map<string, string>();
  // Provinces first: a name shared by a province and a city (Bengkulu, Gorontalo) means the province.
  for (const r of [...gazetteer.provinces, ...gazetteer.cities])
    for (const key of [r.id, r.name, ...(r.aliases ?? [])]) {
      const k = nameKey(key);
      if (!byName.has(k)) byName.set(k, r.id);
    }
  return (loaded = { list, byId, byName });
}
const nameKey = (written: string) => written.trim().toLowerCase().replace(/\s+/g, ' ');

/** Every province and city (what GET /v1/regions lists). */
export function regions(): Region[] {
  return catalogue().list;
}

/** A province or city by its id, a city with its province's id and name; undefined for an unknown id. */
export function region(id: string): RegionWithProvince | undefined {
  return catalogue().byId.get(id);
}

/**
 * A region id from what a client wrote: an id (`jatim`), a name or a gazetteer alias, in any case
 * (`Jawa Timur`, `JATIM`, `Kota Surabaya`); undefined when it names no province or city.
 */
export function regionIdOf(written: string): string | undefined {
  return catalogue().byName.get(nameKey(written));
}

/** The ids in `wanted` that are no known region. */
export function unknownRegions(wanted: readonly string[] = []): string[] {
  const { byId } = catalogue();
  return wanted.filter((id) => !byId.has(id));
}
