import { requireServers, servers, testLogger, uniqueName } from '@pantau/testkit';
import { closeRedis, connectRedis, createKeyValue, type KeyValue, type RedisConnection } from '../src';

/** The key-value adapter's time-ordered logs on the real Redis (what counting rules keep posts in). */
describe('time-ordered logs (real Redis)', () => {
  let redis: RedisConnection;
  let kv: KeyValue;
  beforeAll(async () => {
    await requireServers('redis');
    redis = connectRedis(servers.redisUrl, testLogger('time-log'), 'test');
    kv = createKeyValue(redis);
  });
  afterAll(async () => {
    await closeRedis(redis);
  });

  it('adds a member once, counts and lists by score, and forgets what is older than keepFrom', async () => {
    const key = uniqueName('log');
    expect(await kv.logOnce(key, 300, 'post-c', 60_000)).toBe(true);
    expect(await kv.logOnce(key, 100, 'post-a', 60_000)).toBe(true);
    expect(await kv.logOnce(key, 200, 'post-b', 60_000)).toBe(true);
    // Again, even with another score: counted once, where it was first put.
    expect(await kv.logOnce(key, 250, 'post-b', 60_000)).toBe(false);
    expect(await kv.logCount(key, 100, 300)).toBe(3);
    expect(await kv.logCount(key, 101, 299)).toBe(1);
    expect(await kv.logScores(key, 0, 1_000, 10)).toEqual([100, 200, 300]);
    expect(await kv.logScores(key, 0, 1_000, 2)).toEqual([100, 200]);
    // keepFrom drops members scored below it (not at it) in the same round trip as the add.
    expect(await kv.logOnce(key, 400, 'post-d', 60_000, 200)).toBe(true);
    expect(await kv.logScores(key, 0, 1_000, 10)).toEqual([200, 300, 400]);
    const ttl = await kv.pttl(key);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('adds and counts in one batch, in order: a count sees the add before it', async () => {
    const key = uniqueName('log');
    const other = uniqueName('log');
    await kv.logOnce(key, 100, 'post-a', 60_000);
    const answers = await kv.logBatch([
      { add: key, score: 300, member: 'post-c', ttlMs: 60_000, keepFrom: 50 },
      { count: key, from: 0, to: 1_000 },
      { add: key, score: 300, member: 'post-a', ttlMs: 60_000 }, // already there: 0, not moved
      { count: key, from: 200, to: 400 },
      { count: other, from: 0, to: 1_000 },
      { count: key, from: 400, to: 399 }, // an empty span
    ]);
    expect(answers).toEqual([1, 2, 0, 1, 0, 0]);
    expect(await kv.logScores(key, 0, 1_000, 10)).toEqual([100, 300]);
  });

  it('a claim is won by one member within its span, held again by the same member, and given back', async () => {
    const key = uniqueName('log');
    const span = (at: number) => ({ from: at - 99, to: at + 99 });
    expect(await kv.logClaim(key, 1_000, 'volume:a', span(1_000), 60_000)).toBe(true);
    // Another member within the span loses, before or after it, and is not added.
    expect(await kv.logClaim(key, 1_050, 'volume:b', span(1_050), 60_000)).toBe(false);
    expect(await kv.logClaim(key, 950, 'volume:c', span(950), 60_000)).toBe(false);
    // The same member asking again (a replay after a crash) still holds it.
    expect(await kv.logClaim(key, 1_000, 'volume:a', span(1_000), 60_000)).toBe(true);
    // Outside the span another claim wins; keepFrom trims older members in the same script.
    expect(await kv.logClaim(key, 1_100, 'volume:d', span(1_100), 60_000, 1_050)).toBe(true);
    expect(await kv.logScores(key, 0, 10_000, 10)).toEqual([1_100]);
    expect(await kv.pttl(key)).toBeGreaterThan(50_000);
    // Given back, the span is free for another.
    await kv.logRemove(key, 'volume:d');
    expect(await kv.logClaim(key, 1_150, 'volume:e', span(1_150))).toBe(true);
    expect(await kv.logScores(key, 0, 10_000, 10)).toEqual([1_150]);
  });

  it('of many processes claiming one span at once, exactly one wins', async () => {
    const key = uniqueName('log');
    const others = Array.from({ length: 4 }, () =>
      connectRedis(servers.redisUrl, testLogger('time-log'), 'test'),
    );
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          createKeyValue(others[i % others.length]!).logClaim(key, 1_000 + i, `post-${i}`, {
            from: 1_000 + i - 999,
            to: 1_000 + i + 999,
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await kv.logCount(key, 0, 10_000)).toBe(1);
    } finally {
      await Promise.all(others.map((c) => closeRedis(c)));
    }
  });
});
