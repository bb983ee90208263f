import pino, { type Logger } from 'pino';
import { isPantauError } from '@pantau/core';
import { CONNECTORS } from './connectors';
import type { HttpClient } from './http';
import type { SourceInputBody } from './schema';
import type { SourceDoc } from './types';

/**
 * `pantau sources check`: every source of a file read once, from scratch (no cursor, nothing
 * published, nothing stored), reporting what it would bring or why it cannot.
 */
export interface CheckResult {
  id: string;
  kind: string;
  ok: boolean;
  items: number;
  factChecks: number;
  skipped: { ref: string; reason: string }[];
  sample: { publishedAt: string; text: string; url?: string }[];
  error?: { code: string; message: string };
}

export async function checkSources(
  sources: (SourceInputBody & { id: string })[],
  deps: { http: HttpClient; credential: (name: string) => string | undefined; logger?: Logger; now?: Date },
): Promise<CheckResult[]> {
  const logger = deps.logger ?? pino({ level: 'silent' });
  const results: CheckResult[] = [];
  for (const input of sources) {
    const base = { id: input.id, kind: input.kind, items: 0, factChecks: 0, skipped: [], sample: [] };
    try {
      const connector = CONNECTORS.get(input.kind)!;
      const credential = input.credentialsEnv ? deps.credential(input.credentialsEnv) : undefined;
      if ((connector.credentials === 'required' || input.credentialsEnv) && !credential)
        throw Object.assign(
          new Error(`environment variable ${input.credentialsEnv ?? '(credentialsEnv)'} is not set`),
          {
            code: 'SOURCE_NO_CREDENTIALS',
          },
        );
      const at = (deps.now ?? new Date()).toISOString();
      const source: SourceDoc = {
        ...input,
        intervalSeconds: input.intervalSeconds ?? 300,
        paused: false,
        createdAt: at,
        updatedAt: at,
      };
      const result = await connector.fetch({
        source,
        cursor: {},
        http: deps.http,
        ...(credential ? { credential } : {}),
        logger,
        now: deps.now ?? new Date(),
      });
      results.push({
        ...base,
        ok: true,
        items: result.items.length,
        factChecks: result.factChecks?.length ?? 0,
        skipped: result.skipped,
        sample: [
          ...result.items.slice(0, 3).map((i) => ({
            publishedAt: i.publishedAt,
            text: i.text.slice(0, 120),
            ...(i.url ? { url: i.url } : {}),
          })),
          ...(result.factChecks ?? []).slice(0, 3).map((f) => ({
            publishedAt: f.publishedAt ?? '',
            text: `[${f.verdict || '?'}] ${f.title}`.slice(0, 120),
            ...(f.url ? { url: f.url } : {}),
          })),
        ],
      });
    } catch (err) {
      const code = isPantauError(err) ? err.code : ((err as { code?: string }).code ?? 'INTERNAL');
      results.push({ ...base, ok: false, error: { code, message: (err as Error).message } });
    }
  }
  return results;
}
