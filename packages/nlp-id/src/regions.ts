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

let catalogue: Region[] | undefined;

const gazetteerFile = () =>
  path.join(path.dirname(require.resolve('@pantau/nlp-id/package.json')), 'data/gazetteer-id.json');

export function regions(): Region[] {
  if (catalogue) return catalogue;
  const gazetteer = JSON.parse(readFileSync(gazetteerFile(), 'utf8')) as {
    provinces: { id: string; name: string }[];
    cities: { id: string; name: string; province?: string }[];
  };
  catalogue = [
    ...gazetteer.provinces.map((p) => ({ id: p.id, kind: 'province' as const, name: p.name })),
    ...gazetteer.cities.map((c) => ({
      id: c.id,
      kind: 'city' as const,
      name: c.name,
      ...(c.province ? { province: c.province } : {}),
    })),
  ];
  return catalogue;
}

/**
 * A region id from what a client wrote: an id (`jatim`), a name or a gazetteer alias, in any case
 * (`Jawa Timur`, `JATIM`, `Kota Surabaya`); undefined when it names no province or city.
 */
export function regionIdOf(written: string): string | undefined {
  if (!byName) {
    byName = new Map();
    const gazetteer = JSON.parse(readFileSync(gazetteerFile(), 'utf8')) as {
      provinces: { id: string; name: string; aliases?: string[] }[];
      cities: { id: string; name: string; aliases?: string[] }[];
    };
    // Provinces first: a name shared by a province and a city (Bengkulu, Gorontalo) means the province.
    for (const r of [...gazetteer.provinces, ...gazetteer.cities])
      for (const key of [r.id, r.name, ...(r.aliases ?? [])]) {
        const k = key.trim().toLowerCase().replace(/\s+/g, ' ');
        if (!byName.has(k)) byName.set(k, r.id);
      }
  }
  return byName.get(written.trim().toLowerCase().replace(/\s+/g, ' '));
}
let byName: Map<string, string> | undefined;

/** The ids in `wanted` that are no known region. */
export function unknownRegions(wanted: readonly string[] = []): string[] {
  known ??= new Set(regions().map((r) => r.id));
  return wanted.filter((id) => !known!.has(id));
}
let known: Set<string> | undefined;
