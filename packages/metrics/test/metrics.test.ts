import { enableProcessMetrics, metrics, serveMetrics } from '../src';

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
