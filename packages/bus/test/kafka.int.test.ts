import { requireServers, servers, testLogger } from '@pantau/testkit';
import { createKafkaBus } from '../src';
import { busContract } from './contract';

busContract('kafka', async () => {
  await requireServers('kafka');
  return createKafkaBus({
    brokers: servers.kafkaBrokers,
    clientId: 'pantau-contract',
    logger: testLogger('bus'),
    handlerRetries: 2,
    handlerRetryDelayMs: 20,
  });
});

describe('kafka producer without a broker (issue 12: fail fast, never hang)', () => {
  it('fails a send with the retriable BUS_UNAVAILABLE within the send timeout', async () => {
    // A port nothing listens on: connection refused, like a killed broker.
    const bus = createKafkaBus({
      brokers: ['127.0.0.1:1'],
      clientId: 'pantau-down',
      logger: testLogger('bus-down'),
      sendTimeoutMs: 2_000,
    });
    try {
      for (let i = 0; i < 2; i += 1) {
        const started = Date.now();
        const err = await bus
          .producer()
          .send('never', [{ key: 'k', value: 'v' }])
          .then(
            () => undefined,
            (e: unknown) => e as { code?: string; retriable?: boolean },
          );
        expect(err).toMatchObject({ code: 'BUS_UNAVAILABLE', retriable: true });
        expect(Date.now() - started).toBeLessThan(3_000);
      }
    } finally {
      await bus.close();
    }
  });
});
