import { findEntities, getDefaultGazetteer, region } from '../src';

const ids = (text: string): string[] => findEntities(text).map((e) => `${e.kind}:${e.id}`);

describe('entities', () => {
  it('finds agencies by name and acronym, old and new', () => {
    expect(ids('Kominfo sekarang jadi Komdigi, Kemendikbud jadi Kemendikdasmen')).toEqual([
      'agency:komdigi',
      'agency:kemendikdasmen',
    ]);
    expect(ids('KEMENKES, BPOM dan Kementerian Kesehatan bantah isu vaksin')).toEqual([
      'agency:kemenkes',
      'agency:bpom',
    ]);
    expect(
      ids('BI dan OJK minta warga waspada pinjol; KPU dan Bawaslu awasi kampanye; Polri dan TNI siaga'),
    ).toEqual(['agency:bi', 'agency:ojk', 'agency:kpu', 'agency:bawaslu', 'agency:polri', 'agency:tni']);
    expect(ids('BMKG, BNPB, Kemenkeu, KPK dan MK')).toEqual([
      'agency:bmkg',
      'agency:bnpb',
      'agency:kemenkeu',
      'agency:kpk',
      'agency:mk',
    ]);
  });

  it('requires capitals for short acronyms and for place names that are also words', () => {
    expect(ids('bi mk')).toEqual([]);
    expect(ids('nasibnya malang sekali, diserang netizen')).toEqual([]);
    expect(ids('Banjir di Malang dan Serang')).toEqual(['city:malang', 'city:serang']);
  });

  it('finds provinces and cities, longest match first', () => {
    expect(ids('Gempa terasa di Jawa Timur sampai Surabaya dan Sidoarjo')).toEqual([
      'province:jatim',
      'city:surabaya',
      'city:sidoarjo',
    ]);
    expect(ids('banjir di jakarta selatan')).toEqual(['city:jakarta-selatan']);
    expect(findEntities('#KPU')[0]?.matched).toBe('KPU');
  });

  it('looks a region up by id (what a source declares), a city with its province; agencies are no region', () => {
    expect(region('surabaya')).toEqual({
      kind: 'city',
      id: 'surabaya',
      name: 'Surabaya',
      province: 'jatim',
      provinceName: 'Jawa Timur',
    });
    expect(region('jatim')).toEqual({ kind: 'province', id: 'jatim', name: 'Jawa Timur' });
    expect(region('kpu')).toBeUndefined();
    expect(region('atlantis')).toBeUndefined();
  });

  it("names a city's province, so alerts can be routed to the province too", () => {
    expect(findEntities('Rob lagi di Surabaya, Jawa Timur. Jakarta Selatan aman')).toEqual([
      {
        kind: 'city',
        id: 'surabaya',
        name: 'Surabaya',
        matched: 'Surabaya',
        province: 'jatim',
        provinceName: 'Jawa Timur',
      },
      { kind: 'province', id: 'jatim', name: 'Jawa Timur', matched: 'Jawa Timur' },
      {
        kind: 'city',
        id: 'jakarta-selatan',
        name: 'Jakarta Selatan',
        matched: 'Jakarta Selatan',
        province: 'dki',
        provinceName: 'DKI Jakarta',
      },
    ]);
  });

  it('ignores URLs and mentions', () => {
    expect(ids('lihat https://kpu.go.id/bawaslu @polri')).toEqual([]);
  });

  it('ships all 38 provinces with stable ids', () => {
    const provinces = getDefaultGazetteer().entries.filter((e) => e.kind === 'province');
    expect(provinces).toHaveLength(38);
    expect(new Set(provinces.map((p) => p.id)).size).toBe(38);
  });
});
