import { createHash } from 'node:crypto';
import { backOff } from 'exponential-backoff';
import { newId, PantauError } from '@pantau/core';
import type { Scheduler } from '@pantau/queue';
import { unknownRegions } from '@pantau/nlp-id/src/regions';
import { checkSourceUrl, type Resolver } from './http';
import type { SourceRegistry } from './registry';
import type { SourceState } from './state';
import {
  SOURCE_KINDS,
  type Connector,
  type FollowUpMessage,
  type SourceDoc,
  type SourceHealth,
  type SourceKind,
} from './types';

/**
 * Sources as the API and the seed file manage them: validated per kind, URLs safety-checked, stored
 * in the registry, and scheduled as one repeatable BullMQ job each (shifted by a stable per-source
 * offset so sources with the same interval do not all fire together).
 */
export interface PollJob {
  sourceId: string;
  force?: boolean;
  /** Not a poll: a message for the people behind some of the source's items. */
  followUp?: FollowUpMessage;
}

/** A follow-up job is tried this often, the waits doubling from FOLLOW_UP_BACKOFF_MS (~1 h in all). */
const FOLLOW_UP_ATTEMPTS = 8;
const FOLLOW_UP_BACKOFF_MS = 30_000;

export interface SourceInput {
  id?: string;
  kind: string;
  name: string;
  config: Record<string, unknown>;
  intervalSeconds?: number;
  credentialsEnv?: string;
  paused?: boolean;
  region?: string;
}

export interface SourcePatch {
  name?: string;
  config?: Record<string, unknown>;
  intervalSeconds?: number;
  credentialsEnv?: string | null;
  paused?: boolean;
  /** null removes it. */
  region?: string | null;
}

export type SourceView = Omit<SourceDoc, 'seeded'> & SourceHealth;

export const DEFAULT_INTERVAL_SECONDS = 300;
export const MIN_INTERVAL_SECONDS = 10;
const SECRET_KEY = /token|secret|password|passwd|api[-_]?key|bearer|authorization|cookie/i;
const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface SourceServiceDeps {
  registry: SourceRegistry;
  state: SourceState;
  scheduler: Scheduler<PollJob>;
  connectors: ReadonlyMap<SourceKind, Connector>;
  allowPrivate: boolean;
  failingAfter: number;
  resolve?: Resolver;
  now?: () => number;
  /** A follow-up job's tries and first wait (default 8 tries from 30 s, doubling: ~1 h in all). */
  followUpRetry?: { attempts: number; backoffMs: number };
}

/** A stable offset in [0, every): the same source fires at the same phase on every process. */
export function jitterOffset(id: string, everyMs: number): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % everyMs;
}

function invalid(problems: string[]): PantauError {
  return new PantauError('VALIDATION', problems.join('; '), {
    details: problems.map((message) => ({ message })),
  });
}

