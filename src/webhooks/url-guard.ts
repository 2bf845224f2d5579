import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * Whether a webhook may be sent to this address: globally routable unicast only. An allow-list, not a deny-list: IPv4 must
 * be plain `unicast` (no loopback, private, CGNAT, link-local, reserved…); IPv6 must be `unicast` inside 2000::/3 (so no
 * site-local fec0::/10, discard 100::/64, NAT64, 6to4, Teredo…); IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible
 * (::a.b.c.d) forms are judged as the IPv4 address they carry.
 */
export function isGloballyRoutable(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() === 'unicast';
  if (v6.match(IPV4_COMPATIBLE)) {
    const bytes = v6.toByteArray().slice(12);
    return ipaddr.fromByteArray(bytes).range() === 'unicast';
  }
  return v6.range() === 'unicast' && v6.match(GLOBAL_UNICAST_V6);
}

interface Resolved {
  url: URL;
  /** Every address the host resolved to (checked), the one connected to first; none when it did not resolve (development). */
  addresses?: { address: string; family: number }[];
}

/** How a host name becomes addresses (the system resolver; a test may give another). */
export type ResolveHost = (host: string) => Promise<{ address: string; family: number }[]>;
const systemResolver: ResolveHost = (host) => lookup(host, { all: true });

async function resolve(
  url: string,
  allowPrivateNetworks: boolean,
  resolveHost: ResolveHost,
): Promise<Resolved | { problem: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: 'is not a URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { problem: 'must be an http: or https: URL' };
  if (parsed.username || parsed.password) return { problem: 'must not carry credentials' };
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  try {
    addresses = ipaddr.isValid(host)
      ? [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }]
      : await resolveHost(host);
  } catch {
    // With private networks allowed (development), a name that does not resolve yet is no reason to refuse the webhook.
    return allowPrivateNetworks ? { url: parsed } : { problem: 'has a host that does not resolve' };
  }
  if (!addresses.length)
    return allowPrivateNetworks ? { url: parsed } : { problem: 'has a host that does not resolve' };
  if (!allowPrivateNetworks && !addresses.every((entry) => isGloballyRoutable(entry.address))) {
    return {
      problem: 'resolves to an address that is not globally routable (loopback, private, link-local, reserved…)',
    };
  }
  return { url: parsed, addresses };
}

/**
 * Why a webhook URL may not be used, or undefined when it may: `http:`/`https:` only, no credentials, and — unless private
 * networks are allowed — every address its host resolves to globally routable. Checked when the webhook is created and
 * again before every delivery (a name may resolve elsewhere later).
 */
export async function webhookUrlProblem(
  url: string,
  allowPrivateNetworks: boolean,
  resolveHost = systemResolver,
): Promise<string | undefined> {
  const resolved = await resolve(url, allowPrivateNetworks, resolveHost);
  return 'problem' in resolved ? resolved.problem : undefined;
}

export interface Target {
  /** POSTs the body; the answer's status (its body is not read). Rejects on a network error or the timeout. */
  post(body: string, headers: Record<string, string>, timeoutMs: number): Promise<number>;
}

/**
 * A delivery's target: the URL checked as `webhookUrlProblem` does, and a connection pinned to the addresses that were
 * checked (the request's own DNS lookup answers with them), so a name that resolves elsewhere a moment later — DNS
 * rebinding — cannot send the delivery to an address that was not checked. TLS still verifies the name in the URL.
 */
export async function guardedTarget(
  url: string,
  allowPrivateNetworks: boolean,
  resolveHost = systemResolver,
): Promise<Target | { problem: string }> {
  const resolved = await resolve(url, allowPrivateNetworks, resolveHost);
  if ('problem' in resolved) return resolved;
  const { addresses } = resolved;
  const pinned: LookupFunction | undefined =
    addresses &&
    ((_hostname, options, callback) => {
      if (options.all) (callback as (error: null, all: { address: string; family: number }[]) => void)(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  const send = resolved.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return {
    post: (body, headers, timeoutMs) =>
      new Promise<number>((done, fail) => {
        const req = send(
          resolved.url,
          {
            method: 'POST',
            headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
            ...(pinned ? { lookup: pinned } : {}),
            signal: AbortSignal.timeout(timeoutMs),
          },
          (res) => {
            res.resume();
            done(res.statusCode ?? 0);
          },
        );
        req.once('error', fail);
        req.end(body);
      }),
  };
}
