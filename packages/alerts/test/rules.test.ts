import { WATCHLIST_COUNT_HEADER, type IssueEvent } from '@pantau/core';
import {
  busiestWindowAfter,
  decodeRulePost,
  digestPayload,
  inQuietHours,
  isCritical,
  issueEventFirings,
  postFirings,
  releaseTime,
  routedSubscriptions,
  spikeThreshold,
  windowFirings,
  type DeliveryJob,
  type RulePost,
  type SubscriptionDoc,
} from '../src';

const post = (over: Partial<RulePost> = {}): RulePost => ({
  id: 'p1',
  publishedAt: '2026-11-30T03:00:00Z',
  hoaxScore: 0.2,
  claimMatches: [],
  text: 'Beredar kabar   vaksin mengandung chip',
  signals: [],
  ...over,
});

describe('watchlist rules', () => {
  it('says why in plain words, Bahasa Indonesia and English', () => {
    const [hoax] = postFirings(
      [{ type: 'hoax', minScore: 0.8 }],
      post({
        hoaxScore: 0.91,
        signals: [
          { id: 'a', weight: 0.2, label: { id: 'ajakan menyebarkan', en: 'urges sharing' } },
          { id: 'b', weight: 0.5, label: { id: 'huruf kapital', en: 'capitals' } },
        ],
      }),
      'Vaksin',
    );
    expect(hoax!.reason).toEqual({
      id: 'Unggahan cocok dengan "Vaksin" berskor hoaks 0,91 (≥ 0,80): huruf kapital, ajakan menyebarkan',
      en: 'A post matching "Vaksin" has hoax score 0.91 (≥ 0.80): capitals, urges sharing',
    });
    expect(postFirings([{ type: 'hoax', minScore: 0.8 }], post({ hoaxScore: 0.79 }), 'V')).toEqual([]);
    const [claim] = postFirings(
      [{ type: 'claim', minSimilarity: 0.5 }],
      post({
        claimMatches: [
          { factCheckId: 'a', title: 'lemah', similarity: 0.4 },
          { factCheckId: 'b', title: '[HOAKS] Vaksin berisi microchip', similarity: 0.82 },
        ],
      }),
      'Vaksin',
    );
    expect(claim!.reason.en).toBe(
      'A post matching "Vaksin" restates a fact-checked hoax: "[HOAKS] Vaksin berisi microchip" (similarity 0.82)',
    );
    expect(postFirings([{ type: 'match' }], post(), 'Vaksin')[0]!.reason.id).toBe(
      'Unggahan cocok dengan "Vaksin": "Beredar kabar vaksin mengandung chip"',
    );
  });

  it('fires rising and growing only on their own event type, with the detector reason', () => {
    const event = {
      id: 'ev1',
      type: 'rising',
      reason: '84 posts in 10 min, 12× its usual level, 31 accounts',
      reasonId: '84 unggahan dalam 10 menit, 12× dari biasanya, 31 akun',
      at: '2026-11-30T03:00:00Z',
      windowMs: 600_000,
      windowCount: 84,
      issueId: 'i',
    } as IssueEvent;
    expect(issueEventFirings([{ type: 'growing' }], event)).toEqual([]);
    expect(issueEventFirings([{ type: 'rising' }, { type: 'match' }], event)).toEqual([
      {
        rule: 'rising',
        key: 'ev1',
        at: Date.parse('2026-11-30T03:00:00Z'),
        reason: {
          id: 'Isu naik: 84 unggahan dalam 10 menit, 12× dari biasanya, 31 akun',
          en: 'Rising issue: 84 posts in 10 min, 12× its usual level, 31 accounts',
        },
      },
    ]);
  });

  it('counts volume over a sliding window, once per window while a flood lasts, whatever the order posts come in', () => {
    const at = (m: number) => new Date(Date.parse('2026-11-30T00:00:00Z') + m * 60_000).toISOString();
    const rule = { type: 'volume' as const, min: 10, windowMinutes: 15 };
    // Ten posts between 00:10 and 00:20: five on each side of 00:15. Clock-aligned windows (00:00,
    // 00:15) held five each and never fired.
    const straddling = [10, 11, 12, 13, 14, 16, 17, 18, 19, 20].map((m, i) => ({
      id: `p${i}`,
      publishedAt: at(m),
    }));
    const f = windowFirings(rule, straddling, 'BBM');
    expect(f.map((x) => new Date(x.at).toISOString())).toEqual([at(20)]);
    expect(f[0]!.reason).toEqual({
      id: '10 unggahan cocok dengan "BBM" dalam 15 menit',
      en: '10 posts matching "BBM" in 15 min',
    });
    // A post a minute from 00:10 to 01:00: the 10th post fires, then the rule rests one window.
    const flood = Array.from({ length: 51 }, (_, i) => ({ id: `f${i}`, publishedAt: at(10 + i) }));
    const fired = windowFirings(rule, flood, 'BBM');
    expect(fired.map((x) => new Date(x.at).toISOString())).toEqual([at(19), at(34), at(49)]);
    expect(windowFirings(rule, [...flood].reverse(), 'BBM')).toEqual(fired);
    // A post counted twice (a replay in the backtest's input) counts once.
    expect(windowFirings(rule, [...straddling.slice(0, 9), straddling[0]!], 'BBM')).toEqual([]);
  });

  it('finds the busiest window a late post completes, among the windows that end at or after it', () => {
    const min = 60_000;
    // Known posts at 0–4 and 6–9 min; the post at 5 min arrives last. The window that ends at 9 min
    // holds 0–9: ten posts; the one that ends at the late post holds six.
    const times = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((m) => m * min);
    expect(busiestWindowAfter(times, 5 * min, 15 * min)).toBe(10);
    // A 5-minute window: the busiest holding 5 min is (4, 9] or (1, 6] … five posts at most.
    expect(busiestWindowAfter(times, 5 * min, 5 * min)).toBe(5);
    // Only windows that end at or after the post count: the window ending at 4 min is not one.
    expect(
      busiestWindowAfter(
        [0, 1, 2, 3, 4, 20].map((m) => m * min),
        20 * min,
        15 * min,
      ),
    ).toBe(1);
  });

  it("judges a spike against the watchlist's own baseline", () => {
    const rule = { type: 'spike' as const, ratio: 3, minCount: 4, windowMinutes: 10, baselineWindows: 4 };
    expect(spikeThreshold(rule, 8)).toEqual({ threshold: 6, baseline: 2 });
    expect(spikeThreshold(rule, 0)).toEqual({ threshold: 4, baseline: 0 });
    const at = (m: number) => new Date(Date.parse('2026-11-30T00:00:00Z') + m * 60_000).toISOString();
    // Two posts per 10 min for 40 min, then one a minute: the sixth in ten minutes is 3× its usual level.
    const posts = [
      ...[0, 10, 20, 30].flatMap((m) => [at(m + 1), at(m + 2)]),
      ...[1, 2, 3, 4, 5, 6, 7].map((i) => at(40 + i)),
    ].map((publishedAt, i) => ({ id: `p${i}`, publishedAt }));
    const f = windowFirings(rule, posts, 'Gempa');
    expect(f.map((x) => new Date(x.at).toISOString())).toEqual([at(46)]);
    expect(f[0]!.reason.en).toBe('6 posts matching "Gempa" in 10 min, 3.0× its usual level (2.0)');
  });
});

