export * from './watchlists';
export * from './stage';
export * from './restore';
export { Lru } from './lru';
export * from './factchecks';
export * from './models';
