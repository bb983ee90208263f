// The HTTP API, with the key from session storage (never in a URL). Errors keep their catalogue code.
import { EventSource } from 'eventsource';
const KEY = 'pantau.key';

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  set(key) {
    sessionStorage.setItem(KEY, key);
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export async function api(path, { method = 'GET', body, key = session.key } = {}) {
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) throw apiError(res, json);
  return json;
}

/** A refused request as an ApiError, from the API's error body (`{ error: { code, message } }`). */
function apiError(res, json) {
  const e = json?.error ?? {};
  return new ApiError(res.status, e.code ?? 'INTERNAL', e.message ?? res.statusText, e.details);
}

/** Hands a blob to the browser as a download named `name`. */
export function saveBlob(name, blob) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Downloads a CSV export (`GET /v1/posts/export`, `/v1/issues/export`, `/v1/alerts/export`) as a file. Fetched with the key
 * in a header (a plain link cannot carry it, and a key never goes in a URL), then handed to the browser
 * as a download under the name the API gives.
 */
export async function download(path, key = session.key) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw apiError(res, await res.json().catch(() => null));
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'pantau.csv';
  saveBlob(name, await res.blob());
  return name;
}

export const query = (params) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && v !== null) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
};

/**
 * The agency's live stream (`GET /v1/stream`, Server-Sent Events): `onEvent(type)` for each `alert`,
 * `issue` and `clarification` event, `onState('live' | 'reconnecting' | 'off')` as the connection goes.
 * The `eventsource` library does the protocol (reconnects, Last-Event-ID) through a fetch that carries
 * the key as a header — the browser's own EventSource cannot, and a key never goes in a URL. A key
 * the stream refuses (the operator's, which has no agency) leaves it `off`. Answers a function that
 * closes it.
 */
export function liveEvents(onEvent, onState, key = session.key) {
  const source = new EventSource('/v1/stream', {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${key}` } }),
  });
  for (const type of ['alert', 'issue', 'clarification']) source.addEventListener(type, () => onEvent(type));
  source.onopen = () => onState('live');
  source.onerror = (e) =>
    onState(source.readyState === EventSource.CLOSED || e.code ? 'off' : 'reconnecting');
  return () => source.close();
}
