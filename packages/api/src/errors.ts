import { ERROR_CODES, PantauError, type ErrorCode } from '@pantau/core';
import { QuerySyntaxError } from '@pantau/query';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeTable } from './openapi';

/** Every error leaves as `{error:{code,message}}` with a code from the core catalogue. */
interface ErrorAnswer {
  status: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'VALIDATION',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION',
};

export function toErrorAnswer(err: unknown): ErrorAnswer {
  if (err instanceof PantauError) {
    return { status: err.httpStatus, code: err.code, message: err.message, details: err.details };
  }
  if (err instanceof QuerySyntaxError) {
    return {
      status: ERROR_CODES.QUERY_SYNTAX.httpStatus,
      code: 'QUERY_SYNTAX',
      message: err.message,
      details: { position: err.position, messageId: err.messageId },
    };
  }
  const fe = err as Partial<FastifyError> & { validation?: unknown };
  if (fe.validation) {
    return {
      status: 400,
      code: 'VALIDATION',
      message: fe.message ?? 'invalid request',
      details: fe.validation,
    };
  }
  if (err instanceof SyntaxError && (err as { statusCode?: number }).statusCode === 400) {
    return { status: 400, code: 'MALFORMED_JSON', message: err.message };
  }
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped)
    return {
      status: fe.statusCode ?? ERROR_CODES[mapped].httpStatus,
      code: mapped,
      message: fe.message ?? mapped,
    };
  // Any other request Fastify itself refuses (a body method without a Content-Type, e.g. QUERY) is the
  // client's fault, not a server error: its 4xx status with the closest catalogue code.
  if (fe.code?.startsWith('FST_') && fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
    return {
      status: fe.statusCode === 404 ? 404 : 400,
      code: fe.statusCode === 404 ? 'NOT_FOUND' : 'VALIDATION',
      message: fe.message ?? 'invalid request',
    };
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}

/** Seconds a client should wait before retrying a retriable answer (the `Retry-After` header). */
export const RETRY_AFTER_SECONDS = 2;

const patterns = new Map<string, RegExp>();
/** A declared route path (`/v1/alerts/:id`) as a pattern for concrete paths. */
function patternOf(url: string): RegExp {
  let re = patterns.get(url);
  if (!re) {
    const body = url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    patterns.set(url, (re = new RegExp(`^${body}/?$`)));
  }
  return re;
}

/**
 * The methods the app routes for a concrete path (wildcard routes, the dashboard's files, left out). A
 * path that is a route of its own (`/v1/watchlists/check`) is that resource, not an id of its parent's
 * (`/v1/watchlists/:id`): only its own methods count.
 */
export function allowedMethods(app: FastifyInstance, url: string): string[] {
  const path = url.split('?')[0] ?? url;
  const matching = routeTable(app).filter((r) => !r.url.includes('*') && patternOf(r.url).test(path));
  const exact = matching.filter((r) => !r.url.includes(':'));
  return [...new Set((exact.length ? exact : matching).map((r) => r.method))].sort();
}

/** 405 with `Allow` when the path exists with other methods, else 404: the answer to an unrouted request. */
function unrouted(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): void {
  const allowed = allowedMethods(app, request.url);
  const where = `${request.method} ${request.url.split('?')[0]}`;
  if (allowed.length)
    void reply
      .status(405)
      .header('allow', allowed.join(', '))
      .send({
        error: { code: 'METHOD_NOT_ALLOWED', message: `${where}: this path takes ${allowed.join(', ')}` },
      });
  else void reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${where}` } });
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    // A method no route takes and Fastify refused before the not-found handler (QUERY without a
    // Content-Type): answered like any other unrouted request.
    if ((err as FastifyError).code === 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE' && !request.routeOptions.url)
      return unrouted(app, request, reply);
    const answer = toErrorAnswer(err);
    // A server being down is an outage its adapter logs; each refused request is only a warning.
    const retriable = ERROR_CODES[answer.code].retriable && (answer.status === 503 || answer.status === 429);
    if (retriable) {
      request.log.warn({ code: answer.code, msg: answer.message }, 'request refused, retriable');
      // The rate limiter already said how long; anything else retriable gets the default.
      if (!reply.getHeader('retry-after')) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    } else if (answer.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: answer.code, msg: answer.message }, 'request rejected');
    const error =
      answer.details === undefined
        ? { code: answer.code, message: answer.message }
        : { code: answer.code, message: answer.message, details: answer.details };
    void reply.status(answer.status).send({ error });
  });
  app.setNotFoundHandler((request, reply) => unrouted(app, request, reply));
}

/**
 * Errors Fastify's router raises before any route runs (a malformed URL, a path parameter over
 * maxParamLength) bypass the error handler; this gives them the same envelope.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(400).send({ error: { code: 'VALIDATION', message: err.message } });
}
