import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import {
  ERROR_CODES,
  PantauError,
  PostInput,
  createDecoder,
  createValidator,
  isRetriable,
  issueIdFor,
  merge,
  postId,
  sha256Hex,
  toPantauError,
  topicNames,
} from '../src';

describe('error catalogue', () => {
  it('gives every code an HTTP status, a retriable flag and a description', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(spec.httpStatus).toBeGreaterThanOrEqual(400);
      expect(typeof spec.retriable).toBe('boolean');
      expect(spec.description.length).toBeGreaterThan(5);
      expect(code).toMatch(/^[A-Z_]+$/);
    }
  });

  it('decides retries on the flag, never on the text', () => {
    expect(isRetriable(new PantauError('STORE_UNAVAILABLE', 'validation failed'))).toBe(true);
    expect(isRetriable(new PantauError('VALIDATION', 'timeout, coba lagi'))).toBe(false);
    expect(isRetriable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetriable(new Error('ECONNREFUSED'))).toBe(false);
  });

  it('wraps foreign errors and keeps the original as cause', () => {
    const original = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const wrapped = toPantauError(original, 'BUS_UNAVAILABLE');
    expect(wrapped).toMatchObject({ code: 'BUS_UNAVAILABLE', retriable: true, httpStatus: 503 });
    expect(wrapped.cause).toBe(original);
    expect(wrapped.toJSON()).toEqual({ code: 'BUS_UNAVAILABLE', message: 'socket hang up' });
  });
});

describe('validation', () => {
  const post = {
    source: 'rss',
    sourceId: 'a1',
    text: 'Kabar gembira buat warga +62',
    publishedAt: '2026-11-28T01:02:03Z',
  };

  it('accepts a valid post and lists every problem of an invalid one', () => {
    const validate = createValidator(PostInput, 'post');
    expect(validate(post)).toEqual(post);
    const result = validate.check({ source: 'RSS!', text: '', publishedAt: 'besok' });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.problems.map((p) => p.path).sort();
    expect(paths).toEqual(['/', '/publishedAt', '/source', '/text']);
    expect(() => validate({})).toThrow(PantauError);
  });

  it('tells malformed JSON from a schema violation', () => {
    const decode = createDecoder(Type.Object({ n: Type.Integer() }), 'item');
    expect(decode(Buffer.from('{"n":1}'))).toEqual({ n: 1 });
    expect(() => decode('{"n":')).toThrow(expect.objectContaining({ code: 'MALFORMED_JSON' }));
    expect(() => decode('{"n":"satu"}')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('refuses bytes that are not UTF-8 instead of replacing them', () => {
    const decode = createDecoder(Type.Object({ text: Type.String() }), 'post');
    expect(decode(Buffer.from('{"text":"Gempa M5,2 guncang Cianjur 🙏"}'))).toEqual({
      text: 'Gempa M5,2 guncang Cianjur 🙏',
    });
    const bad = Buffer.concat([Buffer.from('{"text":"gempa '), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(() => decode(bad)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_JSON', message: 'post is not valid UTF-8' }),
    );
  });
});

describe('ids and topics', () => {
  it('derives a stable post id from source and source id', () => {
    expect(postId('x', '1')).toBe(postId('x', '1'));
    expect(postId('x', '1')).not.toBe(postId('x', '11'));
    expect(postId('x1', '')).not.toBe(postId('x', '1')); // the separator matters
  });

  it('keeps the ids it derived before: ids already stored in the index and on topics stay valid', () => {
    // Digests of the createHash(...).update(...).digest('hex') derivation these ids were first made with.
    expect(postId('twitter', '1790000000000000001')).toBe('6ba4f16247a5bbddc0d7acd4a3a79f23');
    expect(issueIdFor('3f1c0a9e6b2d4c8e7a5f1b0d9c2e4a6b')).toBe('is_46a6bdb2869657433392');
    expect(issueIdFor('berita—ü ✓')).toBe('is_b7da76bb941e3eaf4a2c'); // UTF-8, as before
    expect(sha256Hex('rahasia-webhook')).toBe(
      'b59494c04a7943c78b2f1baeddebec0dffe267721a97cd7487ef2d8ed2abc5ac',
    );
  });

  it('prefixes every topic', () => {
    expect(topicNames('t1.')).toEqual({
      postsRaw: 't1.posts.raw',
      postsScored: 't1.posts.scored',
      postsEnriched: 't1.posts.enriched',
      issues: 't1.issues',
      dlq: 't1.dlq',
    });
  });
});

describe('error documentation', () => {
  it('documents every code in the README', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(readme).toContain(`\`${code}\``);
  });
});

describe('merge (the hot path’s object spread)', () => {
  it('gives what spreading gives: the same fields, values and order', () => {
    const post = { v: 1, id: 'p1', text: 'Banjir lagi di Kemang', author: { handle: 'warga1' } };
    const extra = { text: 'Banjir lagi di Kemang, Jakarta Selatan', issueId: 'is_1' };
    const merged = merge(post, extra);
    expect(JSON.stringify(merged)).toBe(JSON.stringify({ ...post, ...extra }));
    expect(merge({ v: 2, seen: true }, post, { fetchedAt: 'x' })).toEqual({
      seen: true,
      ...post,
      fetchedAt: 'x',
    });
    // A copy: the parts are untouched.
    expect(post.text).toBe('Banjir lagi di Kemang');
  });

  it('never lets an own __proto__ key (JSON.parse of a hostile message) set the copy’s prototype', () => {
    const hostile = JSON.parse('{"id":"p1","__proto__":{"issueId":"palsu","polluted":true}}') as object;
    const merged = merge(hostile, { hoaxScore: 0 }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(merged.polluted).toBeUndefined();
    expect(Object.keys(merged)).toEqual(Object.keys({ ...hostile, hoaxScore: 0 }));
  });
});
