import { randomUUID } from 'node:crypto';
import { PantauError, isPantauError } from '@pantau/core';
import type { Producer } from '@pantau/bus';
import { preparePosts, publishRawPosts } from '@pantau/ingest';
import { bulkIndex, type IndexNames, type SearchClient } from '@pantau/store';
import type { Logger } from 'pino';
import { SourceError } from './errors';
import type { HttpClient } from './http';
import type { SourceMetrics } from './metrics';
import type { PollRecord, SourceState } from './state';
import type { Connector, FollowUpMessage, FollowUpResult, SourceDoc, SourceKind } from './types';

/**
 * One poll of one source, start to end:
 *  lock the source (two ingest processes never poll it at once) → skip if it is backing off →
 *  connector.fetch with the stored cursor → validate items into posts.raw messages (a malformed item
 *  is skipped with its reason, the rest go on) → publish and wait for Kafka's acknowledgement (fact-
 *  checks: wait for the index) → only then store the new cursor → record health.
 * A crash anywhere before the cursor is stored re-reads the same items next time; the post key
 * (`source:sourceId`) and idempotent indexing make that harmless.
 */
export interface PollPolicy {
  /** Failures in a row after which a source is `failing` (retried only every failingRetryMs). */
  failingAfter: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  failingRetryMs: number;
  /** Longest a poll may hold the source's lock. */
  lockMs: number;
}

export const DEFAULT_POLICY: PollPolicy = {
  failingAfter: 5,
  backoffBaseMs: 30_000,
  backoffMaxMs: 30 * 60_000,
  failingRetryMs: 60 * 60_000,
  lockMs: 5 * 60_000,
};

export interface PollerDeps {
  connectors: ReadonlyMap<SourceKind, Connector>;
  state: SourceState;
  http: HttpClient;
  producer: Producer;
  topic: string;
  /** For fact-check sources: where their documents go. */
  search?: SearchClient;
  names?: IndexNames;
  /** Reads a credential by the name a source gives (the runtime config owns the environment). */
  credential: (envName: string) => string | undefined;
  logger: Logger;
  metrics?: SourceMetrics;
  policy?: Partial<PollPolicy>;
  now?: () => number;
}

export type PollOutcome =
  | { status: 'polled'; items: number; factChecks: number; skipped: number; notModified: boolean }
  | { status: 'busy' | 'paused' | 'waiting' }
  | { status: 'failed'; code: string; message: string };

