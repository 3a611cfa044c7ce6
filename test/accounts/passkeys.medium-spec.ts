import { createTeam, signUpUser, TEST_PASSWORD, type SignedUpUser } from '@farmhand/factories';
import {
  FLAG_UP,
  SoftwareAuthenticator,
  startApi,
  type ApiHarness,
  type HttpClient,
  type SoftwareCredential,
} from '@farmhand/testing';
import { generate } from 'otplib';
import { DataSource } from 'typeorm';

interface Registered {
  credential: SoftwareCredential;
  passkeyId: string;
}

/** The account page's "Add a passkey": options, the authenticator, then the answer with a name and the password. */
async function register(
  client: HttpClient,
  authenticator: SoftwareAuthenticator,
  name = 'Laptop',
): Promise<Registered> {
  const options = await client.post('/api/auth/passkeys/registration-options');
  expect(options.status).toBe(200);
  const { credential, response } = authenticator.create(options.body);
  const saved = await client.post('/api/auth/passkeys', { name, password: TEST_PASSWORD, response });
  expect(saved.status).toBe(201);
  return { credential, passkeyId: saved.body.id };
}

/** "Sign in with a passkey" in a fresh browser: options (and the binding cookie), then the assertion. */
async function passkeySignIn(
  api: ApiHarness,
  authenticator: SoftwareAuthenticator,
  credential: SoftwareCredential,
  overrides: Parameters<SoftwareAuthenticator['get']>[2] = {},
  browser = api.client(),
) {
  const options = await browser.post('/api/auth/sign-in/passkey/options');
  expect(options.status).toBe(200);
  const assertion = authenticator.get(options.body, credential, overrides);
  return { browser, assertion, answer: await browser.post('/api/auth/sign-in/passkey', { response: assertion }) };
}

/** The password step of a sign-in that owes a second factor; the client holds the pending sign-in cookie. */
async function passwordStep(api: ApiHarness, email: string): Promise<HttpClient> {
  const client = api.client();
  const response = await client.post('/api/auth/sign-in', { email, password: TEST_PASSWORD });
  expect(response.body).toEqual({ user: null, secondFactorRequired: true });
  return client;
}

async function securityEvents(client: HttpClient) {
  return (await client.get<Array<{ event: string; details: Record<string, unknown> }>>('/api/auth/security-log')).body;
}

