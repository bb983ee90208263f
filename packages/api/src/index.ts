export { buildApp } from './app';
export type { ApiConfig, ApiDeps, AlertService } from './deps';
export { bearerKey, ROLES, type Principal, type Role } from './auth';
export { toErrorAnswer } from './errors';
export * as schemas from './schemas';
