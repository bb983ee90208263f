export * from './posts';
export * from './replay';
