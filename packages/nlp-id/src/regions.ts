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

export function regions(): Region[] {
  if (catalogue) return catalogue;
  const file = path.join(
    path.dirname(require.resolve('@pantau/nlp-id/package.json')),
    'data/gazetteer-id.json',
  );
  const gazetteer = JSON.parse(readFileSync(file, 'utf8')) as {
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

/** The ids in `wanted` that are no known region. */
export function unknownRegions(wanted: readonly string[] = []): string[] {
  known ??= new Set(regions().map((r) => r.id));
  return wanted.filter((id) => !known!.has(id));
}
let known: Set<string> | undefined;
