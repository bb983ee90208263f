export * from './tracker';
export * from './stage';
export * from './recall';
