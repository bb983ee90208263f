export * from './watchlists';
export * from './stage';
export * from './restore';
export * from './factchecks';
export * from './models';
