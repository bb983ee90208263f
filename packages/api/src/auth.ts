import { createHash, timingSafeEqual } from 'node:crypto';
import { PantauError, newSecret, sha256Hex } from '@pantau/core';
import { type IndexNames, type SearchClient, storeError } from '@pantau/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';

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
  /** Drops a key (by its hash) from this process's memory of valid keys: it was just revoked. */
  forget(hash: string): void;
}

export interface KeyCacheOptions {
  /** A key checked this recently is not looked up again (a revocation takes this long to bite). */
  freshMs?: number;
  /** While OpenSearch is unreachable, a key known good this recently is still accepted. */
  staleMs?: number;
  /** Keys remembered at once (default 10,000), the least recently used forgotten first. */
  maxKeys?: number;
  now?: () => number;
}

export function createAuthenticator(
  search: SearchClient,
  names: IndexNames,
  adminKey: string,
  cacheOptions: KeyCacheOptions = {},
): Authenticator {
  const freshMs = cacheOptions.freshMs ?? 30_000;
  const staleMs = cacheOptions.staleMs ?? 24 * 3600_000;
  const now = cacheOptions.now ?? Date.now;
  // Valid keys only (an unknown key is asked again every time, so a new key works at once). Without
  // it every request paid an OpenSearch round trip, and ingest with an agency key answered 503 while
  // OpenSearch was down although Kafka, all ingest needs, was up.
  // Least recently used out: a key in daily use stays cached however many others come and go (a Map
  // trimmed by its first key walked every hole earlier deletes left: O(size) an insert once full).
  const known = new LRUCache<string, { doc: ApiKeyDoc; checkedAt: number }>({
    max: cacheOptions.maxKeys ?? 10_000,
  });
  const lookup = async (hash: string): Promise<ApiKeyDoc | undefined> => {
    const cached = known.get(hash);
    if (cached && now() - cached.checkedAt < freshMs) return cached.doc;
    let doc: ApiKeyDoc | undefined;
    try {
      const res = await search.get({ index: names.of('apikeys'), id: hash }, { ignore: [404] });
      const body = res.body as { found?: boolean; _source?: ApiKeyDoc };
      doc = body.found ? body._source : undefined;
    } catch (err) {
      if (cached && now() - cached.checkedAt < staleMs) return cached.doc;
      throw storeError(err, 'checking API key');
    }
    if (doc && !doc.revokedAt) known.set(hash, { doc, checkedAt: now() });
    else known.delete(hash);
    return doc;
  };
  const resolve = async (request: FastifyRequest): Promise<Principal> => {
    if (request.principal) return request.principal;
    const key = bearerKey(request.headers.authorization);
    if (!key) throw new PantauError('UNAUTHORIZED', 'missing API key: send Authorization: Bearer <key>');
    if (sameSecret(key, adminKey)) return (request.principal = { kind: 'operator', actor: 'operator' });
    const hash = sha256Hex(key);
    const doc = await lookup(hash);
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
    forget: (hash) => void known.delete(hash),
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

/** A key is named by this many hex digits of its hash: enough to tell keys apart, useless to use one. */
export const KEY_ID_LENGTH = 16;

/** A new API key for an agency, stored only as its hash; the secret is returned once. */
export async function createApiKey(
  search: SearchClient,
  names: IndexNames,
  agencyId: string,
  role: Role,
  label?: string,
): Promise<{ id: string; apiKey: string; role: Role; label?: string; createdAt: string }> {
  const apiKey = newSecret('pk');
  const hash = sha256Hex(apiKey);
  const createdAt = new Date().toISOString();
  try {
    await search.index({
      index: names.of('apikeys'),
      id: hash,
      body: { agencyId, role, createdAt, ...(label ? { label } : {}) },
      op_type: 'create',
      refresh: 'wait_for',
    });
  } catch (err) {
    throw storeError(err, 'creating API key');
  }
  return { id: hash.slice(0, KEY_ID_LENGTH), apiKey, role, ...(label ? { label } : {}), createdAt };
}
