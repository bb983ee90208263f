export * from './issues';
export * from './near-duplicates';
export * from './watchlists';
export * from './stage';
export { Lru } from './lru';
export * from './factchecks';
export * from './models';
