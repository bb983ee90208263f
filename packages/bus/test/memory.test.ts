import { testLogger } from '@pantau/testkit';
import { createMemoryBus } from '../src';
import { busContract } from './contract';

busContract('memory', async () =>
  createMemoryBus({ logger: testLogger('bus'), handlerRetries: 2, handlerRetryDelayMs: 20 }),
);
