export * from './types';
export { processBatch, deadLetter } from './batch';
export { createKafkaBus, type KafkaBusOptions } from './kafka';
export { createMemoryBus, type MemoryBus, type MemoryBusOptions } from './memory';
