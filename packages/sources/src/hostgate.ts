import { randomUUID } from 'node:crypto';
import type { KeyValue } from '@pantau/queue';
import type { HostGate } from './http';

/**
 * One request at a time per host across every ingest process: a short Redis lock per host, taken
 * before a request and released after it (or expiring, if the process died holding it).
 */
export function createRedisHostGate(kv: KeyValue, prefix: string, maxWaitMs = 60_000): HostGate {
  return {
    async acquire(host, ttlMs) {
      const key = `${prefix}:host:${host}`;
      const token = randomUUID();
      const deadline = Date.now() + maxWaitMs;
      let wait = 20;
      while (!(await kv.setIfAbsent(key, token, ttlMs))) {
        if (Date.now() > deadline) break; // the lock holder is stuck: go on rather than starve
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 500);
      }
      return () => kv.deleteIf(key, token);
    },
  };
}
