export * from './opensearch';
export * from './indices';
export * from './bulk';
export * from './queries';
export * from './models';
export * from './scan';
