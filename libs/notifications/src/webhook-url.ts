import { BlockList, isIP } from 'node:net';
import { DomainException } from '@farmhand/core';

/** `forbidden`: never a webhook target. `private`: only where WEBHOOK_ALLOW_PRIVATE (a receiver on the LAN). */
export type AddressClass = 'public' | 'private' | 'forbidden';

export interface WebhookUrlPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

export const MAX_WEBHOOK_URL_LENGTH = 2048;

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
const METADATA_HOSTS = new Set([
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

export function addressAllowed(address: string, policy: Pick<WebhookUrlPolicy, 'allowPrivate'>): boolean {
  const verdict = classifyAddress(address);
  return verdict === 'public' || (verdict === 'private' && policy.allowPrivate);
}

function refuse(code: string, message: string): never {
  throw DomainException.invalid(code, message, 'url');
}

/**
 * Checks a webhook URL when it is registered: https (unless WEBHOOK_ALLOW_HTTP), no credentials, and no address
 * that is link-local, a metadata service or (unless WEBHOOK_ALLOW_PRIVATE) loopback or private. A name is only
 * resolved when a delivery connects (webhook-sender.ts checks every address then): DNS can change in between.
 * Returns the normalized URL (no fragment).
 */
export function validateWebhookUrl(raw: string, policy: WebhookUrlPolicy): string {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) refuse('webhook_url_too_long', `url must be at most 2048 characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    refuse('webhook_url_invalid', 'url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    refuse('webhook_url_invalid', 'url must be an absolute http(s) URL');
  if (url.protocol === 'http:' && !policy.allowHttp)
    refuse('webhook_url_insecure', 'url must use https (plain http is refused unless WEBHOOK_ALLOW_HTTP=true)');
  if (url.username || url.password) refuse('webhook_url_credentials', 'url must not contain a user name or password');
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (!host) refuse('webhook_url_invalid', 'url must name a host');
  if (isIP(host)) {
    const verdict = classifyAddress(host);
    if (verdict === 'forbidden')
      refuse('webhook_url_forbidden_address', 'url must not point at a link-local, metadata or reserved address');
    if (verdict === 'private' && !policy.allowPrivate)
      refuse('webhook_url_private_address', 'url must not point at a loopback or private address');
  } else {
    if (METADATA_HOSTS.has(host))
      refuse('webhook_url_forbidden_address', 'url must not point at a cloud metadata service');
    // localhost and single-label names (docker services, intranet hosts) are internal by construction.
    const internal = host === 'localhost' || host.endsWith('.localhost') || !host.includes('.');
    if (internal && !policy.allowPrivate)
      refuse('webhook_url_private_address', 'url must not point at a loopback or private address');
  }
  url.hash = '';
  return url.toString();
}
