export * from './clusterer';
export * from './bcubed';
export * from './baseline';
export * from './harness';
export * from './bursts';
