export * from './bullmq';
