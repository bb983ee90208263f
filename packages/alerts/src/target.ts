import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { PantauError } from '@pantau/core';

/**
 * Webhook targets must be public addresses: a subscription must not turn Pantau into a proxy into
 * the operator's own network (cloud metadata at 169.254.169.254, admin ports on 127.0.0.1, …).
 * Checked when a subscription is created and again before each delivery, because a name can be
 * re-pointed after it was accepted. `allowPrivate` is for local development and tests.
 */
const forbidden = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv6');
}

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return forbidden.check(address, 'ipv4');
  if (family === 6) {
    // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it carries.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return forbidden.check(mapped[1]!, 'ipv4');
    return forbidden.check(address, 'ipv6');
  }
  return true;
}

export type Resolver = (host: string) => Promise<string[]>;
const systemResolver: Resolver = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/** Why a URL may not be fetched or posted to. */
export type UrlProblem = 'not-url' | 'scheme' | 'credentials' | 'unresolvable' | 'private';

/**
 * The one check behind every URL Pantau contacts on someone's say-so (webhook targets, sources): an
 * http(s) URL without credentials whose host resolves only to public addresses (unless
 * `allowPrivate`). Callers turn a problem into their own error (codes and wording differ).
 */
export async function checkPublicUrl(
  rawUrl: string,
  { allowPrivate = false, resolve = systemResolver }: { allowPrivate?: boolean; resolve?: Resolver } = {},
): Promise<{ url: URL } | { problem: UrlProblem; detail: string; cause?: unknown }> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { problem: 'not-url', detail: `not a URL: ${rawUrl}` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { problem: 'scheme', detail: `must be http(s), not ${url.protocol}` };
  if (url.username || url.password) return { problem: 'credentials', detail: 'may not carry credentials' };
  if (allowPrivate) return { url };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch (err) {
    return { problem: 'unresolvable', detail: `host ${host} does not resolve`, cause: err };
  }
  const bad = addresses.find(isForbiddenAddress);
  if (bad || addresses.length === 0)
    return {
      problem: 'private',
      detail: `host ${host} points at a private or reserved address (${bad ?? 'none'})`,
    };
  return { url };
}

export async function checkWebhookTarget(
  rawUrl: string,
  options: { allowPrivate?: boolean; resolve?: Resolver } = {},
): Promise<URL> {
  const checked = await checkPublicUrl(rawUrl, options);
  if ('url' in checked) return checked.url;
  throw new PantauError(
    checked.problem === 'not-url' ? 'VALIDATION' : 'DELIVERY_TARGET_FORBIDDEN',
    checked.problem === 'not-url' ? checked.detail : `webhook URL: ${checked.detail}`,
    checked.cause === undefined ? {} : { cause: checked.cause },
  );
}
