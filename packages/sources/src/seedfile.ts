import { readFileSync } from 'node:fs';
import { PantauError } from '@pantau/core';
import { parse } from 'yaml';
import { validateSourcesFile, type SourcesFile } from './schema';
import { CONNECTORS } from './connectors';

/**
 * PANTAU_SOURCES=sources.yaml: read with the `yaml` library, checked against the source schema and
 * each kind's own config checks, every problem reported at once (the service refuses to start).
 */
export function loadSourcesFile(file: string): SourcesFile['sources'] {
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PantauError('CONFIG_INVALID', `${file}: ${(err as Error).message}`, { cause: err });
  }
  const result = validateSourcesFile.check(data);
  if (!result.ok)
    throw new PantauError(
      'CONFIG_INVALID',
      `${file}: ${result.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      { details: result.problems },
    );
  const problems: string[] = [];
  const ids = new Set<string>();
  result.value.sources.forEach((s, i) => {
    if (ids.has(s.id)) problems.push(`/sources/${i}/id '${s.id}' appears twice`);
    ids.add(s.id);
    for (const p of CONNECTORS.get(s.kind)?.validate(s.config) ?? [])
      problems.push(`/sources/${i} (${s.id}): ${p}`);
  });
  if (problems.length)
    throw new PantauError('CONFIG_INVALID', `${file}: ${problems.join('; ')}`, { details: problems });
  return result.value.sources;
}
