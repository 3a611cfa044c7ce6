import ipaddr from 'ipaddr.js';

export type ProxyRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

const TRUST_EVERYTHING = new Set(['true', '*', 'all', '0.0.0.0/0', '::/0', '1']);

/**
 * Parses TRUST_PROXY: an explicit, comma-separated list of proxy CIDRs. Trusting every peer would let any client
 * choose its own address, so such values are refused at boot.
 */
export function parseTrustedProxies(value: string): ProxyRange[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.map((entry) => {
    if (TRUST_EVERYTHING.has(entry.toLowerCase())) {
      throw new Error(`TRUST_PROXY: "${entry}" would trust every client; list your proxies' CIDRs instead`);
    }
    try {
      const cidr = entry.includes('/') ? entry : `${entry}/${ipaddr.parse(entry).kind() === 'ipv4' ? 32 : 128}`;
      const range = ipaddr.parseCIDR(cidr);
      if (range[1] === 0) throw new Error('prefix length 0');
      return range;
    } catch (error) {
      throw new Error(`TRUST_PROXY: "${entry}" is not a CIDR (${(error as Error).message})`);
    }
  });
}

function normalize(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    const parsed = ipaddr.parse(address.trim());
    return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
      ? (parsed as ipaddr.IPv6).toIPv4Address()
      : parsed;
  } catch {
    return undefined;
  }
}

function isTrusted(address: ipaddr.IPv4 | ipaddr.IPv6, proxies: ProxyRange[]): boolean {
  return proxies.some(([range, bits]) => address.kind() === range.kind() && address.match([range, bits] as never));
}

export interface ClientAddress {
  /** The address used for rate limiting and audit only; never for identity or authorization. */
  ip: string | undefined;
  /** True when forwarding headers arrived from a peer that is not a trusted proxy (they were ignored). */
  spoofedForwarding: boolean;
}

/**
 * The client's address: the socket peer, or, only when that peer is a trusted proxy, the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy.
 */
export function resolveClientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  forwarded: string | string[] | undefined,
  proxies: ProxyRange[],
): ClientAddress {
  const peerAddress = peer ? normalize(peer) : undefined;
  const hasForwarding = Boolean(forwardedFor || forwarded);
  if (!peerAddress) return { ip: undefined, spoofedForwarding: false };
  if (!isTrusted(peerAddress, proxies)) {
    return { ip: peerAddress.toString(), spoofedForwarding: hasForwarding };
  }
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((entry) => normalize(entry))
    .filter((entry): entry is ipaddr.IPv4 | ipaddr.IPv6 => entry !== undefined);
  for (let index = chain.length - 1; index >= 0; index--) {
    const hop = chain[index]!;
    if (!isTrusted(hop, proxies)) return { ip: hop.toString(), spoofedForwarding: false };
  }
  return { ip: chain[0]?.toString() ?? peerAddress.toString(), spoofedForwarding: false };
}
