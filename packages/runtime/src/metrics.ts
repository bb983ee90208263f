import { Type } from '@sinclair/typebox';
import { enableProcessMetrics, serveMetrics } from '@pantau/metrics';
import type { Logger } from 'pino';
import type { Closable } from './shutdown';

/**
 * Where a service without its own HTTP API answers GET /metrics. Defaults: scorer 9464, detector
 * 9465, ingest 9466 (the API serves /metrics on its own port). 0 picks a free port.
 */
export const METRICS_PORTS = { scorer: 9464, detector: 9465, ingest: 9466 } as const;

export function metricsConfig(service: keyof typeof METRICS_PORTS) {
  return {
    METRICS_PORT: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: METRICS_PORTS[service],
      description: 'port of GET /metrics (Prometheus); 0 = any free port',
    }),
    METRICS_HOST: Type.String({ default: '127.0.0.1' }),
  };
}

/**
 * Starts process metrics and the /metrics endpoint. A port already taken (a second copy of the
 * service on one machine) is a warning, not a reason to stop the pipeline: metrics are an aid.
 */
export async function startMetrics(
  service: string,
  config: { METRICS_PORT: number; METRICS_HOST: string },
  logger: Logger,
): Promise<Closable> {
  enableProcessMetrics(service);
  try {
    const server = await serveMetrics(config.METRICS_PORT, config.METRICS_HOST);
    logger.info({ component: 'metrics', port: server.port }, 'metrics at /metrics');
    return server;
  } catch (err) {
    logger.warn(
      { component: 'metrics', err, port: config.METRICS_PORT },
      'metrics port unavailable; /metrics is off for this process',
    );
    return { name: 'metrics', close: () => undefined };
  }
}

export { enableProcessMetrics, metrics } from '@pantau/metrics';
