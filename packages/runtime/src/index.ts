export * from './config';
export * from './logger';
export * from './shutdown';
export * from './health';
export * from './repeat';
export * from './metrics';
