import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one Pantau process. One registry per process; the pipeline's metrics are
 * declared here once and updated at the generic seams (the bus batch runner, the bulk indexer, the
 * issue-event and alert-delivery stages), so a stage gets its metrics without knowing about them.
 * Exposed at `/metrics` on the API's port and on METRICS_PORT by every other service.
 */
export const registry = new Registry();

let processMetrics = false;
/** Process metrics (CPU, memory, event-loop lag, GC) labelled with the service name; once per process. */
export function enableProcessMetrics(service: string): void {
  if (processMetrics) return;
  processMetrics = true;
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'pantau_' });
}

const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const metrics = {
  messagesHandled: new Counter({
    name: 'pantau_messages_handled_total',
    help: 'Messages handled by a consumer (posts on posts.raw for the scorer, …), dead-lettered ones excluded',
    labelNames: ['group', 'topic'] as const,
    registers: [registry],
  }),
  consumerLag: new Gauge({
    name: 'pantau_consumer_lag',
    help: 'Messages behind the partition end after the last handled batch',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
  }),
  batchSeconds: new Histogram({
    name: 'pantau_batch_duration_seconds',
    help: 'Time to handle one batch (decode, handler incl. retries, dead-lettering)',
    labelNames: ['group', 'topic'] as const,
    buckets: seconds,
    registers: [registry],
  }),
  dlqMessages: new Counter({
    name: 'pantau_dlq_messages_total',
    help: 'Messages sent to the dead-letter topic, by source topic and error code',
    labelNames: ['group', 'topic', 'code'] as const,
    registers: [registry],
  }),
  bulkSeconds: new Histogram({
    name: 'pantau_bulk_duration_seconds',
    help: 'Time of one bulk indexing call to the search store, retries included',
    buckets: seconds,
    registers: [registry],
  }),
  bulkDocuments: new Counter({
    name: 'pantau_bulk_documents_total',
    help: 'Documents sent to bulk indexing, by outcome (indexed, rejected)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  bulkBackpressure: new Counter({
    name: 'pantau_bulk_backpressure_total',
    help: 'Times the search store answered 429 and every bulk writer of the process paused',
    registers: [registry],
  }),
  indexRejections: new Counter({
    name: 'pantau_index_rejections_total',
    help: 'Documents the search store rejected for good, by error type',
    labelNames: ['type'] as const,
    registers: [registry],
  }),
  issueEvents: new Counter({
    name: 'pantau_issue_events_total',
    help: 'Issue lifecycle events seen, by type (new, rising, growing, peaked, cooled)',
    labelNames: ['type'] as const,
    registers: [registry],
  }),
  alertDeliveries: new Counter({
    name: 'pantau_alert_deliveries_total',
    help: 'Alert delivery attempts finished, by channel and status (delivered, retrying, failed)',
    labelNames: ['channel', 'status'] as const,
    registers: [registry],
  }),
  postsPublished: new Counter({
    name: 'pantau_posts_published_total',
    help: 'Posts an ingest process published to posts.raw',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  httpRequests: new Counter({
    name: 'pantau_http_requests_total',
    help: 'HTTP requests answered by the API, by route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  }),
};

export const CONTENT_TYPE = registry.contentType;

/** The exposition text (what GET /metrics answers). */
export function exposition(): Promise<string> {
  return registry.metrics();
}

export interface MetricsServer {
  readonly name: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A tiny HTTP server answering GET /metrics, for services without an HTTP API of their own. */
export async function serveMetrics(port: number, host = '127.0.0.1'): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'only GET /metrics here' } }));
      return;
    }
    exposition().then(
      (text) => {
        res.writeHead(200, { 'content-type': CONTENT_TYPE });
        res.end(text);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'INTERNAL', message: String(err) } }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  server.on('error', () => undefined);
  const address = server.address();
  return {
    name: 'metrics',
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
