import { enableProcessMetrics, metrics, registry, serveMetrics } from '../src';

describe('metrics endpoint', () => {
  it('serves process and pipeline metrics in Prometheus text format on its own port', async () => {
    enableProcessMetrics('test');
    metrics.issueEvents.inc({ type: 'rising' }, 2);
    const server = await serveMetrics(0);
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toMatch(/pantau_process_cpu_seconds_total\{service="test"\} \d/);
      expect(text).toContain('pantau_issue_events_total{type="rising",service="test"} 2');
      expect(text).toContain('# TYPE pantau_consumer_lag gauge');
      const other = await fetch(`http://127.0.0.1:${server.port}/`);
      expect(other.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('Grafana dashboard (infra/grafana/pantau-pipeline.json)', () => {
  it('charts only metrics this registry declares', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dashboard = require('../../../infra/grafana/pantau-pipeline.json') as {
      panels: { targets: { expr: string }[] }[];
    };
    enableProcessMetrics('test');
    const declared = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    const used = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) => [...t.expr.matchAll(/\bpantau_\w+/g)].map((m) => m[0])),
    );
    expect(used.length).toBeGreaterThan(10);
    for (const name of used) expect(declared).toContain(name.replace(/_(bucket|count|sum)$/, ''));
  });
});
