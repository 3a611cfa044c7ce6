import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { DomainException, METADATA_HOSTS, addressAllowed, classifyAddress, isInternalHostName } from '@farmhand/core';

export interface OidcNetworkPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

export const OIDC_TIMEOUT_MS = 10_000;
/** Discovery documents, key sets and token answers are small; a provider that sends more is cut off. */
export const OIDC_MAX_RESPONSE_BYTES = 512 * 1024;

function refuse(code: string, message: string): never {
  throw DomainException.invalid(code, message, 'issuerUrl');
}

/**
 * Checks an issuer URL when it is configured: https (unless OIDC_ALLOW_HTTP), no credentials, query or fragment,
 * and no link-local, metadata or (unless OIDC_ALLOW_PRIVATE) loopback or private address. Names are resolved and
 * checked again at every request (`guardedFetch`). Returns the URL as the issuer is compared (no trailing slash
 * added or removed: the provider's `issuer` must match it exactly).
 */
export function validateIssuerUrl(raw: string, policy: OidcNetworkPolicy): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    refuse('sso_issuer_invalid', 'issuerUrl must be an absolute https URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    refuse('sso_issuer_invalid', 'issuerUrl must be an absolute https URL');
  if (url.protocol === 'http:' && !policy.allowHttp)
    refuse('sso_issuer_insecure', 'issuerUrl must use https (http is refused unless OIDC_ALLOW_HTTP=true)');
  if (url.username || url.password) refuse('sso_issuer_invalid', 'issuerUrl must not contain a user name or password');
  if (url.search || url.hash) refuse('sso_issuer_invalid', 'issuerUrl must not contain a query or a fragment');
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (!host) refuse('sso_issuer_invalid', 'issuerUrl must name a host');
  const verdict = isIP(host) ? classifyAddress(host) : METADATA_HOSTS.has(host) ? 'forbidden' : null;
  if (verdict === 'forbidden')
    refuse('sso_issuer_forbidden_address', 'issuerUrl must not point at a link-local, metadata or reserved address');
  if ((verdict === 'private' || (verdict === null && isInternalHostName(host))) && !policy.allowPrivate)
    refuse('sso_issuer_private_address', 'issuerUrl must not point at a loopback or private address');
  return raw.trim();
}

class AddressRefused extends Error {
  constructor(address: string) {
    super(`address ${address} is not allowed for identity providers`);
  }
}

function guardedLookup(policy: OidcNetworkPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((entry) => !addressAllowed(entry.address, policy));
      if (refused) return callback(new AddressRefused(refused.address), '', 0);
      const first = addresses[0];
      if (!first) return callback(new Error(`no address for ${hostname}`), '', 0);
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (error: null, all: LookupAddress[]) => void)(null, addresses);
        return;
      }
      callback(null, first.address, first.family);
    });
  };
}

function responseHeaders(headers: IncomingHttpHeaders): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) result.append(name, item);
  }
  return result;
}

/**
 * The fetch openid-client uses for every request to a provider (discovery, key set, token endpoint). SSRF: every
 * address the host resolves to must be allowed, and the socket connects to the checked address (the lookup hands it
 * over), so a DNS answer that changes after the check cannot redirect it. Redirects are not followed, each exchange
 * is cut at 10 s and answers past 512 kB are refused.
 */
export function guardedFetch(policy: OidcNetworkPolicy) {
  return (
    input: string,
    options: { method: string; headers: Record<string, string>; body?: unknown; signal?: AbortSignal },
  ) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input);
      const secure = url.protocol === 'https:';
      if (!secure && !(url.protocol === 'http:' && policy.allowHttp)) {
        reject(new Error('identity provider requests must use https'));
        return;
      }
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) && !addressAllowed(host, policy)) {
        reject(new AddressRefused(host));
        return;
      }
      const body =
        options.body === undefined || options.body === null
          ? undefined
          : options.body instanceof URLSearchParams
            ? options.body.toString()
            : typeof options.body === 'string'
              ? options.body
              : undefined;
      const headers: Record<string, string> = { ...options.headers };
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const request = (secure ? httpsRequest : httpRequest)(
        url,
        { method: options.method, headers, lookup: isIP(host) ? undefined : guardedLookup(policy), agent: false },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > OIDC_MAX_RESPONSE_BYTES) {
              request.destroy(new Error('identity provider answer too large'));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => {
            const status = response.statusCode ?? 502;
            const noBody = status === 204 || status === 304 || options.method === 'HEAD';
            resolve(
              new Response(noBody ? null : Buffer.concat(chunks), {
                status,
                statusText: response.statusMessage,
                headers: responseHeaders(response.headers),
              }),
            );
          });
          response.on('error', reject);
        },
      );
      request.setTimeout(OIDC_TIMEOUT_MS, () => request.destroy(new Error('identity provider did not answer in time')));
      request.on('error', reject);
      options.signal?.addEventListener('abort', () => request.destroy(new Error('aborted')), { once: true });
      request.end(body);
    });
}
