import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { topicNames } from '@pantau/core';
import { createKafkaBus } from '@pantau/bus';
import { obliterateDeliveryQueue } from '@pantau/alerts';
import { createSearchClient, dropIndices } from '@pantau/store';
import { requireServers, servers, testLogger, uniqueName, waitFor } from '@pantau/testkit';
import { repoRoot } from '../support/processes';

/**
 * `npm start` as a newcomer sees it: in a terminal (a pty from `script`), against the servers that
 * already run. Pretty coloured logs, no error-level line on a clean start, no deprecation warning, a
 * banner with the dashboard URL, the operator key's place and how to stop — and one Ctrl-C (typed into
 * the pty, so the terminal sends SIGINT to the whole foreground process group) stops every service
 * gracefully with exit code 0.
 */
jest.setTimeout(240_000);

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

describe('npm start in a terminal', () => {
  const prefix = uniqueName('start');
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pantau-start-'));

  beforeAll(() => requireServers('kafka', 'opensearch', 'redis'));
  afterAll(async () => {
    const bus = createKafkaBus({
      brokers: servers.kafkaBrokers,
      clientId: 'start',
      logger: testLogger('start'),
    });
    await bus.deleteTopics(Object.values(topicNames(`${prefix}.`))).catch(() => undefined);
    await bus.close();
    await obliterateDeliveryQueue(servers.redisUrl, prefix).catch(() => undefined);
    const search = createSearchClient(servers.opensearchUrl);
    await dropIndices(search, `${prefix}-`);
    await search.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows pretty logs and a banner, logs no error, and stops cleanly on one Ctrl-C', async () => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      PANTAU_SKIP_SERVICES: '1', // the servers already run; npm start would only find them ready
      PANTAU_DATA_DIR: dataDir,
      PANTAU_ADMIN_KEY: undefined,
      LOG_FORMAT: undefined,
      PORT: String(port),
      TOPIC_PREFIX: `${prefix}.`,
      INDEX_PREFIX: `${prefix}-`,
      QUEUE_PREFIX: prefix,
      METRICS_PORT: '0',
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      OPENSEARCH_URL: servers.opensearchUrl,
      REDIS_URL: servers.redisUrl,
      TERM: 'xterm-256color',
    };
    delete env.CI;
    delete env.NO_COLOR;
    // `script` gives the command a pty; its stdin is the keyboard: \x03 is Ctrl-C. (This is what
    // `npm start -- --no-replay` runs; npm itself would add its own exit code 130, "interrupted".)
    // `exec`: script runs the command through $SHELL, and a non-interactive dash (CI's /bin/sh) that
    // waits for its child dies of the same SIGINT with 130 — the shell must become the script.
    const child = spawn('script', ['-qfec', 'exec node scripts/start.js --no-replay', '/dev/null'], {
      cwd: repoRoot,
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const text = () => stripAnsi(out).replace(/\r/g, '');

    try {
      await waitFor(() => text().includes('Pantau berjalan'), {
        timeoutMs: 150_000,
        intervalMs: 500,
        what: `the banner\n${text().slice(-3000)}`,
      });
      // Everything the banner promises answers.
      expect(text()).toContain(`http://127.0.0.1:${port}/`);
      expect(text()).toContain(`http://127.0.0.1:${port}/docs`);
      expect(text()).toMatch(/Kunci operator\s+.*admin-key/);
      expect(text()).toMatch(/Ctrl-C/);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/assets/app.js');
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      expect(readFileSync(path.join(dataDir, 'admin-key'), 'utf8')).toMatch(/^pk_admin_/);
      // Let the scorer and detector finish joining their groups before stopping.
      await waitFor(
        () => /\[scorer\].*scorer running/.test(text()) && /\[detector\].*detector running/.test(text()),
        {
          timeoutMs: 60_000,
          what: `scorer and detector to run\n${text().slice(-3000)}`,
        },
      );

      child.stdin.write('\x03');
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 40_000))),
      ]);
      clearTimeout(timer);
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      child.stdin.end();
      child.stdout.destroy();
      child.stderr.destroy();
    }

    const lines = text().split('\n');
    // Pretty: coloured (ANSI in the raw output), "[service] [hh:mm:ss] LEVEL: message", no JSON lines.
    expect(out).toContain('\x1b[32mINFO');
    expect(lines.some((l) => /^\[api\] \[\d\d:\d\d:\d\d\] INFO: .*api listening/.test(l))).toBe(true);
    expect(lines.filter((l) => /^\[\w+\] \{"level"/.test(l))).toEqual([]);
    // A clean start logs nothing at error level and no deprecation warning.
    expect(lines.filter((l) => /\] (ERROR|FATAL):|"level":"(error|fatal)"/.test(l))).toEqual([]);
    expect(lines.filter((l) => /Deprecat|FSTDEP|Warning:/.test(l))).toEqual([]);
    // One signal each: every service shut down on SIGTERM once, none was cut short.
    for (const name of ['api', 'scorer', 'detector'])
      expect(lines.filter((l) => l.startsWith(`[${name}]`) && l.includes('shutting down'))).toHaveLength(1);
    expect(text()).not.toMatch(/second SIG/);
    expect(text()).toMatch(/services stopped\..*keep running/);
    // Nothing is left listening.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
