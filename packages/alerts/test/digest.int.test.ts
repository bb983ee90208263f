import { requireServers, servers, testLogger, uniqueName } from '@pantau/testkit';
import { createDeliveryHolder, obliterateDigestQueue, type DeliveryHolder, type DeliveryJob } from '../src';
import { alertPayload } from './fixture';

/**
 * Held deliveries on real Redis/BullMQ, at the edge the hygiene suite does not reach: a delivery held
 * while its subscription's release is already running.
 */
const logger = testLogger('alerts-digest');

const held = (alertId: string, subscriptionId: string, updatedAt: string): DeliveryJob => ({
  alertId,
  version: 1,
  subscriptionId,
  channel: 'webhook',
  payload: {
    type: 'alert',
    alert: { ...alertPayload().alert, id: alertId, updatedAt },
  },
});

describe('held deliveries and their release (real Redis)', () => {
  const prefix = uniqueName('digestq');
  let holder: DeliveryHolder;
  const released: DeliveryJob[] = [];
  let unblock: () => void = () => undefined;
  let firstEnqueued: () => void = () => undefined;
  const firstCall = new Promise<void>((resolve) => (firstEnqueued = resolve));
  const gate = new Promise<void>((resolve) => (unblock = resolve));

  beforeAll(async () => {
    await requireServers('redis');
    holder = createDeliveryHolder({
      redisUrl: servers.redisUrl,
      prefix,
      logger,
      deliveries: {
        async enqueue(jobs) {
          released.push(...jobs);
          if (released.length === 1) {
            // The first release is still running (its list already drained) until the test says so.
            firstEnqueued();
            await gate;
          }
        },
      },
    });
  });

  afterAll(async () => {
    unblock();
    await holder?.close();
    await obliterateDigestQueue(servers.redisUrl, prefix).catch(() => undefined);
  });

  it('releases a delivery held while the release for that moment was already running', async () => {
    const sub = 'sub_bnpb_telegram';
    const releaseAt = Date.now();
    await holder.hold(held('al_banjir_bekasi', sub, '2026-11-29T23:00:00Z'), releaseAt);
    await firstCall;
    // Same subscription, same release moment (quiet hours ending now), one alert later.
    await holder.hold(held('al_tanggul_jebol', sub, '2026-11-29T23:01:00Z'), releaseAt);
    unblock();

    const deadline = Date.now() + 15_000;
    while (released.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(released.map((j) => j.covers?.map((c) => c.alertId))).toEqual([
      ['al_banjir_bekasi'],
      ['al_tanggul_jebol'],
    ]);
    expect(released.every((j) => j.payload.type === 'digest')).toBe(true);
    // Two digests, two deliveries: the second is not taken for a repeat of the first.
    expect(new Set(released.map((j) => j.digestId)).size).toBe(2);
  }, 30_000);
});
