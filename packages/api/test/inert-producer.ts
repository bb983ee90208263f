import type { Producer } from '@pantau/bus';

/** For app tests whose routes never publish: a producer that fails loudly if one does. */
export const inertProducer = new Proxy(
  {},
  { get: () => () => Promise.reject(new Error('no Kafka here')) },
) as Producer;
