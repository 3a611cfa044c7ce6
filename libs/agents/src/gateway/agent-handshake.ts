import { credentialsFrom, type Credentials } from '@farmhand/authz';

/** What the gateway reads of a socket.io handshake. */
export interface HandshakeLike {
  headers: Record<string, string | string[] | undefined>;
  auth: unknown;
  query: unknown;
  url: string;
}

const CREDENTIAL_PARAMETER = /^(credential|token|access_token|auth|authorization|api[_-]?key|key|secret)$/i;
const TOKEN_PREFIX = /fh_(agent|enr)_/i;

/**
 * A credential in the URL ends up in proxy and access logs; the agent never sends one there, so a handshake that does
 * is refused even when the credential is valid (and the credential should be considered leaked).
 */
export function credentialInUrl(handshake: Pick<HandshakeLike, 'query' | 'url'>): boolean {
  let url = handshake.url ?? '';
  try {
    url = decodeURIComponent(url);
  } catch {
    // keep the raw URL: a malformed escape hides nothing from the prefix test below
  }
  if (TOKEN_PREFIX.test(url)) return true;
  const query = handshake.query;
  if (query === null || typeof query !== 'object') return false;
  return Object.keys(query).some((name) => CREDENTIAL_PARAMETER.test(name));
}

/**
 * The agent's credential from the handshake auth payload (`{ credential }`, or `{ token }`) or an
 * `Authorization: Bearer` header. Cookies are ignored on purpose: a browser session riding along must never turn
 * a socket into something else than an agent.
 */
export function handshakeCredentials(handshake: Pick<HandshakeLike, 'headers' | 'auth'>): Credentials {
  const auth = handshake.auth;
  let token: string | undefined;
  if (auth !== null && typeof auth === 'object') {
    const { credential, token: alternative } = auth as { credential?: unknown; token?: unknown };
    if (typeof credential === 'string') token = credential;
    else if (typeof alternative === 'string') token = alternative;
  }
  const authorization = handshake.headers.authorization;
  return credentialsFrom(
    { authorization: typeof authorization === 'string' ? authorization : undefined },
    token === undefined ? undefined : { token },
  );
}
