import { TEST_PASSWORD, createTeam, signUpUser, uniqueEmail, type Team } from '@farmhand/factories';
import {
  HttpClient,
  startApi,
  startTestOidcProvider,
  type ApiHarness,
  type TestOidcProvider,
  type TestPerson,
} from '@farmhand/testing';
import { randomBytes } from 'node:crypto';

const DOMAIN = 'campus.example.edu';

function person(overrides: Partial<TestPerson> = {}): TestPerson {
  const id = randomBytes(4).toString('hex');
  return { sub: `person-${id}`, email: `p-${id}@${DOMAIN}`, email_verified: true, name: `Person ${id}`, ...overrides };
}

interface SsoAttempt {
  /** The browser's Farmhand side (its cookies: the session when signed in). */
  browser: HttpClient;
  /** The callback URL the provider sent the browser to (path and query on the api). */
  callbackPath: string | null;
  /** Where the api sent the browser after the callback. */
  landedOn: string;
}

/**
 * A browser signing in through the provider, as a person would: start on Farmhand, the provider's login page (the
 * email typed), back to Farmhand's callback. `idp` is the browser's cookie jar at the provider (its session there).
 */
async function signInWithSso(
  api: ApiHarness,
  provider: TestOidcProvider,
  slug: string,
  email: string,
  idp = new HttpClient(provider.issuer),
  browser = api.client(),
): Promise<SsoAttempt> {
  const start = await browser.get(`/api/auth/sso/${slug}/start`);
  expect(start.status).toBe(302);
  let location = new URL(start.headers.get('location')!);
  expect(location.origin).toBe(provider.issuer);
  for (let hop = 0; hop < 10; hop += 1) {
    if (location.origin !== provider.issuer) break;
    const path = location.pathname + location.search;
    let answer = await idp.get(path);
    if (answer.status === 200 && /^\/interaction\/[^/]+$/.test(location.pathname)) {
      answer = await idp.request('POST', `${location.pathname}/login`, undefined, {
        raw: new URLSearchParams({ email }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    }
    if (answer.status !== 302 && answer.status !== 303)
      throw new Error(
        `provider answered ${answer.status} at ${path}: ${String(answer.body).replace(/\s+/g, ' ').slice(-700)}`,
      );
    location = new URL(answer.headers.get('location')!, provider.issuer);
  }
  expect(location.origin).toBe(api.url);
  const callbackPath = location.pathname + location.search;
  const landed = await browser.get(callbackPath);
  expect(landed.status).toBe(302);
  return { browser, callbackPath, landedOn: landed.headers.get('location')! };
}

describe('single sign-on with OpenID Connect (a real provider: oidc-provider)', () => {
  let api: ApiHarness;
  let provider: TestOidcProvider;
  let team: Team;
  const slug = `campus-${randomBytes(3).toString('hex')}`;

  const config = (overrides: Record<string, unknown> = {}) => ({
    slug,
    displayName: 'Campus Login',
    issuerUrl: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    allowedDomains: [DOMAIN],
    defaultRole: 'viewer',
    defaultFleetIds: null,
    groupClaim: null,
    groupRoles: null,
    enabled: true,
    requireSso: false,
    breakGlassUserId: null,
    ...overrides,
  });

  beforeAll(async () => {
    api = await startApi({ OIDC_ALLOW_HTTP: 'true', OIDC_ALLOW_PRIVATE: 'true' });
    provider = await startTestOidcProvider([`${api.url}/api/auth/sso/callback`]);
    team = await createTeam(api, 'Campus Farm');
    const put = await team.owner.client.request('PUT', `/api/orgs/${team.orgId}/sso`, config());
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await provider?.close();
    await api?.close();
  });
  afterEach(async () => {
    await provider.tamper(null);
    await team.owner.client.request('PUT', `/api/orgs/${team.orgId}/sso`, config({ clientSecret: undefined }));
  });

  describe('provider settings (owners only)', () => {
    it('never returns the client secret, in the answer, a read or the audit log', async () => {
      const read = await team.owner.client.get(`/api/orgs/${team.orgId}/sso`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        slug,
        issuerUrl: provider.issuer,
        clientSecretSet: true,
        signInUrl: `${api.url}/sign-in/sso/${slug}`,
        redirectUri: `${api.url}/api/auth/sso/callback`,
      });
      const audit = await team.owner.client.get(`/api/orgs/${team.orgId}/audit`);
      for (const text of [JSON.stringify(read.body), JSON.stringify(audit.body)])
        expect(text).not.toContain(provider.clientSecret);
      expect(JSON.stringify(audit.body)).toContain('sso.configured');
    });

    it('admin, operator and viewer cannot read or change it; another organization cannot reach it', async () => {
      const other = await signUpUser(api, { organizationName: 'Elsewhere' });
      for (const client of [team.admin.client, team.operator.client, team.viewer.client, other.client]) {
        expect((await client.get(`/api/orgs/${team.orgId}/sso`)).status).toBeGreaterThanOrEqual(403);
        const put = await client.request('PUT', `/api/orgs/${team.orgId}/sso`, config({ defaultRole: 'admin' }));
        expect([403, 404]).toContain(put.status);
        expect([403, 404]).toContain((await client.delete(`/api/orgs/${team.orgId}/sso`)).status);
      }
      expect((await team.owner.client.get(`/api/orgs/${team.orgId}/sso`)).body.defaultRole).toBe('viewer');
    });

    it('refuses metadata and private issuers where not allowed, an owner role, and hostile text', async () => {
      const path = `/api/orgs/${team.orgId}/sso`;
      const metadata = await team.owner.client.request('PUT', path, config({ issuerUrl: 'http://169.254.169.254/' }));
      expect(metadata.body.error).toMatchObject({ code: 'sso_issuer_forbidden_address', field: 'issuerUrl' });
      const owner = await team.owner.client.request('PUT', path, config({ defaultRole: 'owner' }));
      expect(owner.status).toBe(400);
      const mapped = await team.owner.client.request(
        'PUT',
        path,
        config({ groupClaim: 'groups', groupRoles: { x: 'owner' } }),
      );
      expect(mapped.body.error).toMatchObject({ code: 'sso_group_roles_invalid' });
      const hostile = await team.owner.client.request('PUT', path, config({ displayName: 'Campus\u0000<script>' }));
      expect(hostile.status).toBe(400);
      const breakGlass = await team.owner.client.request('PUT', path, config({ breakGlassUserId: team.admin.userId }));
      expect(breakGlass.body.error).toMatchObject({ code: 'sso_break_glass_not_owner' });

      const rival = await signUpUser(api, { organizationName: 'Rival' });
      const taken = await rival.client.request('PUT', `/api/orgs/${rival.orgId}/sso`, config());
      expect(taken.status).toBe(409);
      expect(taken.body.error).toMatchObject({ code: 'sso_slug_taken', field: 'slug' });

      const strict = await startApi({ OIDC_ALLOW_HTTP: 'true' });
      try {
        const owner2 = await signUpUser(strict, { organizationName: 'Strict' });
        const refused = await owner2.client.request('PUT', `/api/orgs/${owner2.orgId}/sso`, config());
        expect(refused.body.error).toMatchObject({ code: 'sso_issuer_private_address' });
      } finally {
        await strict.close();
      }
    });
  });

  it('signs a new person in: account created, member with the default role, a normal session', async () => {
    const someone = person();
    await provider.addPerson(someone);
    const attempt = await signInWithSso(api, provider, slug, someone.email);
    expect(attempt.landedOn).toBe(`/orgs/${team.orgId}/printers`);
    const me = await attempt.browser.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(someone.email);
    expect(me.body.organizations).toEqual([
      expect.objectContaining({ id: team.orgId, role: 'viewer', fleetIds: null }),
    ]);
    const members = await team.owner.client.get(`/api/orgs/${team.orgId}/members`);
    expect(JSON.stringify(members.body)).toContain(someone.email);

    // The next sign-in finds the same account by the provider's subject.
    const again = await signInWithSso(api, provider, slug, someone.email);
    expect((await again.browser.get('/api/auth/me')).body.user.id).toBe(me.body.user.id);
  });

  it('links an existing account only for its owner signed in, or for a member of the organization', async () => {
    const email = uniqueEmail('existing').replace('example.test', DOMAIN);
    const existing = await signUpUser(api, { email });
    await provider.addPerson(person({ email }));

    // Whoever runs the provider decides what "verified" means: a stranger's browser does not get the account.
    const stranger = await signInWithSso(api, provider, slug, email);
    expect(stranger.landedOn).toBe('/sign-in?sso_error=sso_account_exists');
    expect((await stranger.browser.get('/api/auth/me')).status).toBe(401);
    expect((await existing.client.get('/api/auth/me')).body.organizations).toEqual([]);

    // Signed in with the password in this browser: the provider's identity is linked to this account.
    const linked = await signInWithSso(api, provider, slug, email, undefined, existing.client);
    expect(linked.landedOn).toBe(`/orgs/${team.orgId}/printers`);
    const me = await existing.client.get('/api/auth/me');
    expect(me.body.user.id).toBe(existing.userId);
    expect(me.body.organizations.map((org: { id: string }) => org.id)).toContain(team.orgId);
    // From now on the subject finds the account, from any browser.
    const later = await signInWithSso(api, provider, slug, email);
    expect((await later.browser.get('/api/auth/me')).body.user.id).toBe(existing.userId);

    // A member of the organization is linked by their verified email.
    await team.owner.client.request(
      'PUT',
      `/api/orgs/${team.orgId}/sso`,
      config({ clientSecret: undefined, allowedDomains: [] }),
    );
    await provider.addPerson(person({ email: team.viewer.email }));
    const member = await signInWithSso(api, provider, slug, team.viewer.email);
    const memberMe = await member.browser.get('/api/auth/me');
    expect(memberMe.body.user.id).toBe(team.viewer.userId);
    expect(memberMe.body.organizations[0]).toMatchObject({ id: team.orgId, role: 'viewer' });
  });

  it('rejects an unverified email: never linked to the existing account, no session', async () => {
    const email = uniqueEmail('victim').replace('example.test', DOMAIN);
    const victim = await signUpUser(api, { email });
    await provider.addPerson(person({ email, email_verified: false }));
    const attempt = await signInWithSso(api, provider, slug, email);
    expect(attempt.landedOn).toBe('/sign-in?sso_error=sso_email_unverified');
    expect((await attempt.browser.get('/api/auth/me')).status).toBe(401);
    expect((await victim.client.get('/api/auth/me')).body.organizations).toEqual([]);
  });

  it.each([
    ['a token from another issuer', 'issuer'],
    ['a token for another audience', 'audience'],
    ['an expired token', 'expired'],
    ['a token signed by a key not in the JWKS', 'signature'],
  ] as const)('rejects %s', async (_, mode) => {
    const someone = person();
    await provider.addPerson(someone);
    await provider.tamper(mode);
    const attempt = await signInWithSso(api, provider, slug, someone.email);
    expect(attempt.landedOn).toBe('/sign-in?sso_error=sso_token_invalid');
    expect((await attempt.browser.get('/api/auth/me')).status).toBe(401);
  });

  it('rejects a replayed state, and a callback carried into another browser (login CSRF)', async () => {
    const someone = person();
    await provider.addPerson(someone);
    const first = await signInWithSso(api, provider, slug, someone.email);
    expect(first.landedOn).toBe(`/orgs/${team.orgId}/printers`);
    const replay = await api.client().get(first.callbackPath!);
    expect(replay.headers.get('location')).toBe('/sign-in?sso_error=sso_state_invalid');
    const replaySameBrowser = await first.browser.get(first.callbackPath!);
    expect(replaySameBrowser.headers.get('location')).toBe('/sign-in?sso_error=sso_state_invalid');

    // An attacker starts a sign-in, then sends the victim the callback: the victim's browser holds no binding.
    const attacker = person();
    await provider.addPerson(attacker);
    const attackerBrowser = api.client();
    const idp = new HttpClient(provider.issuer);
    const start = await attackerBrowser.get(`/api/auth/sso/${slug}/start`);
    const victimBrowser = api.client();
    let location = new URL(start.headers.get('location')!);
    for (let hop = 0; hop < 10 && location.origin === provider.issuer; hop += 1) {
      let answer = await idp.get(location.pathname + location.search);
      if (answer.status === 200)
        answer = await idp.request('POST', `${location.pathname}/login`, undefined, {
          raw: new URLSearchParams({ email: attacker.email }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      location = new URL(answer.headers.get('location')!, provider.issuer);
    }
    const forced = await victimBrowser.get(location.pathname + location.search);
    expect(forced.headers.get('location')).toBe('/sign-in?sso_error=sso_state_invalid');
    expect((await victimBrowser.get('/api/auth/me')).status).toBe(401);
  });

  it('refuses the next sign-in of a person removed at the provider', async () => {
    const someone = person();
    await provider.addPerson(someone);
    const idp = new HttpClient(provider.issuer);
    expect((await signInWithSso(api, provider, slug, someone.email, idp)).landedOn).toBe(
      `/orgs/${team.orgId}/printers`,
    );
    await provider.removePerson(someone.sub);
    const next = await signInWithSso(api, provider, slug, someone.email, idp);
    expect(next.landedOn).toBe('/sign-in?sso_error=sso_refused');
    expect((await next.browser.get('/api/auth/me')).status).toBe(401);
  });

  it('maps groups to roles, and refuses someone whose groups map to no role', async () => {
    const put = await team.owner.client.request(
      'PUT',
      `/api/orgs/${team.orgId}/sso`,
      config({
        clientSecret: undefined,
        groupClaim: 'groups',
        groupRoles: { 'farm-admins': 'admin', staff: 'operator' },
      }),
    );
    expect(put.status).toBe(200);
    const admin = person({ groups: ['staff', 'farm-admins'] });
    const outsider = person({ groups: ['students'] });
    await provider.addPerson(admin);
    await provider.addPerson(outsider);
    const signedIn = await signInWithSso(api, provider, slug, admin.email);
    expect((await signedIn.browser.get('/api/auth/me')).body.organizations[0]).toMatchObject({ role: 'admin' });
    const refused = await signInWithSso(api, provider, slug, outsider.email);
    expect(refused.landedOn).toBe('/sign-in?sso_error=sso_no_role');
  });

  it('refuses an email outside the allowed domains', async () => {
    const someone = person({ email: `x-${randomBytes(3).toString('hex')}@other.example.com` });
    await provider.addPerson(someone);
    expect((await signInWithSso(api, provider, slug, someone.email)).landedOn).toBe(
      '/sign-in?sso_error=sso_domain_not_allowed',
    );
  });

  it('finds the provider by email domain or sign-in name, and says nothing about unknown ones', async () => {
    const byEmail = await api.client().get(`/api/auth/sso/providers?q=${encodeURIComponent(`anyone@${DOMAIN}`)}`);
    expect(byEmail.body).toEqual({ slug, displayName: 'Campus Login', startUrl: `/api/auth/sso/${slug}/start` });
    expect((await api.client().get(`/api/auth/sso/providers/${slug}`)).body.slug).toBe(slug);
    expect((await api.client().get('/api/auth/sso/providers?q=nobody@unknown.example')).status).toBe(404);
    expect((await api.client().get('/api/auth/sso/no-such-org/start')).status).toBe(404);
  });

  it('requires SSO: password sign-in refused for members, the break-glass owner still gets in', async () => {
    const put = await team.owner.client.request(
      'PUT',
      `/api/orgs/${team.orgId}/sso`,
      config({ clientSecret: undefined, requireSso: true, breakGlassUserId: team.owner.userId }),
    );
    expect(put.status).toBe(200);
    const member = await api
      .client()
      .post('/api/auth/sign-in', { email: team.operator.email, password: TEST_PASSWORD });
    expect(member.status).toBe(403);
    expect(member.body.error.code).toBe('sso_required');
    expect(member.body.error.message).toContain('Campus Login');
    // A wrong password still answers as a wrong password: the SSO rule is told only to who knows the password.
    const wrong = await api
      .client()
      .post('/api/auth/sign-in', { email: team.operator.email, password: 'not it at all 123' });
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const owner = await api.client().post('/api/auth/sign-in', { email: team.owner.email, password: TEST_PASSWORD });
    expect(owner.status).toBe(200);
    const outsider = await signUpUser(api);
    expect(
      (await api.client().post('/api/auth/sign-in', { email: outsider.email, password: TEST_PASSWORD })).status,
    ).toBe(200);
  });

  it('require SSO switched on ends the sessions members opened before it, not the break-glass owner', async () => {
    const farm = await createTeam(api, 'Switching Farm');
    const farmSlug = `switch-${randomBytes(3).toString('hex')}`;
    const path = `/api/orgs/${farm.orgId}/sso`;
    const farmConfig = (overrides: Record<string, unknown>) => config({ slug: farmSlug, ...overrides });
    expect((await farm.owner.client.request('PUT', path, farmConfig({}))).status).toBe(200);
    const ownerElsewhere = api.client();
    expect(
      (await ownerElsewhere.post('/api/auth/sign-in', { email: farm.owner.email, password: TEST_PASSWORD })).status,
    ).toBe(200);
    const outsider = await signUpUser(api, { organizationName: 'Not Switching' });
    const on = await farm.owner.client.request(
      'PUT',
      path,
      farmConfig({ clientSecret: undefined, requireSso: true, breakGlassUserId: farm.owner.userId }),
    );
    expect(on.status).toBe(200);
    for (const member of [farm.admin, farm.operator, farm.viewer, farm.fleetOperator])
      expect((await member.client.get('/api/auth/me')).status).toBe(401);
    expect((await farm.owner.client.get('/api/auth/me')).status).toBe(200);
    expect((await ownerElsewhere.get('/api/auth/me')).status).toBe(200);
    expect((await outsider.client.get('/api/auth/me')).status).toBe(200);
    // Turned off again: the operator signs in with the password and reads why they were signed out.
    const operatorAgain = api.client();
    const again = await farm.owner.client.request(
      'PUT',
      path,
      farmConfig({ clientSecret: undefined, requireSso: false }),
    );
    expect(again.status).toBe(200);
    expect(
      (await operatorAgain.post('/api/auth/sign-in', { email: farm.operator.email, password: TEST_PASSWORD })).status,
    ).toBe(200);
    const log =
      await operatorAgain.get<Array<{ event: string; details: Record<string, unknown> }>>('/api/auth/security-log');
    expect(log.body.find((line) => line.event === 'sessions.ended_sso_required')?.details).toMatchObject({
      orgId: farm.orgId,
      ended: 1,
    });
    const ownerLog = await farm.owner.client.get<Array<{ event: string }>>('/api/auth/security-log');
    expect(ownerLog.body.map((line) => line.event)).not.toContain('sessions.ended_sso_required');
    const audit = await farm.owner.client.get(`/api/orgs/${farm.orgId}/audit`);
    expect(JSON.stringify(audit.body)).toContain('"sessionsEnded":4');
  });

  it('reuses discovery and the key set between sign-ins, and a rotated signing key still verifies', async () => {
    const someone = person();
    await provider.addPerson(someone);
    const first = await signInWithSso(api, provider, slug, someone.email);
    expect(first.landedOn).not.toContain('sso_error');
    const before = await provider.requestCounts();
    for (let round = 0; round < 2; round += 1)
      expect((await signInWithSso(api, provider, slug, someone.email)).landedOn).not.toContain('sso_error');
    const after = await provider.requestCounts();
    expect(after['/.well-known/openid-configuration']).toBe(before['/.well-known/openid-configuration']);
    expect(after['/jwks']).toBe(before['/jwks']);
    expect(after['/token']).toBe((before['/token'] ?? 0) + 2);
    // The provider rotates its key: the unknown key id fetches the key set again, once, and the sign-in works.
    await provider.rotateKey();
    const rotated = await signInWithSso(api, provider, slug, someone.email);
    expect(rotated.landedOn).not.toContain('sso_error');
    expect((await rotated.browser.get('/api/auth/me')).status).toBe(200);
    const last = await provider.requestCounts();
    expect(last['/jwks']).toBe((after['/jwks'] ?? 0) + 1);
    expect(last['/.well-known/openid-configuration']).toBe(after['/.well-known/openid-configuration']);
  });
});
