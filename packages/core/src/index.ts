export * from './errors';
export * from './topics';
export * from './clock';
export * from './ids';
export * from './schemas';
export * from './validate';
export * from './random';
export * from './topic-taxonomy';
