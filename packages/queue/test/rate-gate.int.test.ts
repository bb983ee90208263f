import { requireServers, servers, sleep, testLogger, uniqueName } from '@pantau/testkit';
import { closeRedis, connectRedis, createRateGate, type RedisConnection } from '../src';

/** The rate gate on the real Redis: shared counters, all-or-nothing takes, the wait when full. */
describe('rate gate (real Redis)', () => {
  let redis: RedisConnection;
  beforeAll(async () => {
    await requireServers('redis');
    redis = connectRedis(servers.redisUrl, testLogger('rate-gate'), 'test');
  });
  afterAll(async () => {
    await closeRedis(redis);
  });

  it('lets `points` through per window and then says how long to wait', async () => {
    const gate = createRateGate(redis, uniqueName('rg'));
    const slack = { key: 'slack:abc', points: 1, perSeconds: 1 };
    expect(await gate.take([slack])).toBe(0);
    const wait = await gate.take([slack]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
    // Another target is not held up by this one.
    expect(await gate.take([{ ...slack, key: 'slack:def' }])).toBe(0);
    await sleep(wait + 20);
    expect(await gate.take([slack])).toBe(0);
  });

  it('is shared by every gate on the same prefix (every worker process)', async () => {
    const prefix = uniqueName('rg');
    const [one, two] = [createRateGate(redis, prefix), createRateGate(redis, prefix)];
    const chat = { key: 'telegram:chat:1', points: 1, perSeconds: 1 };
    expect(await one.take([chat])).toBe(0);
    expect(await two.take([chat])).toBeGreaterThan(0);
  });

  it('takes every rate or none: a full bot gives back the chat slot it took', async () => {
    const gate = createRateGate(redis, uniqueName('rg'));
    const bot = { key: 'telegram:bot:x', points: 1, perSeconds: 1 };
    // A chat whose window outlasts the bot's: were its slot kept, it would stay shut for 5 s.
    const chat = { key: 'telegram:chat:3', points: 1, perSeconds: 5 };
    expect(await gate.take([bot])).toBe(0);
    const wait = await gate.take([chat, bot]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
    await sleep(wait + 20);
    expect(await gate.take([chat, bot])).toBe(0);
  });

  it('takes nothing for no rates', async () => {
    expect(await createRateGate(redis, uniqueName('rg')).take([])).toBe(0);
  });
});
