import { PantauError } from '@pantau/core';
import { parseQuery } from '@pantau/query';
import { bearerKey, toErrorAnswer } from '../src';

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
});
