import { isIP } from 'node:net';
import { DomainException, METADATA_HOSTS, classifyAddress, isInternalHostName } from '@farmhand/core';

export { addressAllowed, classifyAddress, type AddressClass } from '@farmhand/core';

export interface WebhookUrlPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

export const MAX_WEBHOOK_URL_LENGTH = 2048;

function refuse(code: string, message: string, field: string): never {
  throw DomainException.invalid(code, message.replace(/^url /, `${field} `), field);
}

/**
 * Checks a webhook URL when it is registered: https (unless WEBHOOK_ALLOW_HTTP), no credentials, and no address
 * that is link-local, a metadata service or (unless WEBHOOK_ALLOW_PRIVATE) loopback or private. A name is only
 * resolved when a delivery connects (webhook-sender.ts checks every address then): DNS can change in between.
 * Returns the normalized URL (no fragment).
 */
export function validateWebhookUrl(raw: string, policy: WebhookUrlPolicy, field = 'url'): string {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) refuse('webhook_url_too_long', `url must be at most 2048 characters`, field);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    refuse('webhook_url_invalid', 'url must be an absolute http(s) URL', field);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    refuse('webhook_url_invalid', 'url must be an absolute http(s) URL', field);
  if (url.protocol === 'http:' && !policy.allowHttp)
    refuse('webhook_url_insecure', 'url must use https (plain http is refused unless WEBHOOK_ALLOW_HTTP=true)', field);
  if (url.username || url.password)
    refuse('webhook_url_credentials', 'url must not contain a user name or password', field);
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (!host) refuse('webhook_url_invalid', 'url must name a host', field);
  if (isIP(host)) {
    const verdict = classifyAddress(host);
    if (verdict === 'forbidden')
      refuse(
        'webhook_url_forbidden_address',
        'url must not point at a link-local, metadata or reserved address',
        field,
      );
    if (verdict === 'private' && !policy.allowPrivate)
      refuse('webhook_url_private_address', 'url must not point at a loopback or private address', field);
  } else {
    if (METADATA_HOSTS.has(host))
      refuse('webhook_url_forbidden_address', 'url must not point at a cloud metadata service', field);
    if (isInternalHostName(host) && !policy.allowPrivate)
      refuse('webhook_url_private_address', 'url must not point at a loopback or private address', field);
  }
  url.hash = '';
  return url.toString();
}