describe('hygiene', () => {
  const q = { start: '22:00', end: '06:00', tz: 'Asia/Jakarta' };
  it('knows quiet hours in the subscriber’s time zone and when they end', () => {
    expect(inQuietHours(Date.parse('2026-11-30T15:30:00Z'), q)).toBe(true); // 22:30 WIB
    expect(inQuietHours(Date.parse('2026-11-30T22:59:00Z'), q)).toBe(true); // 05:59 WIB
    expect(inQuietHours(Date.parse('2026-11-30T23:00:00Z'), q)).toBe(false); // 06:00 WIB
    expect(inQuietHours(Date.parse('2026-11-30T05:00:00Z'), q)).toBe(false); // 12:00 WIB
    expect(releaseTime({ quietHours: q }, Date.parse('2026-11-30T15:30:10Z'))).toBe(
      Date.parse('2026-11-30T23:00:00Z'),
    );
    expect(releaseTime({ quietHours: q }, Date.parse('2026-11-30T05:00:00Z'))).toBeUndefined();
    expect(releaseTime({ digest: 'hourly' }, Date.parse('2026-11-30T05:20:00Z'))).toBe(
      Date.parse('2026-11-30T06:00:00Z'),
    );
    expect(releaseTime({ digest: 'daily' }, Date.parse('2026-11-30T05:20:00Z'))).toBe(
      Date.parse('2026-12-01T00:00:00Z'),
    ); // 07:00 WIB
    expect(releaseTime({ digest: 'none' }, Date.parse('2026-11-30T05:20:00Z'))).toBeUndefined();
  });

  it('routes by watchlist and lets critical alerts through', () => {
    const subs = [
      { id: 'all' },
      { id: 'only-a', watchlistIds: ['a'] },
      { id: 'only-b', watchlistIds: ['b'] },
    ] as SubscriptionDoc[];
    expect(routedSubscriptions(subs, { watchlistIds: ['a', 'c'], issue: {} }).map((s) => s.id)).toEqual([
      'all',
      'only-a',
    ]);
    const issue = { coordinated: true, hoaxShare: 0.7 } as never;
    expect(isCritical({ issue })).toBe(true);
    expect(isCritical({ issue: { coordinated: false, hoaxShare: 0.9 } as never })).toBe(false);
    expect(isCritical({ issue: { coordinated: false, hoaxShare: 0 } as never }, true)).toBe(true);
  });

  it('routes by region: a regional subscription hears only of issues that name its province or city', () => {
    const subs = [
      { id: 'nasional' },
      { id: 'pemprov-jatim', regions: ['jatim'] },
      { id: 'pemkot-surabaya', regions: ['surabaya'] },
      { id: 'pemprov-sulsel', regions: ['sulsel'] },
      { id: 'jatim-vaksin', regions: ['jatim'], watchlistIds: ['vaksin'] },
    ] as SubscriptionDoc[];
    const routed = (issue: { regions?: { id: string }[] }, watchlistIds: string[] = []) =>
      routedSubscriptions(subs, { watchlistIds, issue }).map((s) => s.id);
    // "Banjir rob di Surabaya": the city and, through it, its province.
    const surabaya = { regions: [{ id: 'surabaya' }, { id: 'jatim' }] };
    expect(routed(surabaya)).toEqual(['nasional', 'pemprov-jatim', 'pemkot-surabaya']);
    expect(routed(surabaya, ['vaksin'])).toEqual([
      'nasional',
      'pemprov-jatim',
      'pemkot-surabaya',
      'jatim-vaksin',
    ]);
    // A story about the province as a whole is not a story about one of its cities.
    expect(routed({ regions: [{ id: 'jatim' }] })).toEqual(['nasional', 'pemprov-jatim']);
    // An issue that names no region reaches only the subscriptions that asked for no region.
    expect(routed({})).toEqual(['nasional']);
  });

  it('makes one digest with the newest version of each held alert', () => {
    const job = (alertId: string, version: number, updatedAt: string) =>
      ({
        alertId,
        version,
        subscriptionId: 's',
        channel: 'webhook',
        payload: { alert: { id: alertId, version, updatedAt } },
      }) as unknown as DeliveryJob;
    const d = digestPayload([
      job('x', 1, '2026-11-30T01:00:00Z'),
      job('y', 1, '2026-11-30T02:00:00Z'),
      job('x', 2, '2026-11-30T03:00:00Z'),
    ]);
    expect(d!.payload.type).toBe('digest');
    expect(d!.payload.digest!.alerts.map((a) => [a.id, a.version])).toEqual([
      ['x', 2],
      ['y', 1],
    ]);
    expect(d!.payload.digest!.heldSince).toBe('2026-11-30T01:00:00Z');
    expect(digestPayload([])).toBeNull();
  });
});

