import { requireServers, servers, testLogger, uniqueName } from '@pantau/testkit';
import { PantauError } from '@pantau/core';
import {
  bulkIndex,
  createSearchClient,
  dropIndices,
  installIndices,
  scanRecentPosts,
  type IndexNames,
  type SearchClient,
} from '../src';

const post = (id: string, text: string, publishedAt = '2026-11-20T08:00:00Z') => ({
  v: 1,
  id,
  source: 'test',
  sourceId: id,
  text,
  publishedAt,
  fetchedAt: publishedAt,
});

describe('OpenSearch store (real server)', () => {
  let client: SearchClient;
  let prefix: string;
  let names: IndexNames;

  beforeAll(async () => {
    await requireServers('opensearch');
    client = createSearchClient(servers.opensearchUrl);
    prefix = `${uniqueName('t')}-`;
    names = await installIndices(client, { prefix });
  });
  afterAll(async () => {
    await dropIndices(client, prefix);
    await client.close();
  });

  const count = async () => {
    await client.indices.refresh({ index: names.posts });
    return (await client.count({ index: names.posts })).body.count as number;
  };
  const docs = (items: ReturnType<typeof post>[]) =>
    items.map((p) => ({ index: names.postsFor(p.publishedAt), id: p.id, doc: p }));

  it('installs idempotently and searches with the Indonesian analyzer', async () => {
    await installIndices(client, { prefix }); // a second start must not fail
    const result = await bulkIndex(
      client,
      docs([
        post('a', 'Kominfo membantah kabar pemblokiran WhatsApp mulai besok'),
        post('b', 'Harga cabai naik lagi di pasar induk, emak-emak menjerit', '2026-10-02T01:00:00Z'),
      ]),
      { refresh: true },
    );
    expect(result).toMatchObject({ indexed: 2, failed: [] });
    const hits = await client.search({
      index: names.posts,
      body: { query: { match: { text: 'bantahan pemblokiran' } } },
    });
    expect(hits.body.hits.hits.map((h) => h._id)).toEqual(['a']);
    // Posts land in monthly indices behind one alias.
    const indices = (await client.cat.indices({ index: `${prefix}posts-*`, format: 'json' })).body as {
      index: string;
    }[];
    expect(indices.map((i) => i.index).sort()).toEqual([`${prefix}posts-2026.10`, `${prefix}posts-2026.11`]);
  });

  it('never duplicates a document indexed twice (replay after a crash)', async () => {
    const before = await count();
    const batch = docs([
      post('dup-1', 'Viralkan! Beras plastik beredar di Bekasi'),
      post('dup-2', 'Cek fakta: beras plastik hoaks'),
    ]);
    await bulkIndex(client, batch);
    await bulkIndex(client, batch);
    expect(await count()).toBe(before + 2);
  });

  it('reports documents OpenSearch rejects for good, and indexes the rest', async () => {
    const bad = {
      index: names.postsFor('2026-11-20T08:00:00Z'),
      id: 'bad',
      doc: { ...post('bad', 'x'), unknownField: 1 },
    };
    const result = await bulkIndex(client, [...docs([post('good', 'Banjir rob di Jakarta Utara')]), bad]);
    expect(result.indexed).toBe(1);
    expect(result.failed).toEqual([
      expect.objectContaining({ id: 'bad', status: 400, type: 'strict_dynamic_mapping_exception' }),
    ]);
  });

  it('retries documents answered 429 until OpenSearch accepts them', async () => {
    const index = names.postsFor('2026-11-20T08:00:00Z');
    // A read-only-allow-delete block makes OpenSearch answer 429 for every write to the index.
    await client.indices.putSettings({ index, body: { 'index.blocks.read_only_allow_delete': true } });
    const lift = setTimeout(() => {
      void client.indices.putSettings({ index, body: { 'index.blocks.read_only_allow_delete': null } });
    }, 800);
    try {
      const result = await bulkIndex(
        client,
        docs([post('blocked', 'Gempa M5,2 guncang Cianjur, BMKG: tidak berpotensi tsunami')]),
        {
          initialDelayMs: 200,
          maxAttempts: 10,
          logger: testLogger('store'),
        },
      );
      expect(result.indexed).toBe(1);
      expect(result.attempts).toBeGreaterThan(1);
    } finally {
      clearTimeout(lift);
      await client.indices.putSettings({ index, body: { 'index.blocks.read_only_allow_delete': null } });
    }
  });

  it('splits a bulk by bytes, and every writer of the client pauses while OpenSearch answers 429', async () => {
    const index = names.postsFor('2026-11-20T08:00:00Z');
    const requests: number[] = [];
    const counting = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop !== 'bulk') return Reflect.get(target, prop, receiver) as unknown;
        return (params: { body: string }) => {
          requests.push(Date.now());
          return target.bulk(params as never);
        };
      },
    });
    const many = docs(
      Array.from({ length: 40 }, (_, i) =>
        post(`bytes-${i}`, `Info jalan tol Cipali macet total km ${i} `.repeat(20)),
      ),
    );
    const split = await bulkIndex(counting, many, { maxBytes: 8 * 1024 });
    expect(split.indexed).toBe(40);
    expect(requests.length).toBeGreaterThanOrEqual(5); // ~40 × 1 KB in 8 KB requests

    // Two writers at once on a blocked index: once one is answered 429, the other waits too instead
    // of hammering; both get through when the block is lifted.
    await client.indices.putSettings({ index, body: { 'index.blocks.read_only_allow_delete': true } });
    const lift = setTimeout(() => {
      void client.indices.putSettings({ index, body: { 'index.blocks.read_only_allow_delete': null } });
    }, 1_000);
    requests.length = 0;
    try {
      const [a, b] = await Promise.all(
        ['pa', 'pb'].map((id) =>
          bulkIndex(counting, docs([post(id, 'Antrean BBM mengular di SPBU Medan')]), {
            initialDelayMs: 300,
            maxAttempts: 10,
          }),
        ),
      );
      expect(a!.indexed + b!.indexed).toBe(2);
      // Without the shared pause each writer would retry on its own schedule (jittered from 0 ms).
      const gaps = requests.slice(1).map((t, i) => t - requests[i]!);
      expect(requests.length).toBeLessThan(12);
      expect(Math.max(...gaps)).toBeGreaterThanOrEqual(250);
    } finally {
      clearTimeout(lift);
      await client.indices.putSettings({ index, body: { 'index.blocks.read_only_allow_delete': null } });
    }
  });

  it('starts on a monthly index made with older field options (they stay; new months get the new ones)', async () => {
    const old = `${prefix}posts-2019.04`;
    await client.indices.create({
      index: old,
      body: { mappings: { properties: { signature: { type: 'keyword' }, id: { type: 'keyword' } } } },
    });
    await expect(installIndices(client, { prefix })).resolves.toBeDefined();
    const mapping = (await client.indices.getMapping({ index: old })).body[old]!.mappings as {
      properties: Record<string, { index?: boolean }>;
    };
    expect(mapping.properties.signature!.index).toBeUndefined(); // indexed, as made
    expect(mapping.properties.hoaxScore).toBeDefined(); // new fields were still added
  });

  it('makes new monthly posts indices with the refresh interval asked for, and leaves older ones be', async () => {
    const made = `${prefix}posts-2019.05`;
    await client.indices.create({ index: made });
    await installIndices(client, { prefix, postsRefreshInterval: '2s' });
    const fresh = names.postsFor('2019-06-15T00:00:00Z');
    await client.indices.create({ index: fresh });
    const interval = async (index: string) =>
      (
        (await client.indices.getSettings({ index, include_defaults: true } as never)).body as Record<
          string,
          {
            settings: { index: { refresh_interval?: string } };
            defaults: { index: { refresh_interval: string } };
          }
        >
      )[index]!;
    expect((await interval(fresh)).settings.index.refresh_interval).toBe('2s');
    const older = await interval(made);
    expect(older.settings.index.refresh_interval ?? older.defaults.index.refresh_interval).toBe('500ms');
    // Back to the template's own (500 ms) for the other tests of this prefix.
    await installIndices(client, { prefix });
    const later = names.postsFor('2019-07-15T00:00:00Z');
    await client.indices.create({ index: later });
    expect((await interval(later)).settings.index.refresh_interval).toBe('500ms');
  });

  it('fails with a retriable error when OpenSearch does not answer', async () => {
    const dead = createSearchClient('http://127.0.0.1:9', 1000);
    const err = await bulkIndex(dead, docs([post('x', 'tes')]), { maxAttempts: 2, initialDelayMs: 10 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PantauError);
    expect((err as PantauError).code).toBe('RETRIES_EXHAUSTED');
    expect((err as PantauError).retriable).toBe(true);
  });
});

