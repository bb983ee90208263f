import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jitterOffset, loadSourcesFile } from '../src';

const dir = mkdtempSync(path.join(tmpdir(), 'pantau-sources-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('PANTAU_SOURCES file', () => {
  it('reads the shipped example', () => {
    const list = loadSourcesFile(path.join(__dirname, '../../../infra/sources/sources.example.yaml'));
    expect(list.map((s) => s.kind)).toEqual(['rss', 'rss', 'factcheck', 'factcheck', 'mastodon', 'reddit']);
    expect(list.find((s) => s.id === 'mastodon-hoaks')).toMatchObject({ credentialsEnv: 'MASTODON_TOKEN' });
  });

  it('reports every problem at once', () => {
    const file = write(
      'bad.yaml',
      `sources:
  - id: dup
    kind: rss
    name: A
    config: { url: "ftp://x" }
  - id: dup
    kind: reddit
    name: B
    config: { subreddit: "r/x y" }
`,
    );
    expect(() => loadSourcesFile(file)).toThrow(
      /config.url must be http\(s\).*'dup' appears twice.*config.subreddit must be a subreddit name/,
    );
  });

  it('refuses unknown kinds, unknown fields, a credential value instead of a name, and broken YAML', () => {
    const unknown = write('unknown.yaml', 'sources:\n  - { id: a, kind: myspace, name: A, config: {} }\n');
    expect(() => loadSourcesFile(unknown)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    const extra = write(
      'extra.yaml',
      'sources:\n  - { id: a, kind: rss, name: A, config: {url: "https://a.id/rss"}, token: x }\n',
    );
    expect(() => loadSourcesFile(extra)).toThrow(/\/sources\/0 must NOT have additional properties/);
    const secret = write(
      'secret.yaml',
      'sources:\n  - { id: a, kind: mastodon, name: A, config: {baseUrl: "https://m.id"}, credentialsEnv: "ghp_abc123" }\n',
    );
    expect(() => loadSourcesFile(secret)).toThrow(/credentialsEnv/);
    const broken = write('broken.yaml', 'sources: [\n  - id: a\n');
    expect(() => loadSourcesFile(broken)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('schedule jitter', () => {
  it('is stable per source and spread across the interval', () => {
    expect(jitterOffset('src_a', 300_000)).toBe(jitterOffset('src_a', 300_000));
    const offsets = new Set(
      Array.from({ length: 50 }, (_, i) => Math.floor(jitterOffset(`src_${i}`, 300_000) / 30_000)),
    );
    expect(offsets.size).toBeGreaterThanOrEqual(8); // 50 sources land in most of the ten 30 s slots
    for (let i = 0; i < 50; i += 1) expect(jitterOffset(`s${i}`, 60_000)).toBeLessThan(60_000);
  });
});
