import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, sha256Hex, type AppConfig } from '@farmhand/core';
import { constants, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import * as oidc from 'openid-client';
import { guardedFetch, type OidcNetworkPolicy } from './oidc-http';

export const SSO_CALLBACK_PATH = '/api/auth/sso/callback';
/**
 * How long a provider's discovery document and key set are reused. A key id the cached set does not have (the
 * provider rotated its keys) fetches the set again at once, so rotation never waits for this.
 */
export const OIDC_DISCOVERY_TTL_MS = 15 * 60 * 1000;

interface Discovered {
  configuration: Promise<oidc.Configuration>;
  expiresAt: number;
}

interface KeySet {
  keys: JsonWebKey[];
  expiresAt: number;
}

const SIGNATURE_ALGORITHMS: Record<
  string,
  { kty: string; verify: (data: Buffer, key: KeyObject, sig: Buffer) => boolean }
> = (() => {
  const rsa = (hash: string) => (data: Buffer, key: KeyObject, sig: Buffer) =>
    verify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
  const pss = (hash: string, saltLength: number) => (data: Buffer, key: KeyObject, sig: Buffer) =>
    verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sig);
  const ec = (hash: string) => (data: Buffer, key: KeyObject, sig: Buffer) =>
    verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
  const ed = (data: Buffer, key: KeyObject, sig: Buffer) => verify(null, data, key, sig);
  return {
    RS256: { kty: 'RSA', verify: rsa('sha256') },
    RS384: { kty: 'RSA', verify: rsa('sha384') },
    RS512: { kty: 'RSA', verify: rsa('sha512') },
    PS256: { kty: 'RSA', verify: pss('sha256', 32) },
    PS384: { kty: 'RSA', verify: pss('sha384', 48) },
    PS512: { kty: 'RSA', verify: pss('sha512', 64) },
    ES256: { kty: 'EC', verify: ec('sha256') },
    ES384: { kty: 'EC', verify: ec('sha384') },
    ES512: { kty: 'EC', verify: ec('sha512') },
    EdDSA: { kty: 'OKP', verify: ed },
    Ed25519: { kty: 'OKP', verify: ed },
  };
})();

/**
 * openid-client (v6) configured the one way Farmhand uses it: discovery through the SSRF-guarded fetch, client
 * secret sent in the token request body. Nothing here relaxes the ID token checks openid-client makes (issuer,
 * audience, expiry, nonce, algorithm); plain http is allowed only for an http issuer where OIDC_ALLOW_HTTP (tests, a
 * LAN provider). The ID token's signature is checked here against the provider's key set, which is cached with the
 * discovery document (`OIDC_DISCOVERY_TTL_MS`) and fetched again on a key id it does not know.
 */