describe('scanRecentPosts (a promoted issue assigner re-reading the index)', () => {
  it('replays the newest posts, oldest first, when the window holds more than it may read', async () => {
    await requireServers('opensearch');
    const client = createSearchClient(servers.opensearchUrl);
    const prefix = `${uniqueName('scan')}-`;
    try {
      const names = await installIndices(client, { prefix });
      const t0 = Date.parse('2026-11-20T00:00:00Z');
      const posts = Array.from({ length: 40 }, (_, i) => ({
        ...post(`scan-${i}`, `Update banjir Kemang jam ke-${i}, air mulai surut #banjirjakarta`),
        publishedAt: new Date(t0 + i * 60_000).toISOString(),
        terms: ['banjir', 'kemang'],
        hashtags: ['banjirjakarta'],
        mentions: [],
        signature: [],
        issueId: 'is_banjir_kemang',
      }));
      await bulkIndex(
        client,
        posts.map((p) => ({ index: names.postsFor(p.publishedAt), id: p.id, doc: p })),
        { refresh: true },
      );
      const seen: string[] = [];
      const n = await scanRecentPosts(
        client,
        names,
        new Date(t0 - 3600_000).toISOString(),
        (page) => seen.push(...page.map((p) => p.id)),
        10,
      );
      expect(n).toBe(seen.length);
      expect(n).toBeLessThanOrEqual(10);
      const order = seen.map((id) => Number(id.slice('scan-'.length)));
      // The newest posts (the percentile cut may leave out one or two of the ten), in publication order.
      expect(order).toContain(39);
      expect(Math.min(...order)).toBeGreaterThanOrEqual(28);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      // A window that fits is read whole.
      const all: string[] = [];
      await scanRecentPosts(client, names, new Date(t0 - 3600_000).toISOString(), (page) =>
        all.push(...page.map((p) => p.id)),
      );
      expect(all).toHaveLength(40);
    } finally {
      await dropIndices(client, prefix);
      await client.close();
    }
  });
});
