import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { run } from '../src/cli';

const fixtures = path.join(__dirname, '..', '..', 'sources', 'test', 'fixtures');

async function pantau(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const status = await run(args, { stdin: new PassThrough(), stdout, stderr });
  return { status, stdout: out, stderr: err };
}

describe('pantau sources check', () => {
  let server: Server;
  let base = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'pantau-check-'));

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/rss')
        return res.writeHead(200).end(readFileSync(path.join(fixtures, 'portal-rss.xml')));
      if (req.url === '/fc')
        return res.writeHead(200).end(readFileSync(path.join(fixtures, 'factcheck-feed.xml')));
      res.writeHead(503, { 'retry-after': '60' }).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('reads each source once and prints what it got; a failing source makes the exit code 1', async () => {
    const file = path.join(dir, 'sources.yaml');
    writeFileSync(
      file,
      `sources:
  - { id: warta, kind: rss, name: Warta, config: { url: "${base}/rss" } }
  - { id: cekfakta, kind: factcheck, name: Cek Fakta, config: { url: "${base}/fc" } }
  - { id: rusak, kind: rss, name: Rusak, config: { url: "${base}/down" } }
  - { id: masto, kind: mastodon, name: Masto, config: { baseUrl: "${base}" }, credentialsEnv: PANTAU_TEST_UNSET_TOKEN }
`,
    );
    const { status, stdout } = await pantau(['sources', 'check', '--file', file, '--allow-private']);
    expect(stdout).toContain('✓ warta (rss): 4 items, 2 skipped');
    expect(stdout).toContain('2026-11-30T07:05:00.000Z  Harga Beras Naik Jelang Nataru');
    expect(stdout).toContain("skipped warta-771190: unreadable date 'kemarin sore'");
    expect(stdout).toContain('✓ cekfakta (factcheck): 4 fact-checks, 1 skipped');
    expect(stdout).toContain('[SALAH] Pesan Berantai Vaksin Booster Mengandung Microchip Pelacak');
    expect(stdout).toContain('✗ rusak (rss): SOURCE_UNAVAILABLE');
    expect(stdout).toContain(
      '✗ masto (mastodon): SOURCE_NO_CREDENTIALS environment variable PANTAU_TEST_UNSET_TOKEN is not set',
    );
    expect(status).toBe(1);
  });

  it('refuses private addresses unless allowed, and a bad file with exit code 2', async () => {
    const file = path.join(dir, 'one.yaml');
    writeFileSync(
      file,
      `sources:\n  - { id: warta, kind: rss, name: Warta, config: { url: "${base}/rss" } }\n`,
    );
    const refused = await pantau(['sources', 'check', '--file', file]);
    expect(refused.stdout).toContain('✗ warta (rss): SOURCE_TARGET_FORBIDDEN');
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'sources:\n  - { id: x, kind: rss, name: X, config: {} }\n');
    const result = await pantau(['sources', 'check', '--file', bad]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('config.url is required');
  });
});