describe('passkeys (WebAuthn): a real software authenticator against the API', () => {
  let api: ApiHarness;
  let authenticator: SoftwareAuthenticator;

  beforeAll(async () => {
    api = await startApi({ LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '100', LOGIN_MAX_ATTEMPTS_PER_CLIENT: '1000' });
    const publicUrl = new URL(api.config.PUBLIC_URL);
    authenticator = new SoftwareAuthenticator(publicUrl.origin, publicUrl.hostname);
  });
  afterAll(() => api.close());

  it('registers a named passkey, lists it, logs it, and stores only its public key', async () => {
    const user = await signUpUser(api);
    const options = await user.client.post('/api/auth/passkeys/registration-options');
    expect(options.body).toMatchObject({
      rp: { id: authenticator.rpId, name: 'Farmhand' },
      attestation: 'none',
      authenticatorSelection: { residentKey: 'required' },
    });
    const { passkeyId } = await register(user.client, authenticator, 'Work laptop');
    const list = await user.client.get('/api/auth/passkeys');
    expect(list.body).toEqual([expect.objectContaining({ id: passkeyId, name: 'Work laptop', lastUsedAt: null })]);
    expect(JSON.stringify(list.body)).not.toMatch(/publicKey|credentialId/);
    expect((await securityEvents(user.client)).find((line) => line.event === 'passkey.added')?.details).toEqual({
      passkeyId,
      name: 'Work laptop',
    });
    const [row] = await api.app
      .get(DataSource)
      .query(`SELECT public_key, counter FROM passkey_credentials WHERE id = $1`, [passkeyId]);
    // A COSE EC2 public key (a CBOR map), never a private one: the private key stays on the authenticator.
    expect((row.public_key as Buffer)[0]).toBe(0xa5);
    expect(row.counter).toBe('0');
  });

  it('signs in with a passkey alone (usernameless), and then asks for it after the password', async () => {
    const user = await signUpUser(api);
    const { credential } = await register(user.client, authenticator);
    const { browser, answer } = await passkeySignIn(api, authenticator, credential);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ user: { id: user.userId }, secondFactorRequired: false });
    expect((await browser.get('/api/auth/me')).body.user.id).toBe(user.userId);
    // A passkey is a second factor: the password alone no longer signs in.
    const pending = await passwordStep(api, user.email);
    const options = await pending.post('/api/auth/sign-in/second-factor/passkey-options');
    expect(options.body.allowCredentials).toEqual([expect.objectContaining({ id: credential.id })]);
    const second = await pending.post('/api/auth/sign-in/second-factor/passkey', {
      response: authenticator.get(options.body, credential),
    });
    expect(second.status).toBe(200);
    expect((await pending.get('/api/auth/me')).status).toBe(200);
    const methods = (await securityEvents(user.client))
      .filter((line) => line.event === 'signed_in')
      .map((line) => line.details.method);
    expect(methods).toEqual(expect.arrayContaining(['passkey', 'password+passkey']));
  });

  describe('attacks', () => {
    let user: SignedUpUser;
    let credential: SoftwareCredential;
    beforeAll(async () => {
      user = await signUpUser(api);
      ({ credential } = await register(user.client, authenticator));
    });

    it('phishing: an assertion made for another origin is refused', async () => {
      const { answer } = await passkeySignIn(api, authenticator, credential, {
        origin: 'https://farmhand.example.net',
      });
      expect([answer.status, answer.body.error.code]).toEqual([401, 'passkey_invalid']);
      const options = await user.client.post('/api/auth/passkeys/registration-options');
      const { response } = authenticator.create(options.body, { origin: 'https://farmhand.example.net' });
      const saved = await user.client.post('/api/auth/passkeys', {
        name: 'Phished',
        password: TEST_PASSWORD,
        response,
      });
      expect(saved.body.error).toMatchObject({ code: 'passkey_invalid', field: 'response' });
    });

    it('phishing: an assertion scoped to another rpID is refused', async () => {
      const { answer } = await passkeySignIn(api, authenticator, credential, { rpId: 'farmhand.example.net' });
      expect([answer.status, answer.body.error.code]).toEqual([401, 'passkey_invalid']);
    });

    it('replay: a challenge works once, and only in the browser it was handed to', async () => {
      const { browser, assertion, answer } = await passkeySignIn(api, authenticator, credential);
      expect(answer.status).toBe(200);
      const replayed = await api.client().post('/api/auth/sign-in/passkey', { response: assertion });
      expect(replayed.status).toBe(401);
      const again = await browser.post('/api/auth/sign-in/passkey', { response: assertion });
      expect(again.status).toBe(401);
      // Options fetched in one browser, the assertion sent from another (no binding cookie there).
      const options = await browser.post('/api/auth/sign-in/passkey/options');
      const elsewhere = await api
        .client()
        .post('/api/auth/sign-in/passkey', { response: authenticator.get(options.body, credential) });
      expect([elsewhere.status, elsewhere.body.error.code]).toEqual([401, 'passkey_invalid']);
    });

    it("another account's passkey does not answer this account's second step", async () => {
      const other = await signUpUser(api);
      await register(other.client, authenticator);
      const pending = await passwordStep(api, other.email);
      const options = await pending.post('/api/auth/sign-in/second-factor/passkey-options');
      const stolen = await pending.post('/api/auth/sign-in/second-factor/passkey', {
        response: authenticator.get(options.body, credential),
      });
      expect([stolen.status, stolen.body.error.code]).toEqual([401, 'passkey_invalid']);
      expect((await securityEvents(other.client)).map((line) => line.event)).toContain('second_factor.failed');
    });

    it('a cloned authenticator: a counter that goes backwards is refused and logged', async () => {
      expect((await passkeySignIn(api, authenticator, credential, { counter: 40 })).answer.status).toBe(200);
      const clone = await passkeySignIn(api, authenticator, credential, { counter: 12 });
      expect([clone.answer.status, clone.answer.body.error.code]).toEqual([401, 'passkey_invalid']);
      const same = await passkeySignIn(api, authenticator, credential, { counter: 40 });
      expect(same.answer.status).toBe(401);
      expect((await securityEvents(user.client)).map((line) => line.event)).toContain('passkey.counter_regressed');
      expect((await passkeySignIn(api, authenticator, credential, { counter: 41 })).answer.status).toBe(200);
    });

    it('usernameless sign-in needs user verification, and the user handle of the account', async () => {
      const noUv = await passkeySignIn(api, authenticator, credential, { flags: FLAG_UP });
      expect(noUv.answer.status).toBe(401);
      const other = await signUpUser(api);
      const wrongHandle = await passkeySignIn(api, authenticator, credential, {
        userHandle: Buffer.from(other.userId).toString('base64url'),
      });
      expect(wrongHandle.answer.status).toBe(401);
    });

    it('a removed passkey signs nobody in; removal needs the password and is logged', async () => {
      const victim = await signUpUser(api);
      const registered = await register(victim.client, authenticator);
      const wrong = await victim.client.request('DELETE', `/api/auth/passkeys/${registered.passkeyId}`, {
        password: 'not the password at all',
      });
      expect(wrong.body.error).toMatchObject({ code: 'wrong_password', field: 'password' });
      const removed = await victim.client.request('DELETE', `/api/auth/passkeys/${registered.passkeyId}`, {
        password: TEST_PASSWORD,
      });
      expect(removed.status).toBe(204);
      expect((await victim.client.get('/api/auth/passkeys')).body).toEqual([]);
      expect((await securityEvents(victim.client)).map((line) => line.event)).toContain('passkey.removed');
      const { answer } = await passkeySignIn(api, authenticator, registered.credential);
      expect(answer.status).toBe(401);
    });

    it("another account cannot list or remove this account's passkeys", async () => {
      const other = await signUpUser(api);
      const mine = (await user.client.get('/api/auth/passkeys')).body[0].id as string;
      expect((await other.client.get('/api/auth/passkeys')).body).toEqual([]);
      const attempt = await other.client.request('DELETE', `/api/auth/passkeys/${mine}`, { password: TEST_PASSWORD });
      expect([attempt.status, attempt.body.error.code]).toEqual([404, 'passkey_not_found']);
      expect((await api.client().get('/api/auth/passkeys')).status).toBe(401);
      expect((await api.client().post('/api/auth/passkeys/registration-options')).status).toBe(401);
    });

    it('wrong second-factor passkeys end the pending sign-in like wrong codes', async () => {
      const pending = await passwordStep(api, user.email);
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const options = await pending.post('/api/auth/sign-in/second-factor/passkey-options');
        const wrong = await pending.post('/api/auth/sign-in/second-factor/passkey', {
          response: authenticator.get(options.body, credential, { origin: 'https://elsewhere.example' }),
        });
        expect(wrong.status).toBe(401);
      }
      const options = await pending.post('/api/auth/sign-in/second-factor/passkey-options');
      expect([options.status, options.body.error.code]).toEqual([401, 'sign_in_expired']);
    });
  });

  it('refuses hostile and missing input, naming the field', async () => {
    const user = await signUpUser(api);
    const options = await user.client.post('/api/auth/passkeys/registration-options');
    const { response } = authenticator.create(options.body);
    for (const name of ['Lap\u0000top', 'Lap\ud800top', '', 'x'.repeat(101)]) {
      const answer = await user.client.post('/api/auth/passkeys', { name, password: TEST_PASSWORD, response });
      expect({ name, status: answer.status, field: answer.body.error.field }).toEqual({
        name,
        status: 400,
        field: 'name',
      });
    }
    const notObject = await user.client.post('/api/auth/passkeys', {
      name: 'x',
      password: TEST_PASSWORD,
      response: 'x',
    });
    expect(notObject.body.error.field).toBe('response');
    const bad = await api.client().post('/api/auth/sign-in/passkey', { response: { id: 'x\u0000' } });
    expect(bad.status).toBe(400);
    expect((await user.client.request('DELETE', '/api/auth/passkeys/not-a-uuid', { password: 'x' })).status).toBe(400);
  });

  it('counts as the second factor an organization requires; its last one cannot be removed', async () => {
    const team = await createTeam(api, 'Passkey Farm');
    const path = `/api/orgs/${team.orgId}/security`;
    expect((await team.owner.client.request('PUT', path, { requireTwoFactor: true })).body.error.code).toBe(
      'enrol_first',
    );
    const owner = await register(team.owner.client, authenticator);
    expect((await team.owner.client.request('PUT', path, { requireTwoFactor: true })).status).toBe(200);
    expect((await team.owner.client.get(`/api/orgs/${team.orgId}/fleets`)).status).toBe(200);
    // An admin without a second factor is held back until they add a passkey.
    expect((await team.admin.client.get(`/api/orgs/${team.orgId}/fleets`)).body.error.code).toBe('two_factor_required');
    await register(team.admin.client, authenticator);
    expect((await team.admin.client.get(`/api/orgs/${team.orgId}/fleets`)).status).toBe(200);
    const last = await team.owner.client.request('DELETE', `/api/auth/passkeys/${owner.passkeyId}`, {
      password: TEST_PASSWORD,
    });
    expect([last.status, last.body.error.code]).toEqual([409, 'two_factor_required']);
    const second = await register(team.owner.client, authenticator, 'Backup key');
    expect(
      (await team.owner.client.request('DELETE', `/api/auth/passkeys/${owner.passkeyId}`, { password: TEST_PASSWORD }))
        .status,
    ).toBe(204);
    expect(second.passkeyId).toBeDefined();
  });

  it("the authenticator app cannot be turned off when it is an owner's last factor and 2FA is required", async () => {
    const team = await createTeam(api, 'TOTP Farm');
    const started = await team.owner.client.post('/api/auth/two-factor/totp');
    const confirm = await team.owner.client.post('/api/auth/two-factor/totp/confirm', {
      code: await generate({ secret: started.body.secret, period: 30 }),
      password: TEST_PASSWORD,
    });
    const codes = confirm.body.recoveryCodes as string[];
    const path = `/api/orgs/${team.orgId}/security`;
    expect((await team.owner.client.request('PUT', path, { requireTwoFactor: true })).status).toBe(200);
    const off = await team.owner.client.post('/api/auth/two-factor/disable', {
      password: TEST_PASSWORD,
      code: codes[0],
    });
    expect([off.status, off.body.error.code]).toEqual([409, 'two_factor_required']);
    expect((await team.owner.client.get('/api/auth/two-factor')).body.totpEnabled).toBe(true);
    await register(team.owner.client, authenticator);
    const offNow = await team.owner.client.post('/api/auth/two-factor/disable', {
      password: TEST_PASSWORD,
      code: codes[1],
    });
    expect(offNow.status).toBe(204);
  });

  it('throttled: wrong passkeys spend the same per-account and per-client budgets as wrong passwords', async () => {
    const strict = await startApi({ LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '4', LOGIN_MAX_ATTEMPTS_PER_CLIENT: '6' });
    try {
      const publicUrl = new URL(strict.config.PUBLIC_URL);
      const device = new SoftwareAuthenticator(publicUrl.origin, publicUrl.hostname);
      const user = await signUpUser(strict);
      const { credential } = await register(user.client, device);
      // Four per account: the password step and two wrong passkeys; a second password step; then the account is spent.
      const pending = await passwordStep(strict, user.email);
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const options = await pending.post('/api/auth/sign-in/second-factor/passkey-options');
        const wrong = await pending.post('/api/auth/sign-in/second-factor/passkey', {
          response: device.get(options.body, credential, { rpId: 'elsewhere.example' }),
        });
        expect(wrong.status).toBe(401);
      }
      const other = await passwordStep(strict, user.email);
      const options = await other.post('/api/auth/sign-in/second-factor/passkey-options');
      const late = await other.post('/api/auth/sign-in/second-factor/passkey', {
        response: device.get(options.body, credential),
      });
      expect([late.status, late.body.error.code]).toEqual([429, 'too_many_attempts']);
      // Signing in with the passkey alone names the same account, whose budget is spent: no way around the throttle.
      const usernameless = await passkeySignIn(strict, device, credential);
      expect([usernameless.answer.status, usernameless.answer.body.error.code]).toEqual([429, 'too_many_attempts']);
    } finally {
      await strict.close();
    }
  });
});
