import type { AlertPayload, Clarification } from '../src';

/** A realistic alert payload (a rising health hoax in Jakarta) for template and channel tests. */
export const clarification: Clarification = {
  id: 'cl_1',
  issueId: 'iss_vaksin',
  agencyId: 'ag_kemenkes',
  agencyName: 'Kemenkes RI',
  text: 'Vaksin yang beredar di puskesmas aman & terdaftar di BPOM. Info "chip" di vaksin itu hoaks.',
  url: 'https://sehatnegeriku.kemkes.go.id/baca/klarifikasi-vaksin',
  actor: 'key_admin',
  createdAt: '2026-11-20T09:00:00Z',
};

export function alertPayload(over: Partial<AlertPayload['alert']> = {}): AlertPayload {
  return {
    alert: {
      id: 'al_abc',
      version: 1,
      kind: 'issue_rising',
      issue: {
        id: 'iss_vaksin',
        title: 'vaksin <chip> 5G',
        terms: ['vaksin', 'chip'],
        status: 'rising',
        windowMs: 10 * 60_000,
        windowCount: 84,
        total: 1250,
        baseline: 7,
        score: 9.1,
        growth: 12,
        hoaxShare: 0.6,
        distinctAuthors: 31,
        coordinated: true,
        firstSeen: '2026-11-20T07:00:00Z',
        lastSeen: '2026-11-20T08:00:00Z',
      },
      watchlists: [{ id: 'wl_1', name: 'Vaksin' }],
      posts: [
        {
          id: 'p1',
          source: 'x',
          text: 'WASPADA!!! vaksin booster ada chip 5G nya, jgn mau disuntik #tolakvaksin',
          url: 'https://x.com/akun_a/status/1',
          hoaxScore: 0.91,
          signals: [
            { id: 'caps', weight: 0.4, label: { id: 'Huruf kapital berlebihan', en: 'Excessive capitals' } },
            {
              id: 'health',
              weight: 0.7,
              label: { id: 'Klaim kesehatan tanpa sumber', en: 'Unsourced health claim' },
            },
          ],
          claimMatches: [
            {
              factCheckId: 'fc_1',
              title: '[SALAH] Vaksin COVID-19 Mengandung Chip 5G',
              similarity: 0.82,
              url: 'https://turnbackhoax.id/2021/vaksin-chip',
            },
          ],
        },
        {
          id: 'p2',
          source: 'facebook',
          text: 'Katanya di vaksin ada microchip buat lacak warga, bener gak sih?',
          hoaxScore: 0.64,
          signals: [
            {
              id: 'health',
              weight: 0.5,
              label: { id: 'Klaim kesehatan tanpa sumber', en: 'Unsourced health claim' },
            },
            { id: 'question', weight: 0.2, label: { id: 'Pertanyaan memancing', en: 'Leading question' } },
          ],
        },
        {
          id: 'p3',
          source: 'news',
          text: 'Kemenkes bantah isu chip dalam vaksin',
          url: 'https://news.example.id/a',
        },
        { id: 'p4', text: 'post keempat tidak ditampilkan' },
      ],
      summary: {
        id: 'Isu "vaksin <chip> 5G" sedang naik: 84 unggahan dalam 10 menit (biasanya 7).',
        en: 'Issue "vaksin <chip> 5G" is rising: 84 posts in 10 minutes (usually 7).',
      },
      createdAt: '2026-11-20T08:00:00Z',
      updatedAt: '2026-11-20T08:00:00Z',
      ...over,
    },
  };
}

export const issueUrl = (id: string) => `https://pantau.example.id/#/isu/${id}`;
