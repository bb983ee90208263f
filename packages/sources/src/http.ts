import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { checkPublicUrl, isForbiddenAddress } from '@pantau/alerts';
import { Agent, fetch as undiciFetch } from 'undici';
import { SourceError, parseRetryAfter } from './errors';

/**
 * Every request a connector makes goes through here: the URL must be http(s) and resolve to public
 * addresses (a feed must not turn Pantau into a proxy into the operator's network) unless private
 * sources are allowed (dev/tests); redirects are followed by hand so each hop is checked too; the
 * answer is capped in size and time; one request at a time per host (in this process, and across
 * processes when a host gate is given); 429/5xx/network errors become retriable SourceErrors that
 * carry the server's Retry-After.
 */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  url: string;
}

export interface HttpRequest {
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
}

export interface HttpClient {
  get(url: string, request?: HttpRequest): Promise<HttpResponse>;
}

/** Cross-process "one request at a time per host" (a Redis lock in production). */
export interface HostGate {
  acquire(host: string, ttlMs: number): Promise<() => Promise<void>>;
}

export type Resolver = (host: string) => Promise<string[]>;
const systemResolver: Resolver = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

export interface HttpClientOptions {
  allowPrivate?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
  resolve?: Resolver;
  gate?: HostGate;
}

/** Telegram puts the bot token in the path (/bot<token>/…): never into a message or a log. */
export function redact(where: string): string {
  return where.replace(/\/bot[^/]+/g, '/bot<token>');
}

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

export async function checkSourceUrl(
  rawUrl: string,
  options: { allowPrivate?: boolean; resolve?: Resolver } = {},
): Promise<URL> {
  const checked = await checkPublicUrl(rawUrl, { resolve: systemResolver, ...options });
  if ('url' in checked) return checked.url;
  // A name that does not resolve may resolve later (retriable); anything else never will.
  if (checked.problem === 'unresolvable')
    throw new SourceError('SOURCE_UNAVAILABLE', `source ${checked.detail}`, { cause: checked.cause });
  throw new SourceError(
    'SOURCE_TARGET_FORBIDDEN',
    checked.problem === 'private'
      ? `source ${checked.detail}; set ALLOW_PRIVATE_SOURCES=true for local development`
      : checked.problem === 'not-url'
        ? checked.detail
        : `source URL ${checked.detail}`,
  );
}

/**
 * The address check again at connect time, on the addresses the socket really uses: a name that
 * resolved to a public address when checked and to a private one a moment later (DNS rebinding)
 * is refused here.
 */
const FORBIDDEN_AT_CONNECT = 'PANTAU_FORBIDDEN_ADDRESS';
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const bad = addresses.find((a) => isForbiddenAddress(a.address));
    if (bad || addresses.length === 0)
      return callback(
        Object.assign(
          new Error(`${hostname} resolves to a private or reserved address (${bad?.address ?? 'none'})`),
          {
            code: FORBIDDEN_AT_CONNECT,
          },
        ),
        '',
        0,
      );
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

type AnyResponse = Awaited<ReturnType<typeof undiciFetch>>;

async function readCapped(response: AnyResponse, maxBytes: number, url: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new SourceError('SOURCE_TOO_LARGE', `${url} declares ${declared} bytes (cap ${maxBytes})`);
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new SourceError('SOURCE_TOO_LARGE', `${url} sent more than ${maxBytes} bytes`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? 3;
  const userAgent = options.userAgent ?? 'Pantau/0.1 (+https://github.com/pantau)';
  // Public sources: every connection re-checks the addresses it connects to.
  const dispatcher = options.allowPrivate ? new Agent() : new Agent({ connect: { lookup: guardedLookup } });
  // In-process: requests to one host wait for each other (a chain of promises per host).
  const tails = new Map<string, Promise<unknown>>();

  const serialised = async <T>(host: string, work: () => Promise<T>): Promise<T> => {
    const previous = tails.get(host) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const release = options.gate ? await options.gate.acquire(host, timeoutMs + 1_000) : undefined;
        try {
          return await work();
        } finally {
          await release?.();
        }
      });
    tails.set(host, run);
    try {
      return await run;
    } finally {
      if (tails.get(host) === run) tails.delete(host);
    }
  };

  const once = async (url: URL, request: HttpRequest): Promise<AnyResponse> => {
    try {
      return await undiciFetch(url, {
        dispatcher,
        method: request.method ?? 'GET',
        headers: { 'user-agent': userAgent, ...request.headers },
        ...(request.body === undefined ? {} : { body: request.body }),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      if (cause?.code === FORBIDDEN_AT_CONNECT)
        throw new SourceError(
          'SOURCE_TARGET_FORBIDDEN',
          `${redact(url.origin + url.pathname)}: ${cause.message}`,
        );
      const reason =
        (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(err);
      throw new SourceError('SOURCE_UNAVAILABLE', `${redact(url.origin + url.pathname)}: ${reason}`, {
        cause: err,
      });
    }
  };

  return {
    async get(rawUrl, request = {}) {
      let url = await checkSourceUrl(rawUrl, options);
      for (let hop = 0; ; hop += 1) {
        const current = url;
        const response = await serialised(current.host, async () => {
          const res = await once(current, request);
          // Redirects carry no body worth reading; everything else is read inside the host's turn.
          if (res.status >= 300 && res.status < 400 && res.status !== 304) {
            await res.body?.cancel();
            return { res, body: Buffer.alloc(0) };
          }
          return {
            res,
            body: await readCapped(res, maxBytes, redact(`${current.origin}${current.pathname}`)),
          };
        });
        const { res, body } = response;
        // Messages name origin + path only: query strings may carry API keys (YouTube's key=…).
        const where = redact(`${current.origin}${current.pathname}`);
        const status = res.status;
        if (status >= 300 && status < 400 && status !== 304) {
          const location = res.headers.get('location');
          if (!location || hop >= maxRedirects)
            throw new SourceError('SOURCE_REJECTED', `${where}: too many or empty redirects`, {
              status,
            });
          url = await checkSourceUrl(new URL(location, current).href, options);
          continue;
        }
        // Retry-After, else the X/GitHub style x-rate-limit-reset (epoch seconds) once the quota is spent.
        const reset = Number(res.headers.get('x-rate-limit-reset') ?? NaN);
        const retryAfterMs =
          parseRetryAfter(res.headers.get('retry-after')) ??
          (status === 429 && Number.isFinite(reset) ? Math.max(0, reset * 1000 - Date.now()) : undefined);
        const info = { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
        if (status === 429)
          throw new SourceError('SOURCE_RATE_LIMITED', `${current.host} answered 429`, info);
        if (status >= 500)
          throw new SourceError('SOURCE_UNAVAILABLE', `${current.host} answered ${status}`, info);
        if (status >= 400)
          throw new SourceError('SOURCE_REJECTED', `${where} answered ${status}`, {
            ...info,
            body: body.subarray(0, 2048).toString('utf8'),
          });
        return { status, headers: res.headers, body, url: current.href };
      }
    },
  };
}
