import { parseArgs } from 'node:util';
import { Type } from '@sinclair/typebox';
import { isPantauError } from '@pantau/core';
import { configSchema, credentialFromEnv, loadConfig } from '@pantau/runtime';
import { checkSources, createHttpClient, loadSourcesFile } from '@pantau/sources';
import type { Io } from './cli';
import { UsageError } from './usage';

/** `pantau sources check [--file sources.yaml] [--allow-private]`: exit 0 all fine, 1 a source failed, 2 bad file. */
export async function sources(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'check') throw new UsageError(`unknown sources command "${sub ?? ''}"`);
  const { values } = parseArgs({
    args: rest,
    options: { file: { type: 'string' }, 'allow-private': { type: 'boolean' } },
    allowPositionals: false,
  });
  const env = loadConfig(
    configSchema({
      PANTAU_SOURCES: Type.String({ default: '' }),
      ALLOW_PRIVATE_SOURCES: Type.Boolean({ default: false }),
    }),
  );
  const file = values.file ?? env.PANTAU_SOURCES;
  if (!file) throw new UsageError('--file is required (or set PANTAU_SOURCES)');
  let list;
  try {
    list = loadSourcesFile(file);
  } catch (err) {
    if (!isPantauError(err)) throw err;
    io.stderr.write(`pantau: ${err.message}\n`);
    return 2;
  }
  io.stderr.write(`${file}: ${list.length} source(s), schema ok; reading each once…\n`);
  const http = createHttpClient({
    allowPrivate: values['allow-private'] === true || env.ALLOW_PRIVATE_SOURCES,
  });
  const results = await checkSources(list, { http, credential: credentialFromEnv });
  for (const r of results) {
    if (!r.ok) {
      io.stdout.write(`✗ ${r.id} (${r.kind}): ${r.error!.code} ${r.error!.message}\n`);
      continue;
    }
    const what = r.kind === 'factcheck' ? `${r.factChecks} fact-checks` : `${r.items} items`;
    io.stdout.write(`✓ ${r.id} (${r.kind}): ${what}, ${r.skipped.length} skipped\n`);
    for (const s of r.sample) io.stdout.write(`    ${s.publishedAt}  ${s.text.replace(/\s+/g, ' ')}\n`);
    for (const s of r.skipped.slice(0, 5)) io.stdout.write(`    skipped ${s.ref}: ${s.reason}\n`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
