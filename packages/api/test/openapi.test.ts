import SwaggerParser from '@apidevtools/swagger-parser';
import { ERROR_CODES, topicNames } from '@pantau/core';
import { Health, createLogger } from '@pantau/runtime';
import type { IndexNames, SearchClient } from '@pantau/store';
import type { Producer } from '@pantau/bus';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src';
import { UNDOCUMENTED, routeTable } from '../src/openapi';

// The description is built from the route schemas; nothing here talks to a server, so the clients are
// inert stand-ins that fail if a route ever called them.
const inert = new Proxy({}, { get: () => () => Promise.reject(new Error('not in this test')) });

async function serverlessApp(): Promise<FastifyInstance> {
  const app = buildApp({
    config: { PANTAU_ADMIN_KEY: 'pk_admin_test_key_0123456789' },
    logger: createLogger({ service: 'test', level: 'silent' }),
    search: inert as SearchClient,
    names: { of: (n: string) => `t-${n}` } as unknown as IndexNames,
    producer: inert as Producer,
    topics: topicNames('t.'),
    health: new Health(),
  });
  await app.ready();
  return app;
}

describe('OpenAPI description', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await serverlessApp();
  });
  afterAll(() => app.close());

  it('is served at /openapi.json and validates as OpenAPI 3', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
  });

  it('describes every route the app answers', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    // Every route the app really declared (recorded by an onRoute hook), not a hand-kept list.
    const toOpenApi = (url: string) => url.replace(/:(\w+)/g, '{$1}');
    const listed: Array<[string, string]> = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>))
      for (const method of Object.keys(item)) listed.push([method.toUpperCase(), path]);
    const expected = routeTable(app)
      .filter((r) => r.method !== 'HEAD' && !UNDOCUMENTED.some((re) => re.test(r.url)))
      .map((r) => [r.method, toOpenApi(r.url)] as [string, string]);
    expect(expected.length).toBeGreaterThan(10);
    expect(listed.sort()).toEqual(expected.sort());
  });

  it('asks for a key exactly where the route checks one', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/metrics'].get.security).toEqual([]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    expect(doc.paths['/v1/issues'].get.security).toBeUndefined(); // the global bearer requirement
    expect(doc.security).toEqual([{ apiKey: [] }]);
  });

  it('documents only error codes from the catalogue, with their HTTP status', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const documented: Array<[string, string]> = [];
    for (const item of Object.values(doc.paths as Record<string, Record<string, { responses: object }>>))
      for (const op of Object.values(item))
        for (const [status, answer] of Object.entries(op.responses)) {
          const schema = (answer as { content?: Record<string, { schema: Record<string, never> }> })
            .content?.['application/json']?.schema as
            { properties?: { error?: { properties: { code: { enum?: string[] } } } } } | undefined;
          for (const code of schema?.properties?.error?.properties.code.enum ?? [])
            documented.push([code, status]);
        }
    expect(documented.length).toBeGreaterThan(20);
    for (const [code, status] of documented) {
      expect(Object.keys(ERROR_CODES)).toContain(code);
      expect(String(ERROR_CODES[code as keyof typeof ERROR_CODES].httpStatus)).toBe(status);
    }
  });

  it('renders the docs page from local files', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger-ui');
    expect(res.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[^"']*\.(js|css)/);
    const js = await app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(js.statusCode).toBe(200);
  });
});

describe('what the fuzzer found (schemathesis against a running API)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await serverlessApp();
  });
  afterAll(() => app.close());

  it('answers a method a path does not take with 405 and Allow (QUERY included), an unknown path with 404', async () => {
    for (const [method, url, allow] of [
      ['QUERY', '/healthz', 'GET, HEAD'],
      ['DELETE', '/v1/issues?size=3', 'GET, HEAD'],
      ['PUT', '/v1/alerts/al_123/ack', 'POST'],
      ['QUERY', '/v1/watchlists/wl_1', 'DELETE, GET, HEAD'],
      // A route of its own, not an id of /v1/watchlists/:id.
      ['OPTIONS', '/v1/watchlists/check', 'POST'],
    ] as const) {
      const res = await app.inject({ method: method as never, url });
      expect({ url, status: res.statusCode, allow: res.headers.allow, code: res.json().error.code }).toEqual({
        url,
        status: 405,
        allow,
        code: 'METHOD_NOT_ALLOWED',
      });
    }
    for (const [method, url] of [
      ['QUERY', '/v1/nope'],
      ['GET', '/v1/issues/abc/nope'],
    ] as const) {
      const res = await app.inject({ method: method as never, url });
      expect([res.statusCode, res.json().error.code]).toEqual([404, 'NOT_FOUND']);
    }
  });

  it('documents a success answer for every operation: 204 for a DELETE, text for /metrics', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const missing: string[] = [];
    for (const [path, item] of Object.entries(
      doc.paths as Record<string, Record<string, { responses: object }>>,
    ))
      for (const [method, op] of Object.entries(item))
        if (!Object.keys(op.responses).some((s) => s.startsWith('2'))) missing.push(`${method} ${path}`);
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths['/v1/watchlists/{id}'].delete.responses)).toContain('204');
    expect(Object.keys(doc.paths['/healthz'].get.responses)).toContain('200');
    expect(Object.keys(doc.paths['/metrics'].get.responses['200'].content)).toEqual(['text/plain']);
    // The codes a route really answers with are listed: an unavailable channel, an unconfigured tipline.
    const codes = (
      op: { responses: Record<string, { content: Record<string, { schema: never }> }> },
      s: string,
    ) =>
      (
        op.responses[s]!.content['application/json']!.schema as {
          properties: { error: { properties: { code: { enum: string[] } } } };
        }
      ).properties.error.properties.code.enum;
    expect(codes(doc.paths['/v1/subscriptions'].post, '400')).toContain('CHANNEL_UNAVAILABLE');
    expect(codes(doc.paths['/v1/tipline/whatsapp'].post, '404')).toContain('NOT_FOUND');
    expect(codes(doc.paths['/v1/sources'].post, '502')).toEqual(['SOURCE_UNAVAILABLE']);
  });
});
