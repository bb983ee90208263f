import { createEnricher } from '@pantau/nlp-id';
import {
  bulkIndex,
  createSearchClient,
  dropIndices,
  installIndices,
  type IndexNames,
  type SearchClient,
} from '@pantau/store';
import { requireServers, servers, uniqueName } from '@pantau/testkit';
import { FactCheckSync } from '../src';

const PLACES = ['Bekasi', 'Medan', 'Makassar', 'Sleman', 'Garut', 'Ambon', 'Kupang', 'Jayapura'];
/** A debunk of one chain message; `i` makes each a claim of its own. */
const debunk = (i: number) => ({
  id: `turnbackhoax-${i}`,
  title: `[SALAH] Pesan berantai bantuan sosial ${PLACES[i % PLACES.length]} kode ${i} minta foto KTP lewat link`,
  text: `Beredar pesan berantai di WhatsApp bahwa warga ${PLACES[i % PLACES.length]} penerima kode ${i} bisa mencairkan bantuan sosial dengan mengirim foto KTP lewat link. Dinas Sosial memastikan informasi tersebut tidak benar.`,
  verdict: 'SALAH',
});

describe('fact-check sync with a national-size database (real OpenSearch)', () => {
  let search: SearchClient;
  let names: IndexNames;
  let prefix: string;

  beforeAll(async () => {
    await requireServers('opensearch');
    search = createSearchClient(servers.opensearchUrl);
    prefix = `${uniqueName('fc')}-`;
    names = await installIndices(search, { prefix });
  });
  afterAll(async () => {
    await dropIndices(search, prefix);
    await search.close();
  });

  const put = (items: ({ id: string } & Record<string, unknown>)[]) =>
    bulkIndex(
      search,
      items.map((f) => ({ index: names.of('factchecks'), id: f.id, doc: f })),
      { refresh: true },
    );

  it('loads every fact-check past 10,000, then only the new ones, and matches the last of them', async () => {
    await put(Array.from({ length: 10_300 }, (_, i) => debunk(i)));
    const enricher = createEnricher();
    const handed: string[] = [];
    const sync = new FactCheckSync(search, names, {
      addFactChecks: (items) => {
        handed.push(...items.map((f) => f.id));
        enricher.addFactChecks(items);
      },
      removeFactChecks: (ids) => enricher.removeFactChecks(ids),
    });
    expect(await sync.refresh()).toEqual({ added: 10_300, updated: 0, removed: 0 });
    expect(new Set(handed).size).toBe(10_300);
    expect(sync.size).toBe(10_300);

    // Added while the scorer runs: a claim of its own, so the matcher has one answer for it.
    const tsunami = {
      id: 'turnbackhoax-10301',
      title: '[HOAKS] Video tsunami setinggi 10 meter menerjang Pantai Pangandaran pagi ini',
      text: 'Video yang diklaim tsunami menerjang Pantai Pangandaran adalah rekaman tsunami Aceh 2004. BMKG memastikan tidak ada gempa maupun peringatan tsunami di Pangandaran.',
      verdict: 'HOAKS',
    };
    await put([debunk(10_300), tsunami]);
    expect(await sync.refresh()).toEqual({ added: 2, updated: 0, removed: 0 });
    expect(handed.slice(-2).sort()).toEqual(['turnbackhoax-10300', 'turnbackhoax-10301']);
    expect(await sync.refresh()).toEqual({ added: 0, updated: 0, removed: 0 });

    // A claim beyond the first 10,000 is known to the matcher (before: silently never loaded).
    const post = enricher.enrich(
      'INNALILLAHI tsunami setinggi 10 meter menerjang pantai Pangandaran pagi ini!! video nya ngeri bgt, sebarkan ke keluarga yg di Pangandaran',
    );
    expect(post.hoax.factCheck?.id).toBe('turnbackhoax-10301');
  }, 120_000);

  it('replaces a fact-check edited at its source and withdraws a deleted one', async () => {
    const rumour = {
      id: 'cekfakta-banjir-bekasi',
      title: '[HOAKS] Tanggul Kali Bekasi jebol malam ini, warga Bekasi Timur diminta mengungsi',
      text: 'Pesan berantai yang menyebut tanggul Kali Bekasi jebol dan warga harus mengungsi tidak benar. BPBD Kota Bekasi memastikan tanggul dalam kondisi aman.',
      verdict: 'HOAKS',
    };
    const vaccine = {
      id: 'cekfakta-vaksin-chip',
      title: '[SALAH] Vaksin campak di sekolah berisi chip pelacak dari luar negeri',
      text: 'Klaim vaksin campak untuk anak sekolah berisi chip pelacak tidak benar. Kemenkes menegaskan vaksin campak aman dan tidak mengandung chip.',
      verdict: 'SALAH',
    };
    await put([rumour, vaccine]);
    const enricher = createEnricher();
    const sync = new FactCheckSync(search, names, enricher);
    expect(await sync.refresh()).toMatchObject({ added: 10_304 });
    const flood = 'tanggul kali bekasi jebol malam ini!! warga bekasi timur disuruh ngungsi, cepet sebarin';
    const chip =
      'hati2 vaksin campak di sekolah katanya ada chip pelacak dari luar negeri, jgn mau anaknya divaksin';
    expect(enricher.enrich(flood).hoax.factCheck?.id).toBe(rumour.id);
    expect(enricher.enrich(chip).hoax.factCheck?.id).toBe(vaccine.id);

    // The checkers corrected the verdict (the dike did break), and withdrew the vaccine article.
    await put([{ ...rumour, title: rumour.title.replace('[HOAKS]', '[BENAR]'), verdict: 'BENAR' }]);
    await search.delete({ index: names.of('factchecks'), id: vaccine.id, refresh: true });
    expect(await sync.refresh()).toEqual({ added: 0, updated: 1, removed: 1 });
    expect(sync.size).toBe(10_303);
    expect(enricher.enrich(flood).hoax.factCheck).toBeUndefined();
    expect(enricher.enrich(chip).hoax.factCheck).toBeUndefined();

    // Put back as a hoax: it matches again, once.
    await put([rumour]);
    expect(await sync.refresh()).toEqual({ added: 0, updated: 1, removed: 0 });
    expect(enricher.enrich(flood).hoax.factCheck?.id).toBe(rumour.id);

    // Emptied at the source (no claim left): withdrawn, and not read again while unchanged.
    await put([{ ...rumour, title: '', text: '' }]);
    expect(await sync.refresh()).toEqual({ added: 0, updated: 0, removed: 1 });
    expect(enricher.enrich(flood).hoax.factCheck).toBeUndefined();
    expect(await sync.refresh()).toEqual({ added: 0, updated: 0, removed: 0 });
  }, 120_000);
});
