/**
 * One catalogue of error codes for the whole pipeline. A code is stable and never reused; callers
 * decide to retry on `retriable`, never on message text. HTTP handlers map `httpStatus` straight into
 * the `{error:{code,message}}` answer.
 */
export interface ErrorSpec {
  readonly httpStatus: number;
  readonly retriable: boolean;
  readonly description: string;
}

export const ERROR_CODES = {
  VALIDATION: { httpStatus: 400, retriable: false, description: 'Input does not match the schema.' },
  MALFORMED_JSON: {
    httpStatus: 400,
    retriable: false,
    description: 'Bytes are not valid JSON (or not valid UTF-8).',
  },
  QUERY_SYNTAX: { httpStatus: 400, retriable: false, description: 'A watchlist query cannot be parsed.' },
  UNAUTHORIZED: { httpStatus: 401, retriable: false, description: 'Missing or unknown API key.' },
  FORBIDDEN: {
    httpStatus: 403,
    retriable: false,
    description: 'The key is valid but its role may not do this.',
  },
  NOT_FOUND: {
    httpStatus: 404,
    retriable: false,
    description: 'No such resource (or not visible to the caller).',
  },
  METHOD_NOT_ALLOWED: {
    httpStatus: 405,
    retriable: false,
    description: 'The path exists but not with this method (the Allow header lists those it takes).',
  },
  CONFLICT: { httpStatus: 409, retriable: false, description: 'The resource already exists.' },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, retriable: false, description: 'Request body is too large.' },
  RATE_LIMITED: { httpStatus: 429, retriable: true, description: 'Too many requests; retry later.' },
  CONFIG_INVALID: {
    httpStatus: 500,
    retriable: false,
    description: 'Configuration from the environment is invalid.',
  },
  INTERNAL: { httpStatus: 500, retriable: false, description: 'Unexpected error.' },
  HANDLER_FAILED: {
    httpStatus: 500,
    retriable: false,
    description: 'A stream handler could not process a message.',
  },
  STORE_UNAVAILABLE: {
    httpStatus: 503,
    retriable: true,
    description: 'OpenSearch did not answer or refused.',
  },
  STORE_REJECTED: { httpStatus: 500, retriable: false, description: 'OpenSearch rejected a document.' },
  BUS_UNAVAILABLE: { httpStatus: 503, retriable: true, description: 'Kafka did not answer.' },
  QUEUE_UNAVAILABLE: { httpStatus: 503, retriable: true, description: 'Redis did not answer.' },
  DELIVERY_TRANSIENT: {
    httpStatus: 502,
    retriable: true,
    description: 'A channel answered 5xx/429 or timed out.',
  },
  DELIVERY_REJECTED: {
    httpStatus: 502,
    retriable: false,
    description: 'A channel answered 4xx; retrying cannot help.',
  },
  DELIVERY_TARGET_FORBIDDEN: {
    httpStatus: 400,
    retriable: false,
    description: 'A webhook URL points at a forbidden address.',
  },
  CHANNEL_UNAVAILABLE: {
    httpStatus: 400,
    retriable: false,
    description: 'The alert channel is not set up on this server (TELEGRAM_BOT_TOKEN or SMTP_URL unset).',
  },
  RETRIES_EXHAUSTED: {
    httpStatus: 503,
    retriable: false,
    description: 'Retries ran out; the cause is attached.',
  },
  NOT_READY: { httpStatus: 503, retriable: true, description: 'A dependency is not ready.' },
  SOURCE_UNAVAILABLE: {
    httpStatus: 502,
    retriable: true,
    description: 'A source answered 5xx, timed out or is down.',
  },
  SOURCE_RATE_LIMITED: {
    httpStatus: 502,
    retriable: true,
    description: 'A source answered 429; retried after its wait.',
  },
  SOURCE_REJECTED: {
    httpStatus: 502,
    retriable: false,
    description: 'A source answered 4xx (bad URL, bad token).',
  },
  SOURCE_MALFORMED: {
    httpStatus: 502,
    retriable: false,
    description: 'A source answer is not in its documented format.',
  },
  SOURCE_TOO_LARGE: {
    httpStatus: 502,
    retriable: false,
    description: 'A source answer exceeded the size cap.',
  },
  SOURCE_NO_CREDENTIALS: {
    httpStatus: 400,
    retriable: false,
    description: "A source's credentials variable is not set.",
  },
  SOURCE_TARGET_FORBIDDEN: {
    httpStatus: 400,
    retriable: false,
    description: 'A source URL points at a forbidden address.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class PantauError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly retriable: boolean;
  readonly details?: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: unknown; retriable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PantauError';
    this.code = code;
    this.httpStatus = ERROR_CODES[code].httpStatus;
    this.retriable = options.retriable ?? ERROR_CODES[code].retriable;
    this.details = options.details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isPantauError(err: unknown): err is PantauError {
  return err instanceof PantauError;
}

/** True when trying again could succeed: our own flag, or a transient network failure. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof PantauError) return err.retriable;
  const anyErr = err as { retriable?: unknown; code?: unknown } | null;
  if (anyErr && typeof anyErr.retriable === 'boolean') return anyErr.retriable;
  const code = typeof anyErr?.code === 'string' ? anyErr.code : '';
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET'].includes(code);
}

/** Wraps anything thrown into a PantauError, keeping the original as `cause`. */
export function toPantauError(err: unknown, fallback: ErrorCode = 'INTERNAL'): PantauError {
  if (err instanceof PantauError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new PantauError(fallback, message, { cause: err, retriable: isRetriable(err) });
}
