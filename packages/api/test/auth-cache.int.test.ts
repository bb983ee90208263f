import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { sha256Hex } from '@pantau/core';
import { createSearchClient, dropIndices, installIndices, type SearchClient } from '@pantau/store';
import { requireServers, servers, uniqueName } from '@pantau/testkit';
import type { FastifyRequest } from 'fastify';
import { createAuthenticator } from '../src/auth';

/**
 * Agency keys are remembered for a moment (real OpenSearch behind a local TCP relay we can cut): a
 * request does not cost an OpenSearch round trip each time, a revoked key stops working within
 * `freshMs`, and while OpenSearch is unreachable a key known good still gets in — ingest needs only
 * Kafka, and it must not answer 503 because the key store is down.
 */
jest.setTimeout(60_000);

/** Forwards TCP to OpenSearch until cut: then connections are refused, like a dead server. */
async function relayTo(url: string): Promise<{ url: string; cut(): Promise<void> }> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const request = (key: string) =>
  ({ headers: { authorization: `Bearer ${key}` } }) as unknown as FastifyRequest;

describe('API key checks (cached, and kept through an OpenSearch outage)', () => {
  let search: SearchClient;
  let prefix: string;
  beforeAll(async () => {
    await requireServers('opensearch');
    search = createSearchClient(servers.opensearchUrl);
    prefix = `${uniqueName('authcache')}-`;
  });
  afterAll(async () => {
    await dropIndices(search, prefix);
    await search.close();
  });

  it('remembers a good key for freshMs, forgets a revoked one after it, and keeps good keys while OpenSearch is down', async () => {
    const names = await installIndices(search, { prefix });
    const key = 'pk_kemenkes_analis_7f3a9c0e5b21d4';
    const stranger = 'pk_tidak_dikenal_000000000000000';
    const writeKey = async (revokedAt?: string) => {
      await search.index({
        index: names.of('apikeys'),
        id: sha256Hex(key),
        refresh: true,
        body: {
          agencyId: 'kemenkes',
          role: 'analyst',
          createdAt: new Date().toISOString(),
          ...(revokedAt ? { revokedAt } : {}),
        },
      });
    };
    await writeKey();
    const relay = await relayTo(servers.opensearchUrl);
    const viaRelay = createSearchClient(relay.url);
    let t = 1_000_000;
    const auth = createAuthenticator(viaRelay, names, 'operator-key-0123456789abcdef', {
      freshMs: 30_000,
      staleMs: 3600_000,
      now: () => t,
    });
    try {
      await expect(auth.principal(request(key))).resolves.toMatchObject({
        kind: 'agency',
        agencyId: 'kemenkes',
        role: 'analyst',
      });

      // Revoked in the store: still let in while the check is fresh, refused once it is not.
      await writeKey(new Date().toISOString());
      t += 10_000;
      await expect(auth.principal(request(key))).resolves.toMatchObject({ agencyId: 'kemenkes' });
      t += 25_000;
      await expect(auth.principal(request(key))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

      // Restored and checked again, then OpenSearch goes away.
      await writeKey();
      t += 31_000;
      await expect(auth.principal(request(key))).resolves.toMatchObject({ agencyId: 'kemenkes' });
      await relay.cut();
      t += 10 * 60_000;
      // Stale but known good: still in. An unknown key cannot be told from a good one: 503, not 401.
      await expect(auth.principal(request(key))).resolves.toMatchObject({ agencyId: 'kemenkes' });
      await expect(auth.principal(request(stranger))).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      });
      // Past staleMs the outage shows.
      t += 3600_000;
      await expect(auth.principal(request(key))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await relay.cut().catch(() => undefined);
      await viaRelay.close();
    }
  });

  it('keeps the keys in use when more keys come by than it remembers', async () => {
    const names = await installIndices(search, { prefix: `${prefix}lru-` });
    const keys = Array.from({ length: 6 }, (_, i) => `pk_bpbd_jatim_operator_${i}_9c2e71d0a4`);
    for (const key of keys)
      await search.index({
        index: names.of('apikeys'),
        id: sha256Hex(key),
        refresh: true,
        body: { agencyId: 'bpbd-jatim', role: 'analyst', createdAt: new Date().toISOString() },
      });
    const relay = await relayTo(servers.opensearchUrl);
    const viaRelay = createSearchClient(relay.url);
    const t = 1_000_000;
    const auth = createAuthenticator(viaRelay, names, 'operator-key-0123456789abcdef', {
      maxKeys: 3,
      now: () => t,
    });
    try {
      // keys[0] is used between every other key; five others pass through a cache of three.
      for (const key of keys.slice(1)) {
        await auth.principal(request(keys[0]!));
        await auth.principal(request(key));
      }
      await relay.cut();
      // Known without OpenSearch: the key in use and the two most recent others.
      for (const key of [keys[0]!, keys[4]!, keys[5]!])
        await expect(auth.principal(request(key))).resolves.toMatchObject({ agencyId: 'bpbd-jatim' });
      // Forgotten: the older ones have to be asked, and OpenSearch is gone.
      for (const key of keys.slice(1, 4))
        await expect(auth.principal(request(key))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await relay.cut().catch(() => undefined);
      await viaRelay.close();
    }
  });
});