export function createPoller(deps: PollerDeps) {
  const policy = { ...DEFAULT_POLICY, ...deps.policy };
  const now = deps.now ?? Date.now;
  const { state } = deps;

  async function fail(
    source: SourceDoc,
    record: PollRecord,
    err: unknown,
    log: Logger,
  ): Promise<PollOutcome> {
    const at = now();
    const error = isPantauError(err)
      ? err
      : new SourceError('SOURCE_UNAVAILABLE', String((err as Error)?.message ?? err), { cause: err });
    // What cannot fix itself (4xx, missing credentials, a forbidden address, a non-feed) is failing at once.
    const failures = error.retriable
      ? record.consecutiveFailures + 1
      : Math.max(record.consecutiveFailures + 1, policy.failingAfter);
    const retryAfterMs = error instanceof SourceError ? error.info.retryAfterMs : undefined;
    const backoff = Math.min(policy.backoffBaseMs * 2 ** (failures - 1), policy.backoffMaxMs);
    const waitMs =
      failures >= policy.failingAfter
        ? Math.max(policy.failingRetryMs, retryAfterMs ?? 0)
        : Math.max(backoff, retryAfterMs ?? 0);
    const next: PollRecord = {
      ...record,
      lastPollAt: new Date(at).toISOString(),
      lastError: { code: error.code, message: error.message.slice(0, 500) },
      consecutiveFailures: failures,
      nextAttemptAt: new Date(at + waitMs).toISOString(),
    };
    await state.saveRecord(source.id, next);
    deps.metrics?.error(source.id, source.kind);
    log.warn(
      {
        code: error.code,
        err: error.message,
        failures,
        retryInMs: waitMs,
        status: failures >= policy.failingAfter ? 'failing' : 'backoff',
      },
      'source poll failed',
    );
    return { status: 'failed', code: error.code, message: error.message };
  }

  function connectorOf(source: SourceDoc): Connector {
    const connector = deps.connectors.get(source.kind);
    if (!connector) throw new SourceError('SOURCE_REJECTED', `no connector for kind '${source.kind}'`);
    return connector;
  }

  /** A source that names a credential needs it set, whether its kind requires one or not. */
  function credentialOf(source: SourceDoc, connector: Connector): string | undefined {
    if (connector.credentials !== 'required' && !source.credentialsEnv) return undefined;
    const credential = source.credentialsEnv ? deps.credential(source.credentialsEnv) : undefined;
    if (!credential)
      throw new SourceError(
        'SOURCE_NO_CREDENTIALS',
        source.credentialsEnv
          ? `environment variable ${source.credentialsEnv} (named by credentialsEnv) is not set in the ingest service`
          : `a ${source.kind} source needs credentialsEnv naming the variable that holds its token`,
      );
    return credential;
  }

  /**
   * Sends a message back to the people behind some of the source's items (see Connector.followUp).
   * Throws what should be retried later (rate limits, outages); recipients already answered are skipped.
   */
  async function followUp(source: SourceDoc, message: FollowUpMessage): Promise<FollowUpResult> {
    const log = deps.logger.child({ component: 'follow-up', sourceId: source.id, kind: source.kind });
    // A paused source is out of service: it neither reads nor writes. The follow-up waits (the job is
    // retried with backoff) and goes out if the source is resumed within the job's retry window.
    if (source.paused)
      throw new PantauError(
        'CONFLICT',
        `source '${source.id}' is paused; follow-up held until it is resumed`,
      );
    const connector = connectorOf(source);
    if (!connector.followUp) return { sent: 0, skipped: [] };
    const credential = credentialOf(source, connector);
    const result = await connector.followUp(
      {
        source,
        http: deps.http,
        ...(credential ? { credential } : {}),
        logger: log,
        done: state.followUpDone(source.id, message.key),
      },
      message,
    );
    for (const s of result.skipped) log.warn({ item: s.ref, reason: s.reason }, 'follow-up not delivered');
    return result;
  }

  async function poll(source: SourceDoc, options: { force?: boolean } = {}): Promise<PollOutcome> {
    const log = deps.logger.child({ component: 'poller', sourceId: source.id, kind: source.kind });
    if (source.paused) return { status: 'paused' };
    const token = randomUUID();
    if (!(await state.lock(source.id, token, policy.lockMs))) {
      log.debug('source is being polled elsewhere');
      return { status: 'busy' };
    }
    try {
      const record = await state.record(source.id);
      const at = now();
      if (record.nextAttemptAt && Date.parse(record.nextAttemptAt) > at) {
        // A manual poll skips exponential backoff, never a server's Retry-After.
        const rateLimited = record.lastError?.code === 'SOURCE_RATE_LIMITED';
        if (!options.force || rateLimited) return { status: 'waiting' };
      }
      try {
        const connector = connectorOf(source);
        const credential = credentialOf(source, connector);
        const cursor = await state.cursor(source.id);
        const result = await connector.fetch({
          source,
          cursor,
          http: deps.http,
          ...(credential ? { credential } : {}),
          logger: log,
          now: new Date(at),
        });
        const fetchedAt = new Date(now());
        const { accepted, rejected } = preparePosts(
          result.items.map((item) => ({
            ...item,
            source: source.id,
            sourceKind: source.kind,
            ...(source.region && !item.region ? { region: source.region } : {}),
          })),
          fetchedAt,
        );
        for (const s of result.skipped) log.warn({ item: s.ref, reason: s.reason }, 'item skipped');
        for (const r of rejected)
          log.warn({ item: result.items[r.index]?.sourceId, reason: r.message }, 'item skipped');
        if (accepted.length) await publishRawPosts(deps.producer, deps.topic, accepted);
        const factChecks = result.factChecks ?? [];
        if (factChecks.length) {
          if (!deps.search || !deps.names)
            throw new SourceError('SOURCE_REJECTED', 'fact-check sources need the search store');
          const indexed = await bulkIndex(
            deps.search,
            factChecks.map((f) => ({ index: deps.names!.of('factchecks'), id: f.id, doc: { ...f } })),
            { logger: log },
          );
          for (const f of indexed.failed)
            log.warn({ item: f.id, reason: f.reason }, 'fact-check rejected by the index');
        }
        // Acknowledged: only now may the cursor move past these items.
        await state.saveCursor(source.id, result.cursor);
        const newest = [
          ...accepted.map((p) => p.publishedAt),
          ...factChecks.flatMap((f) => (f.publishedAt ? [f.publishedAt] : [])),
        ]
          .filter((d) => Date.parse(d) <= fetchedAt.getTime() + 5 * 60_000)
          .sort()
          .pop();
        const newestItemAt =
          newest && (!record.newestItemAt || newest > record.newestItemAt) ? newest : record.newestItemAt;
        const count = accepted.length + factChecks.length;
        await state.saveRecord(source.id, {
          ...record,
          lastPollAt: new Date(at).toISOString(),
          lastSuccessAt: fetchedAt.toISOString(),
          lastError: null,
          consecutiveFailures: 0,
          nextAttemptAt: null,
          itemsTotal: record.itemsTotal + count,
          newestItemAt,
        });
        await state.countItems(source.id, count, fetchedAt.getTime());
        await result.afterAck?.();
        const skipped = result.skipped.length + rejected.length;
        deps.metrics?.poll(source.id, source.kind, {
          items: count,
          skipped,
          notModified: Boolean(result.notModified),
          lagSeconds: newestItemAt
            ? Math.round((fetchedAt.getTime() - Date.parse(newestItemAt)) / 1000)
            : null,
        });
        log.info(
          {
            items: accepted.length,
            factChecks: factChecks.length,
            skipped,
            notModified: Boolean(result.notModified),
          },
          'source polled',
        );
        return {
          status: 'polled',
          items: accepted.length,
          factChecks: factChecks.length,
          skipped,
          notModified: Boolean(result.notModified),
        };
      } catch (err) {
        return await fail(source, record, err, log);
      }
    } finally {
      await state.unlock(source.id, token).catch(() => undefined);
    }
  }

  return { poll, followUp, policy };
}

export type Poller = ReturnType<typeof createPoller>;
