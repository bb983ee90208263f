import { SourceMetrics } from '../src';

describe('per-source metrics', () => {
  it('counts polls, 304s, items, skips, errors and lag per source, and renders Prometheus text', () => {
    const m = new SourceMetrics();
    m.poll('warta', 'rss', { items: 4, skipped: 2, notModified: false, lagSeconds: 60 });
    m.poll('warta', 'rss', { items: 0, skipped: 0, notModified: true, lagSeconds: 120 });
    m.error('warta', 'rss');
    m.error('masto', 'mastodon');
    expect(m.snapshot()).toEqual({
      warta: { kind: 'rss', polls: 3, notModified: 1, items: 4, skipped: 2, errors: 1, lagSeconds: 120 },
      masto: {
        kind: 'mastodon',
        polls: 1,
        notModified: 0,
        items: 0,
        skipped: 0,
        errors: 1,
        lagSeconds: null,
      },
    });
    const text = m.render();
    expect(text).toContain('# TYPE pantau_source_polls_total counter');
    expect(text).toContain('pantau_source_polls_total{source="warta",kind="rss"} 3');
    expect(text).toContain('pantau_source_items_total{source="warta",kind="rss"} 4');
    expect(text).toContain('pantau_source_errors_total{source="masto",kind="mastodon"} 1');
    expect(text).toContain('pantau_source_lag_seconds{source="warta",kind="rss"} 120');
    expect(text).not.toContain('pantau_source_lag_seconds{source="masto"');
  });
});
