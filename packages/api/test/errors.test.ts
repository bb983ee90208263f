import { PantauError } from '@pantau/core';
import { parseQuery } from '@pantau/query';
import Fastify from 'fastify';
import { bearerKey, toErrorAnswer } from '../src';
import { installErrorHandling } from '../src/errors';

describe('error answers', () => {
  it('maps catalogue errors, query syntax errors and unknown errors', () => {
    expect(toErrorAnswer(new PantauError('NOT_FOUND', 'no such'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      message: 'no such',
    });
    let syntax: unknown;
    try {
      parseQuery('a AND (b');
    } catch (err) {
      syntax = err;
    }
    expect(toErrorAnswer(syntax)).toMatchObject({
      status: 400,
      code: 'QUERY_SYNTAX',
      details: { position: expect.any(Number) },
    });
    // Internal details of unexpected errors never reach the client.
    expect(toErrorAnswer(new Error('db password is hunter2'))).toEqual({
      status: 500,
      code: 'INTERNAL',
      message: 'internal error',
    });
  });

  it('reads bearer keys only', () => {
    expect(bearerKey('Bearer abc')).toBe('abc');
    expect(bearerKey('bearer  abc ')).toBe('abc');
    expect(bearerKey('Basic abc')).toBeUndefined();
    expect(bearerKey('Bearer a b')).toBeUndefined();
    expect(bearerKey(undefined)).toBeUndefined();
  });

  it('tells clients when to retry a retriable 503 (Retry-After), and only then', async () => {
    const app = Fastify();
    installErrorHandling(app);
    app.get('/bus', async () => {
      throw new PantauError('BUS_UNAVAILABLE', 'could not produce');
    });
    app.get('/store', async () => {
      throw new PantauError('STORE_UNAVAILABLE', 'opensearch down');
    });
    app.get('/bad', async () => {
      throw new PantauError('VALIDATION', 'nope');
    });
    app.get('/exhausted', async () => {
      throw new PantauError('RETRIES_EXHAUSTED', 'gave up');
    });
    try {
      for (const [url, code] of [
        ['/bus', 'BUS_UNAVAILABLE'],
        ['/store', 'STORE_UNAVAILABLE'],
      ]) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toMatch(/^\d+$/);
        expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
      }
      expect((await app.inject({ method: 'GET', url: '/bad' })).headers['retry-after']).toBeUndefined();
      const exhausted = await app.inject({ method: 'GET', url: '/exhausted' });
      expect(exhausted.statusCode).toBe(503);
      expect(exhausted.headers['retry-after']).toBeUndefined(); // not retriable: no invitation to retry
    } finally {
      await app.close();
    }
  });
});