export function createSourceService(deps: SourceServiceDeps) {
  const now = deps.now ?? Date.now;

  async function check(
    kind: string,
    config: Record<string, unknown>,
    intervalSeconds: number,
    credentialsEnv?: string | null,
    region?: string | null,
  ): Promise<Connector> {
    const problems: string[] = [];
    const connector = deps.connectors.get(kind as SourceKind);
    if (!connector) problems.push(`kind must be one of ${SOURCE_KINDS.join(', ')}; '${kind}' is not built`);
    for (const key of Object.keys(config))
      if (SECRET_KEY.test(key))
        problems.push(
          `config.${key} looks like a credential: put it in an environment variable and name it in credentialsEnv`,
        );
    if (!Number.isInteger(intervalSeconds) || intervalSeconds < MIN_INTERVAL_SECONDS)
      problems.push(`intervalSeconds must be an integer ≥ ${MIN_INTERVAL_SECONDS}`);
    if (
      credentialsEnv !== undefined &&
      credentialsEnv !== null &&
      !/^[A-Z_][A-Z0-9_]{0,127}$/.test(credentialsEnv)
    )
      problems.push(
        'credentialsEnv must be an environment variable NAME (A-Z, 0-9, _), never the credential itself',
      );
    // A misspelt region would route this source's posts nowhere, silently.
    if (region && unknownRegions([region]).length)
      problems.push(`region '${region}' is not a province or city id (GET /v1/regions lists them)`);
    if (connector) problems.push(...connector.validate(config));
    if (problems.length) throw invalid(problems);
    for (const url of connector!.urls(config))
      await checkSourceUrl(url, {
        allowPrivate: deps.allowPrivate,
        ...(deps.resolve ? { resolve: deps.resolve } : {}),
      });
    return connector!;
  }

  async function schedule(doc: SourceDoc): Promise<void> {
    if (doc.paused) {
      await deps.scheduler.remove(doc.id);
      return;
    }
    const everyMs = doc.intervalSeconds * 1000;
    await deps.scheduler.upsert(doc.id, everyMs, jitterOffset(doc.id, everyMs), { sourceId: doc.id });
  }

  async function view(doc: SourceDoc): Promise<SourceView> {
    const health = await deps.state.health(doc, now(), deps.failingAfter);
    const { seeded: _seeded, ...rest } = doc;
    return { ...rest, ...health };
  }

  async function mustGet(id: string): Promise<SourceDoc> {
    const doc = await deps.registry.get(id);
    if (!doc) throw new PantauError('NOT_FOUND', `no source '${id}'`);
    return doc;
  }

  return {
    async create(input: SourceInput, options: { seeded?: boolean } = {}): Promise<SourceView> {
      const intervalSeconds = input.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
      if (input.id !== undefined && !ID_PATTERN.test(input.id))
        throw invalid(['id must match ^[a-z0-9][a-z0-9._-]*$ (at most 64 characters)']);
      await check(input.kind, input.config, intervalSeconds, input.credentialsEnv, input.region);
      const at = new Date(now()).toISOString();
      const doc: SourceDoc = {
        id: input.id ?? newId('src'),
        kind: input.kind as SourceKind,
        name: input.name.trim(),
        config: input.config,
        intervalSeconds,
        ...(input.credentialsEnv ? { credentialsEnv: input.credentialsEnv } : {}),
        paused: input.paused ?? false,
        ...(input.region ? { region: input.region } : {}),
        createdAt: at,
        updatedAt: at,
        ...(options.seeded ? { seeded: true } : {}),
      };
      await deps.registry.create(doc);
      await schedule(doc);
      return view(doc);
    },

    async list(): Promise<SourceView[]> {
      return Promise.all((await deps.registry.list()).map(view));
    },

    async get(id: string): Promise<SourceView> {
      return view(await mustGet(id));
    },

    async update(id: string, patch: SourcePatch): Promise<SourceView> {
      const doc = await mustGet(id);
      const config = patch.config ?? doc.config;
      const intervalSeconds = patch.intervalSeconds ?? doc.intervalSeconds;
      const credentialsEnv = patch.credentialsEnv === undefined ? doc.credentialsEnv : patch.credentialsEnv;
      const region = patch.region === undefined ? doc.region : patch.region;
      await check(doc.kind, config, intervalSeconds, credentialsEnv, region);
      const { credentialsEnv: _old, region: _oldRegion, ...base } = doc;
      const next: SourceDoc = {
        ...base,
        ...(patch.name ? { name: patch.name.trim() } : {}),
        config,
        intervalSeconds,
        ...(credentialsEnv ? { credentialsEnv } : {}),
        paused: patch.paused ?? doc.paused,
        ...(region ? { region } : {}),
        updatedAt: new Date(now()).toISOString(),
      };
      await deps.registry.put(next);
      await schedule(next);
      return view(next);
    },

    async remove(id: string): Promise<void> {
      if (!(await deps.registry.remove(id))) throw new PantauError('NOT_FOUND', `no source '${id}'`);
      await deps.scheduler.remove(id);
      await deps.state.forget(id);
    },

    /** Queues one poll now (the ingest workers run it); manual polls skip backoff, not Retry-After. */
    async pollNow(id: string): Promise<{ id: string; queued: true }> {
      const doc = await mustGet(id);
      if (doc.paused) throw new PantauError('CONFLICT', `source '${id}' is paused; resume it first`);
      await deps.scheduler.runNow(`poll-${id}-${now()}`, { sourceId: id, force: true });
      return { id, queued: true };
    },

    /**
     * Queues a message for the people behind some of a source's items (the ingest service sends it: it
     * holds the source's credential). False when the source cannot answer anyone (no such source, a kind
     * without follow-ups, or follow-ups turned off in its config).
     */
    async followUp(id: string, message: FollowUpMessage): Promise<boolean> {
      const doc = await deps.registry.get(id);
      if (!doc || !deps.connectors.get(doc.kind)?.followUp || doc.config.followUps === false) return false;
      if (message.refs.length === 0) return false;
      await deps.scheduler.runNow(
        `followup-${message.key}-${id}`,
        { sourceId: id, followUp: message },
        deps.followUpRetry ?? { attempts: FOLLOW_UP_ATTEMPTS, backoffMs: FOLLOW_UP_BACKOFF_MS },
      );
      return true;
    },

    /** Makes the schedulers match the registry (at ingest start): one per active source, none else. */
    async reconcile(): Promise<number> {
      const docs = await deps.registry.list();
      for (const doc of docs) await schedule(doc);
      const known = new Set(docs.filter((d) => !d.paused).map((d) => d.id));
      for (const id of await deps.scheduler.list()) if (!known.has(id)) await deps.scheduler.remove(id);
      return known.size;
    },

    /**
     * At ingest start: seed, then reconcile. Indices created a moment ago may not answer yet (shards
     * still allocating), so retriable store errors are retried for a while.
     */
    async start(
      seed: (SourceInput & { id: string })[],
    ): Promise<{ created: number; updated: number; scheduled: number }> {
      return backOff(
        async () => {
          const seeded = seed.length ? await this.seed(seed) : { created: 0, updated: 0 };
          return { ...seeded, scheduled: await this.reconcile() };
        },
        {
          numOfAttempts: 10,
          startingDelay: 250,
          maxDelay: 5_000,
          retry: (err: { retriable?: boolean }) => err?.retriable === true,
        },
      );
    },

    /** Seeds from a file: new ids are created, seeded ones take the file's fields (pause is kept). */
    async seed(inputs: (SourceInput & { id: string })[]): Promise<{ created: number; updated: number }> {
      let created = 0;
      let updated = 0;
      for (const input of inputs) {
        const existing = await deps.registry.get(input.id);
        if (!existing) {
          await this.create(input, { seeded: true });
          created += 1;
          continue;
        }
        await this.update(input.id, {
          name: input.name,
          config: input.config,
          intervalSeconds: input.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS,
          credentialsEnv: input.credentialsEnv ?? null,
          region: input.region ?? null,
        });
        updated += 1;
      }
      return { created, updated };
    },
  };
}

export type SourceService = ReturnType<typeof createSourceService>;
