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
