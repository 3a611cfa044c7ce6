import { BlockList, isIP } from 'node:net';

/**
 * Outbound requests to addresses people configure (webhooks, OpenID Connect issuers): which addresses they may reach.
 * `forbidden`: never (link-local, metadata services, reserved). `private`: only where the deployment allows it
 * (loopback, RFC 1918, unique local: a receiver or an identity provider on the LAN).
 */
export type AddressClass = 'public' | 'private' | 'forbidden';

// Link-local (where cloud metadata services answer), unspecified, multicast, reserved and broadcast ranges.
const FORBIDDEN = new BlockList();
FORBIDDEN.addSubnet('0.0.0.0', 8, 'ipv4');
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4');
FORBIDDEN.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
FORBIDDEN.addSubnet('192.0.0.0', 24, 'ipv4');
FORBIDDEN.addSubnet('224.0.0.0', 4, 'ipv4');
FORBIDDEN.addSubnet('240.0.0.0', 4, 'ipv4');
FORBIDDEN.addAddress('::', 'ipv6');
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6');
FORBIDDEN.addSubnet('ff00::', 8, 'ipv6');
FORBIDDEN.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6

// Loopback, RFC 1918, carrier-grade NAT, benchmarking, unique local and the old site-local IPv6 ranges.
const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE.addSubnet('198.18.0.0', 15, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');
PRIVATE.addSubnet('fec0::', 10, 'ipv6');

/** Names that reach a metadata service whatever DNS says about them later. */
export const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** The 16 bytes of an IPv6 address (`isIP` already said it is one); a dotted IPv4 tail is allowed. */
function ipv6Bytes(address: string): number[] {
  let text = address;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...dotted[1]!.split('.').map(Number));
    text = `${text.slice(0, dotted.index)}0:0`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').filter(Boolean) : []);
  const left = parse(head);
  const right = parse(rest);
  const groups =
    rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** Classifies one resolved or literal address; IPv4 embedded in IPv6 (mapped, NAT64) is judged as IPv4. */
export function classifyAddress(raw: string): AddressClass {
  const address = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 0) return 'forbidden';
  if (family === 6) {
    const bytes = ipv6Bytes(address.toLowerCase());
    const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
    const mapped = zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff;
    const nat64 = bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12);
    if (mapped || nat64) return classifyAddress(bytes.slice(12).join('.'));
    // IPv4-compatible (::a.b.c.d, deprecated): no legitimate receiver uses it.
    if (zeros(0, 12) && !zeros(12, 15)) return 'forbidden';
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (FORBIDDEN.check(address, type)) return 'forbidden';
  if (PRIVATE.check(address, type)) return 'private';
  return 'public';
}

export function addressAllowed(address: string, policy: { allowPrivate: boolean }): boolean {
  const verdict = classifyAddress(address);
  return verdict === 'public' || (verdict === 'private' && policy.allowPrivate);
}

/** A host name that is internal by construction: localhost and single-label names (docker services, intranet hosts). */
export function isInternalHostName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || !host.includes('.');
}
