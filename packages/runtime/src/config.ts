import Ajv from 'ajv';
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { PantauError, describeAjvErrors } from '@pantau/core';

/**
 * Configuration is read from the environment once, at start, and checked against a schema: every
 * problem is reported at once, and the result is frozen. Nothing else in Pantau reads process.env.
 */
const configAjv = new Ajv({ allErrors: true, strict: false, coerceTypes: true, useDefaults: true });

/** Settings every service shares; services extend this with their own. */
export const CommonConfig = {
  NODE_ENV: Type.String({ default: 'development' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  LOG_FORMAT: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], {
    default: 'auto',
    description: 'auto = coloured human-readable lines on a terminal, JSON lines otherwise',
  }),
  KAFKA_BROKERS: Type.String({ default: '127.0.0.1:9092', description: 'comma-separated host:port list' }),
  OPENSEARCH_URL: Type.String({ default: 'http://127.0.0.1:9200' }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379' }),
  TOPIC_PREFIX: Type.String({ default: '', description: 'prefix for every Kafka topic name' }),
  INDEX_PREFIX: Type.String({ default: 'pantau-', description: 'prefix for every OpenSearch index' }),
  // No default here: unset, the posts template's own interval (infra/opensearch/indices/posts.json,
  // 500 ms) applies, so the value lives in one place.
  POSTS_REFRESH_INTERVAL: Type.Optional(
    Type.String({
      pattern: '^(-1|[1-9][0-9]*(ms|s|m))$',
      description:
        'how often new posts become searchable (OpenSearch refresh_interval of each new monthly posts ' +
        "index; default the template's 500ms): shorter = sooner, longer = cheaper indexing; -1 = only when asked",
    }),
  ),
  QUEUE_PREFIX: Type.String({ default: 'pantau', description: 'BullMQ key prefix in Redis' }),
} satisfies TProperties;

export function configSchema<P extends TProperties>(properties: P): TObject<P> {
  return Type.Object(properties);
}

export function loadConfig<S extends TObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<Static<S>> {
  // Only the keys the schema knows, so unrelated environment variables never fail validation.
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const validate = configAjv.compile(schema);
  if (!validate(picked)) {
    const problems = describeAjvErrors(validate.errors).map((p) => ({
      ...p,
      path: p.path === '/' ? p.path : p.path.slice(1),
    }));
    const lines = problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
    throw new PantauError('CONFIG_INVALID', `invalid configuration:\n${lines}`, { details: problems });
  }
  return Object.freeze(picked) as Readonly<Static<S>>;
}

/** For a service's main: print every problem and exit non-zero instead of starting half-configured. */
export function loadConfigOrExit<S extends TObject>(schema: S, service: string): Readonly<Static<S>> {
  try {
    return loadConfig(schema);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', service, code: 'CONFIG_INVALID', msg: message })}\n`,
    );
    process.exit(78); // EX_CONFIG
  }
}

/**
 * A credential by the name a source gives for it (`credentialsEnv`): sources only ever name the
 * variable, and this is the one place that reads it.
 */
const NOT_A_SOURCE_CREDENTIAL =
  /^(PANTAU_ADMIN_KEY|REDIS_URL|OPENSEARCH_URL|KAFKA_BROKERS|PATH|HOME|AWS_.*)$/;

export function credentialFromEnv(name: string): string | undefined {
  // A source may name its own token's variable, never one of the pipeline's own secrets.
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name) || NOT_A_SOURCE_CREDENTIAL.test(name)) return undefined;
  const value = process.env[name];
  return value ? value : undefined;
}
