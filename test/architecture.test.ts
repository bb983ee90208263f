import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The architecture rules of the README, checked: packages never import services, and each external
 * system is imported by exactly one adapter file.
 */
const root = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

const packageSources = readdirSync(path.join(root, 'packages')).flatMap((p) => {
  const src = path.join(root, 'packages', p, 'src');
  return statSync(src, { throwIfNoEntry: false })?.isDirectory() ? sourceFiles(src) : [];
});
const imports = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'|require\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]!);
const importersOf = (pattern: RegExp) =>
  packageSources.filter((f) => imports(f).some((i) => pattern.test(i))).map((f) => path.relative(root, f));

describe('architecture', () => {
  it('has no package importing a service', () => {
    const offenders = packageSources.filter((f) =>
      imports(f).some((i) => i.startsWith('@pantau/service-') || i.includes('/services/')),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps each external system behind one adapter file', () => {
    expect(importersOf(/^kafkajs$/)).toEqual(['packages/bus/src/kafka.ts']);
    expect(importersOf(/^@opensearch-project\/opensearch$/)).toEqual(['packages/store/src/opensearch.ts']);
    expect(importersOf(/^(bullmq|ioredis)$/)).toEqual(['packages/queue/src/bullmq.ts']);
  });

  it('reads the environment only in the config module', () => {
    const readers = packageSources
      .filter((f) => /process\.env\b/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(root, f));
    expect(readers.filter((f) => !f.startsWith('packages/testkit/'))).toEqual([
      'packages/runtime/src/config.ts',
    ]);
  });
});