@Injectable()
export class OidcClient {
  readonly policy: OidcNetworkPolicy;
  readonly redirectUri: string;
  private readonly discovered = new Map<string, Discovered>();
  private readonly keySets = new Map<string, KeySet>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.policy = { allowHttp: config.OIDC_ALLOW_HTTP, allowPrivate: config.OIDC_ALLOW_PRIVATE };
    this.redirectUri = new URL(SSO_CALLBACK_PATH, config.PUBLIC_URL).toString();
  }

  /** Discovery, always fetched (a provider being configured is checked against what it answers now). */
  async discover(issuerUrl: string, clientId: string, clientSecret: string): Promise<oidc.Configuration> {
    const insecure = new URL(issuerUrl).protocol === 'http:' && this.policy.allowHttp;
    return oidc.discovery(
      new URL(issuerUrl),
      clientId,
      { redirect_uris: [this.redirectUri], response_types: ['code'] },
      oidc.ClientSecretPost(clientSecret),
      {
        [oidc.customFetch]: guardedFetch(this.policy) as unknown as oidc.CustomFetch,
        execute: insecure ? [oidc.allowInsecureRequests] : [],
        timeout: 10,
      },
    );
  }

  /**
   * Discovery for sign-in: reused for `OIDC_DISCOVERY_TTL_MS` per issuer, client and secret (a changed setting is a
   * new entry), so a sign-in does not ask the provider for its metadata every time. A failed discovery is not kept.
   */
  cachedDiscover(issuerUrl: string, clientId: string, clientSecret: string): Promise<oidc.Configuration> {
    const now = Date.now();
    for (const [key, entry] of this.discovered) if (entry.expiresAt <= now) this.discovered.delete(key);
    const key = sha256Hex(JSON.stringify([issuerUrl, clientId, clientSecret]));
    const cached = this.discovered.get(key);
    if (cached) return cached.configuration;
    const configuration = this.discover(issuerUrl, clientId, clientSecret);
    this.discovered.set(key, { configuration, expiresAt: now + OIDC_DISCOVERY_TTL_MS });
    configuration.catch(() => this.discovered.delete(key));
    return configuration;
  }

  async authorizationRequest(configuration: oidc.Configuration) {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, codeVerifier, state, nonce };
  }

  /** Exchanges the code and returns the ID token's claims, verified; throws on any check that fails. */
  async exchange(
    configuration: oidc.Configuration,
    callbackQuery: string,
    checks: { codeVerifier: string; state: string; nonce: string },
  ): Promise<oidc.IDToken> {
    const currentUrl = new URL(`${this.redirectUri}?${callbackQuery}`);
    const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new Error('no ID token');
    // openid-client leaves the signature of an ID token from the token endpoint unchecked by default (OpenID Connect
    // Core 3.1.3.7 lets TLS stand in for it). Farmhand checks it against the provider's key set regardless: a token
    // endpoint reached over plain http, or through a proxy that rewrites answers, must not be able to forge one.
    await this.verifySignature(configuration, tokens.id_token);
    return claims;
  }

  private async verifySignature(configuration: oidc.Configuration, jwt: string): Promise<void> {
    const [encodedHeader, encodedPayload, encodedSignature, extra] = jwt.split('.');
    if (!encodedHeader || !encodedPayload || !encodedSignature || extra !== undefined)
      throw new Error('malformed ID token');
    const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as {
      alg?: unknown;
      kid?: unknown;
    };
    const algorithm = typeof header.alg === 'string' ? SIGNATURE_ALGORITHMS[header.alg] : undefined;
    if (!algorithm || !Object.hasOwn(SIGNATURE_ALGORITHMS, header.alg as string))
      throw new Error('unsupported ID token algorithm');
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const jwksUri = configuration.serverMetadata().jwks_uri;
    if (!jwksUri) throw new Error('the provider publishes no key set');
    const pick = (keys: JsonWebKey[]) =>
      keys.filter(
        (key) =>
          key.kty === algorithm.kty &&
          (kid === undefined || key.kid === kid) &&
          (key.alg === undefined || key.alg === header.alg) &&
          (key.use === undefined || key.use === 'sig'),
      );
    let candidates = pick(await this.keySet(jwksUri, false));
    // A key id the cached set does not know: the provider may have rotated its keys, so fetch the set again now.
    if (candidates.length === 0) candidates = pick(await this.keySet(jwksUri, true));
    if (candidates.length !== 1) throw new Error('no single key of the provider matches the ID token');
    const data = Buffer.from(`${encodedHeader}.${encodedPayload}`);
    const signature = Buffer.from(encodedSignature, 'base64url');
    const key = createPublicKey({ key: candidates[0]!, format: 'jwk' });
    if (!algorithm.verify(data, key, signature)) throw new Error('ID token signature does not verify');
  }

  private async keySet(jwksUri: string, refresh: boolean): Promise<JsonWebKey[]> {
    const now = Date.now();
    const cached = this.keySets.get(jwksUri);
    if (cached && !refresh && cached.expiresAt > now) return cached.keys;
    const response = await guardedFetch(this.policy)(jwksUri, {
      method: 'GET',
      headers: { accept: 'application/json, application/jwk-set+json' },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200) throw new Error(`key set answered ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error('key set has no keys');
    const keys = body.keys.filter((key): key is JsonWebKey => typeof key === 'object' && key !== null);
    for (const [uri, entry] of this.keySets) if (entry.expiresAt <= now) this.keySets.delete(uri);
    this.keySets.set(jwksUri, { keys, expiresAt: now + OIDC_DISCOVERY_TTL_MS });
    return keys;
  }
}
