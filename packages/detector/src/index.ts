export * from './tracker';
export * from './stage';
