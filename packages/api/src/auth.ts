import { createHash, timingSafeEqual } from 'node:crypto';
import { PantauError, sha256Hex } from '@pantau/core';
import { type IndexNames, type SearchClient, storeError } from '@pantau/store';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Who is calling. The operator holds PANTAU_ADMIN_KEY and belongs to no agency; every other key
 * belongs to one agency with a role. Keys are stored only as SHA-256 hashes (document id = hash).
 */
export type Role = 'admin' | 'analyst' | 'automation';
export const ROLES: readonly Role[] = ['admin', 'analyst', 'automation'];

export type Principal =
  { kind: 'operator'; actor: 'operator' } | { kind: 'agency'; agencyId: string; role: Role; actor: string };

export interface ApiKeyDoc {
  agencyId: string;
  role: Role;
  createdAt: string;
  revokedAt?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function bearerKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export interface Authenticator {
  /** Resolves the caller or throws UNAUTHORIZED. */
  principal(request: FastifyRequest): Promise<Principal>;
  /** preHandlers: operator only; operator or any agency key; agency keys with one of the roles. */
  operator: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  anyKey: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  agency: (...roles: Role[]) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

export function createAuthenticator(
  search: SearchClient,
  names: IndexNames,
  adminKey: string,
): Authenticator {
  const resolve = async (request: FastifyRequest): Promise<Principal> => {
    if (request.principal) return request.principal;
    const key = bearerKey(request.headers.authorization);
    if (!key) throw new PantauError('UNAUTHORIZED', 'missing API key: send Authorization: Bearer <key>');
    if (sameSecret(key, adminKey)) return (request.principal = { kind: 'operator', actor: 'operator' });
    const hash = sha256Hex(key);
    let doc: ApiKeyDoc | undefined;
    try {
      const res = await search.get({ index: names.of('apikeys'), id: hash }, { ignore: [404] });
      const body = res.body as { found?: boolean; _source?: ApiKeyDoc };
      doc = body.found ? body._source : undefined;
    } catch (err) {
      throw storeError(err, 'checking API key');
    }
    if (!doc || doc.revokedAt) throw new PantauError('UNAUTHORIZED', 'unknown or revoked API key');
    return (request.principal = {
      kind: 'agency',
      agencyId: doc.agencyId,
      role: doc.role,
      actor: `key:${hash.slice(0, 12)}`,
    });
  };
  return {
    principal: resolve,
    operator: async (request) => {
      const p = await resolve(request);
      if (p.kind !== 'operator') throw new PantauError('FORBIDDEN', 'only the operator key may do this');
    },
    anyKey: async (request) => {
      await resolve(request);
    },
    agency:
      (...roles) =>
      async (request) => {
        const p = await resolve(request);
        if (p.kind !== 'agency')
          throw new PantauError(
            'FORBIDDEN',
            'this needs an agency key; the operator key belongs to no agency',
          );
        if (roles.length > 0 && !roles.includes(p.role)) {
          throw new PantauError(
            'FORBIDDEN',
            `role '${p.role}' may not do this (needs ${roles.join(' or ')})`,
          );
        }
      },
  };
}

/** The caller's agency id on routes guarded by `agency(...)`. */
export function agencyOf(request: FastifyRequest): string {
  const p = request.principal;
  if (p?.kind !== 'agency') throw new PantauError('FORBIDDEN', 'this needs an agency key');
  return p.agencyId;
}
