import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { topicNames } from '@pantau/core';
import { Health, createLogger } from '@pantau/runtime';
import type { IndexNames, SearchClient } from '@pantau/store';
import type { Producer } from '@pantau/bus';
import { buildApp } from '../src';

// Serving the dashboard touches no server: the clients are inert stand-ins.
const inert = new Proxy({}, { get: () => () => Promise.reject(new Error('not in this test')) });
const appWith = (dashboardDir?: string) =>
  buildApp({
    config: { PANTAU_ADMIN_KEY: 'pk_admin_test_key_0123456789' },
    logger: createLogger({ service: 'test', level: 'silent' }),
    search: inert as SearchClient,
    names: { of: (n: string) => `t-${n}` } as unknown as IndexNames,
    producer: inert as Producer,
    topics: topicNames('t.'),
    health: new Health(),
    ...(dashboardDir ? { dashboardDir } : {}),
  });

describe('dashboard at /', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pantau-dash-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><div id="app"></div><script src="/assets/app.js">',
    );
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("pantau")');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the built page with a same-origin-only policy, and its assets', async () => {
    const app = appWith(dir);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('/assets/app.js');
    const js = await app.inject({ method: 'GET', url: '/assets/app.js' });
    expect(js.statusCode).toBe(200);
    expect(js.body).toContain('pantau');
    // Unknown paths keep the API's error shape.
    const missing = await app.inject({ method: 'GET', url: '/assets/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    await app.close();
  });

  it('says how to build it when there is no build', async () => {
    const app = appWith(path.join(dir, 'nothing-here'));
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build:dashboard');
    await app.close();
  });
});