describe('decodeRulePost (the rule stage reads every enriched post)', () => {
  const enriched = {
    id: 'p_1',
    issueId: 'is_1',
    publishedAt: '2026-11-30T03:00:00Z',
    watchlistIds: ['wl_vaksin'],
    hoaxScore: 0.91,
    text: 'Vaksin booster bikin mandul?? sebarkan sebelum dihapus!!',
    terms: ['vaksin', 'booster', 'mandul'],
  };
  const bytes = Buffer.from(JSON.stringify(enriched));
  const headers = (n?: string): { headers: Record<string, string> } => ({
    headers: n === undefined ? {} : { [WATCHLIST_COUNT_HEADER]: n },
  });

  it('takes the fields the rules need from a post some watchlist matched', () => {
    expect(decodeRulePost(bytes, headers('1'))).toMatchObject({
      id: 'p_1',
      issueId: 'is_1',
      watchlistIds: ['wl_vaksin'],
      hoaxScore: 0.91,
      claimMatches: [],
    });
  });

  it('does not parse a post the scorer says no watchlist matched', () => {
    // Not even JSON: had it been parsed, it would have been dead-lettered.
    const skipped = decodeRulePost(Buffer.from('{"id": tidak-di-parse'), headers('0'));
    expect(skipped.watchlistIds).toEqual([]);
  });

  it('parses (and checks) a message without the header, as from an older scorer', () => {
    expect(decodeRulePost(bytes, headers()).id).toBe('p_1');
    expect(decodeRulePost(bytes).id).toBe('p_1');
    expect(() => decodeRulePost(Buffer.from('{"id": rusak'), headers())).toThrow(/not JSON/);
    expect(() => decodeRulePost(Buffer.from('{"id": "p_2"}'), headers('2'))).toThrow(/lacks/);
  });
});
