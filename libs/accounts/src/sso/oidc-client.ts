import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@farmhand/core';
import * as oidc from 'openid-client';
import { guardedFetch, type OidcNetworkPolicy } from './oidc-http';

export const SSO_CALLBACK_PATH = '/api/auth/sso/callback';

/**
 * openid-client (v6) configured the one way Farmhand uses it: discovery through the SSRF-guarded fetch, client
 * secret sent in the token request body. Nothing here relaxes the ID token checks openid-client makes (issuer,
 * audience, expiry, nonce) and the JWKS signature check is turned on (`discover`); plain http is allowed only for an http issuer
 * where OIDC_ALLOW_HTTP (tests, a LAN provider).
 */
@Injectable()
export class OidcClient {
  readonly policy: OidcNetworkPolicy;
  readonly redirectUri: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.policy = { allowHttp: config.OIDC_ALLOW_HTTP, allowPrivate: config.OIDC_ALLOW_PRIVATE };
    this.redirectUri = new URL(SSO_CALLBACK_PATH, config.PUBLIC_URL).toString();
  }

  async discover(issuerUrl: string, clientId: string, clientSecret: string): Promise<oidc.Configuration> {
    const insecure = new URL(issuerUrl).protocol === 'http:' && this.policy.allowHttp;
    const configuration = await oidc.discovery(
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
    // openid-client leaves the signature of an ID token from the token endpoint unchecked by default (OpenID Connect
    // Core 3.1.3.7 lets TLS stand in for it). Farmhand checks it against the provider's JWKS regardless: a token
    // endpoint reached over plain http, or through a proxy that rewrites answers, must not be able to forge one.
    oidc.enableNonRepudiationChecks(configuration);
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
    if (!claims) throw new Error('no ID token');
    return claims;
  }
}
