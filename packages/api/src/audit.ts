import type { IndexNames, SearchClient } from '@pantau/store';
import type { Logger } from 'pino';
import type { Principal } from './auth';

/** Configuration changes go to the audit index: who, what, when. Never the secrets themselves. */
export interface AuditEntry {
  action: string;
  target: string;
  agencyId?: string;
  details?: Record<string, unknown>;
}

export async function audit(
  search: SearchClient,
  names: IndexNames,
  logger: Logger,
  who: Principal,
  entry: AuditEntry,
): Promise<void> {
  const doc = {
    at: new Date().toISOString(),
    actor: who.actor,
    agencyId: entry.agencyId ?? (who.kind === 'agency' ? who.agencyId : undefined),
    action: entry.action,
    target: entry.target,
    details: entry.details ?? {},
  };
  try {
    await search.index({ index: names.of('audit'), body: doc as never });
  } catch (err) {
    // The change itself succeeded; a lost audit line is logged loudly rather than failing the request.
    logger.error({ err, audit: doc }, 'writing audit entry failed');
  }
}
