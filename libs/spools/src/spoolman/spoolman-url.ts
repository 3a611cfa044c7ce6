import { isIP } from 'node:net';
import { DomainException, METADATA_HOSTS, classifyAddress, isInternalHostName } from '@farmhand/core';

export const MAX_SPOOLMAN_URL_LENGTH = 2048;

function refuse(code: string, message: string): never {
  throw DomainException.invalid(code, message, 'url');
}

/**
 * Checks a Spoolman server's URL when an admin sets it. Spoolman usually runs on the LAN, so loopback and private
 * addresses are allowed, but only when the admin says so for this organization (`allowPrivateNetwork`): the
 * trade-off is written in docs/security.md. Link-local, metadata and reserved addresses are refused whatever the
 * admin says. Names are checked again at each connection (spoolman-client.ts): DNS can change in between.
 * Returns the normalized root (no trailing slash, no query, no fragment).
 */
export function validateSpoolmanUrl(raw: string, allowPrivateNetwork: boolean): string {
  if (raw.length > MAX_SPOOLMAN_URL_LENGTH) refuse('spoolman_url_too_long', 'url must be at most 2048 characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    refuse('spoolman_url_invalid', 'url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    refuse('spoolman_url_invalid', 'url must be an absolute http(s) URL');
  if (url.username || url.password)
    refuse('spoolman_url_credentials', 'url must not contain a user name or password (use username and password)');
  if (url.search) refuse('spoolman_url_invalid', 'url must not contain a query');
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (!host) refuse('spoolman_url_invalid', 'url must name a host');
  if (isIP(host)) {
    const verdict = classifyAddress(host);
    if (verdict === 'forbidden')
      refuse('spoolman_url_forbidden_address', 'url must not point at a link-local, metadata or reserved address');
    if (verdict === 'private' && !allowPrivateNetwork)
      refuse(
        'spoolman_url_private_address',
        'url points at a loopback or private address: set allowPrivateNetwork to reach a Spoolman on your LAN',
      );
  } else {
    if (METADATA_HOSTS.has(host))
      refuse('spoolman_url_forbidden_address', 'url must not point at a cloud metadata service');
    if (isInternalHostName(host) && !allowPrivateNetwork)
      refuse(
        'spoolman_url_private_address',
        'url names an internal host: set allowPrivateNetwork to reach a Spoolman on your LAN',
      );
  }
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}
