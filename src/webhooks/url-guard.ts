import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/** Address ranges a webhook may not reach (SSRF): loopback, private, link-local and the like. */
const FORBIDDEN = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'private', 'uniqueLocal', 'carrierGradeNat', 'reserved', 'ipv4Mapped', 'rfc6145', 'rfc6052', '6to4', 'teredo']);

function forbidden(address: string): boolean {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return FORBIDDEN.has(parsed.range());
}

/**
 * Why a webhook URL may not be used, or undefined when it may: `http:`/`https:` only, and — unless private networks are
 * allowed — every address its host resolves to must be public. Checked when the webhook is created and again before
 * every delivery (a name may resolve elsewhere later).
 */
export async function webhookUrlProblem(url: string, allowPrivateNetworks: boolean): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http: or https: URL';
  if (parsed.username || parsed.password) return 'must not carry credentials';
  if (allowPrivateNetworks) return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    return 'has a host that does not resolve';
  }
  return addresses.some(forbidden) ? 'resolves to a loopback, private or link-local address' : undefined;
}
