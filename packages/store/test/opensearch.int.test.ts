import { requireServers, servers, testLogger, uniqueName } from '@pantau/testkit';
import { PantauError } from '@pantau/core';
import {
  bulkIndex,
  createSearchClient,
  dropIndices,
  installIndices,
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
