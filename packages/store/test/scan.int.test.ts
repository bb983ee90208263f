import { requireServers, servers, uniqueName } from '@pantau/testkit';
import {
  bulkIndex,
  createSearchClient,
  dropIndices,
  installIndices,
  listLabels,
  scanPages,
  searchAll,
  type IndexNames,
  type LabelDoc,
  type SearchClient,
} from '../src';

/** More than one page of a plain search (OpenSearch's max_result_window is 10,000). */
const MANY = 10_250;

describe('reading whole indices past 10,000 documents (real OpenSearch)', () => {
  let client: SearchClient;
  let prefix: string;
  let names: IndexNames;

  beforeAll(async () => {
    await requireServers('opensearch');
    client = createSearchClient(servers.opensearchUrl);
    prefix = `${uniqueName('scan')}-`;
    names = await installIndices(client, { prefix });
    const t0 = Date.parse('2026-10-01T00:00:00Z');
    // A national debunk database and a year of analysts' labels are both past 10,000.
    await bulkIndex(
      client,
      Array.from({ length: MANY }, (_, i) => ({
        index: names.of('factchecks'),
        id: `fc-${String(i).padStart(5, '0')}`,
        doc: {
          id: `fc-${String(i).padStart(5, '0')}`,
          title: `[SALAH] Pesan berantai bansos nomor ${i} minta data KTP lewat link`,
          text: `Beredar pesan WA soal bantuan sosial gelombang ${i}. Faktanya tidak ada pendaftaran lewat tautan.`,
          verdict: 'SALAH',
        },
      })),
      { refresh: true },
    );
    await bulkIndex(
      client,
      Array.from({ length: MANY }, (_, i) => {
        const doc: LabelDoc = {
          id: `ag_kominfo:p${i}`,
          postId: `p${i}`,
          agencyId: 'ag_kominfo',
          label: i % 3 === 0 ? 'hoax' : 'not_hoax',
          text: `Info dari grup sebelah ${i}: vaksin bikin magnet, sebarkan!`,
          actor: 'analis@kominfo.go.id',
          // Written in shuffled order, so "oldest first" is the sort's doing, not the index's.
          at: new Date(t0 + ((i * 7919) % MANY) * 60_000).toISOString(),
        };
        return { index: names.of('labels'), id: doc.id, doc: { ...doc } };
      }),
      { refresh: true },
    );
  }, 120_000);

  afterAll(async () => {
    await dropIndices(client, prefix);
    await client.close();
  });

  it('returns every matching document, in the requested order', async () => {
    const all = await searchAll<{ id: string; verdict: string }>(client, {
      index: names.of('factchecks'),
      sort: [{ id: 'asc' }],
      source: ['id', 'verdict'],
    });
    expect(all).toHaveLength(MANY);
    expect(new Set(all.map((h) => h.id)).size).toBe(MANY);
    expect(all.map((h) => h.source.id)).toEqual(all.map((h) => h.id));
    expect(all[0]!.id).toBe('fc-00000');
    expect(all[MANY - 1]!.id).toBe(`fc-${MANY - 1}`);
    // A query that fits one page is answered by it.
    const few = await searchAll(client, {
      index: names.of('factchecks'),
      query: { ids: { values: ['fc-00007', 'fc-10100', 'fc-99999'] } },
      source: false,
    });
    expect(few.map((h) => h.id).sort()).toEqual(['fc-00007', 'fc-10100']);
  });

  it('gives every label to retraining, oldest first (not the first 10,000)', async () => {
    const labels = await listLabels(client, names);
    expect(labels).toHaveLength(MANY);
    const times = labels.map((l) => Date.parse(l.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('releases the scroll when the reader stops early', async () => {
    const openScrolls = async () => {
      const res = await client.nodes.stats({ metric: 'indices', index_metric: 'search' } as never);
      const nodes = Object.values(
        (res.body as { nodes: Record<string, { indices: { search: { scroll_current: number } } }> }).nodes,
      );
      return nodes.reduce((n, node) => n + node.indices.search.scroll_current, 0);
    };
    const before = await openScrolls();
    let pages = 0;
    for await (const page of scanPages(client, { index: names.of('factchecks'), pageSize: 1_000 })) {
      expect(page).toHaveLength(1_000);
      if (++pages === 2) {
        expect(await openScrolls()).toBe(before + 1);
        break;
      }
    }
    expect(await openScrolls()).toBe(before);
  });
});
