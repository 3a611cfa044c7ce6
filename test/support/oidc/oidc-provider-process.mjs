// A real OpenID Connect provider (oidc-provider) for tests, run in its own plain Node process (it is ESM with a
// Koa stack Jest's CommonJS runtime would have to transpile). test-oidc-provider.ts starts it and drives it over
// /__test routes: people (added, removed), and a "tamper" mode that re-signs the next ID tokens wrongly (other
// issuer, audience, expiry or key) to prove the client refuses them.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import Provider from 'oidc-provider';

const redirectUris = JSON.parse(process.env.OIDC_REDIRECT_URIS ?? '[]');
const clientId = process.env.OIDC_CLIENT_ID ?? 'farmhand';
const clientSecret = process.env.OIDC_CLIENT_SECRET ?? 'farmhand-test-client-secret';

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
const { privateKey: strangerKey } = await generateKeyPair('RS256', { extractable: true });

/** sub → { email, email_verified, name, groups } */
const accounts = new Map();
let tamper = null;
/** After /__test/rotate: the key ID tokens are signed with, the only one the key set publishes. */
let rotated = null;
/** Requests per path (discovery, key set, token…), read by /__test/requests. */
const requestCounts = {};

/**
 * The provider's storage, in memory like its development adapter, but reachable: removing a person also ends their
 * sessions here, as a real identity provider does when an account is deleted.
 */
const store = new Map();
class MemoryAdapter {
  constructor(name) {
    this.name = name;
  }
  async upsert(id, payload) {
    store.set(`${this.name}:${id}`, payload);
  }
  async find(id) {
    return store.get(`${this.name}:${id}`);
  }
  async findByUid(uid) {
    return [...store].find(([key, payload]) => key.startsWith(`${this.name}:`) && payload.uid === uid)?.[1];
  }
  async findByUserCode(userCode) {
    return [...store].find(([key, payload]) => key.startsWith(`${this.name}:`) && payload.userCode === userCode)?.[1];
  }
  async consume(id) {
    const payload = store.get(`${this.name}:${id}`);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) {
    store.delete(`${this.name}:${id}`);
  }
  async revokeByGrantId(grantId) {
    for (const [key, payload] of store) if (payload.grantId === grantId) store.delete(key);
  }
}

function endSessionsOf(sub) {
  for (const [key, payload] of store) if (key.startsWith('Session:') && payload.accountId === sub) store.delete(key);
}

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  adapter: MemoryAdapter,
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['test-oidc-provider-cookie-key-0123456789'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  // Scope claims in the ID token itself (the client reads the ID token, not userinfo).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account }) };
  },
  // First-party client: no consent screen; every scope asked for is granted.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
    if (existing) return existing;
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

// Errors the provider hides behind server_error go to stderr (test-oidc-provider.ts keeps it for a failing start).
provider.on('server_error', (ctx, error) => process.stderr.write(`server_error: ${error.stack}\n`));

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/jwks' && ctx.status === 200 && rotated) {
    ctx.body = { keys: [rotated.publicJwk] };
    return;
  }
  if (ctx.path !== '/token' || ctx.status !== 200 || !(tamper || rotated) || !ctx.body?.id_token) return;
  const claims = decodeJwt(ctx.body.id_token);
  const header = decodeProtectedHeader(ctx.body.id_token);
  if (rotated && !tamper) {
    const signed = await new SignJWT(claims)
      .setProtectedHeader({ ...header, kid: rotated.kid })
      .sign(rotated.privateKey);
    ctx.body = { ...ctx.body, id_token: signed };
    return;
  }
  const now = Math.floor(Date.now() / 1000);
  if (tamper === 'issuer') claims.iss = 'http://127.0.0.1:1/not-the-issuer';
  if (tamper === 'audience') claims.aud = 'someone-else';
  if (tamper === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  const key = tamper === 'signature' ? strangerKey : privateKey;
  ctx.body = { ...ctx.body, id_token: await new SignJWT(claims).setProtectedHeader(header).sign(key) };
});

function readBody(req) {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => resolve(text));
  });
}

function page(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><title>Test identity provider</title></head><body>${html}</body></html>`);
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const callback = provider.callback();

server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (!url.pathname.startsWith('/__test/')) requestCounts[url.pathname] = (requestCounts[url.pathname] ?? 0) + 1;
    if (url.pathname === '/__test/requests') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(requestCounts));
      return;
    }
    if (url.pathname === '/__test/rotate' && req.method === 'POST') {
      await readBody(req);
      const { privateKey: next, publicKey } = await generateKeyPair('RS256', { extractable: true });
      const kid = `rotated-${Date.now()}`;
      rotated = {
        kid,
        privateKey: next,
        publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
      };
      res.writeHead(204).end();
      return;
    }
    if (url.pathname.startsWith('/__test/')) {
      const body = req.method === 'POST' ? JSON.parse((await readBody(req)) || '{}') : {};
      if (url.pathname === '/__test/accounts' && req.method === 'POST') accounts.set(body.sub, body.claims);
      else if (url.pathname === '/__test/accounts/remove') {
        accounts.delete(body.sub);
        endSessionsOf(body.sub);
      } else if (url.pathname === '/__test/tamper') tamper = body.mode ?? null;
      else return page(res, 404, 'unknown test route');
      res.writeHead(204).end();
      return;
    }
    const interaction = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
    if (interaction) {
      const details = await provider.interactionDetails(req, res);
      if (!interaction[2]) {
        return page(
          res,
          200,
          `<h1>Test identity provider</h1><form method="post" action="/interaction/${escape(details.uid)}/login">` +
            `<label>Email <input name="email" type="email" autocomplete="username"></label>` +
            `<button type="submit">Continue</button></form>`,
        );
      }
      const email = new URLSearchParams(await readBody(req)).get('email') ?? '';
      const sub = [...accounts].find(([, claims]) => claims.email === email)?.[0];
      // Someone the provider does not know (or no longer knows): the provider refuses, as a real one would.
      const result = sub
        ? { login: { accountId: sub } }
        : { error: 'access_denied', error_description: 'this person cannot sign in here' };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      return;
    }
    callback(req, res);
  } catch (error) {
    page(res, 500, escape(error.message));
  }
});

process.stdout.write(`${JSON.stringify({ issuer, clientId, clientSecret })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
