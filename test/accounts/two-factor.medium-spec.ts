import { createTeam, signUpUser, TEST_PASSWORD, type SignedUpUser, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { generate } from 'otplib';
import { DataSource } from 'typeorm';

/** A code of the authenticator `offsetSteps` 30-second steps from now. */
function codeAt(secret: string, offsetSteps = 0): Promise<string> {
  return generate({ secret, period: 30, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
}

interface Enrolled {
  secret: string;
  recoveryCodes: string[];
  /** The code that confirmed the enrolment. */
  usedCode: string;
}

async function enrol(client: HttpClient): Promise<Enrolled> {
  const started = await client.post('/api/auth/two-factor/totp');
  expect(started.status).toBe(200);
  const usedCode = await codeAt(started.body.secret);
  const confirmed = await client.post('/api/auth/two-factor/totp/confirm', { code: usedCode, password: TEST_PASSWORD });
  expect(confirmed.status).toBe(200);
  return { secret: started.body.secret, recoveryCodes: confirmed.body.recoveryCodes, usedCode };
}

/** Password step; returns the client holding the pending sign-in cookie. */
async function passwordStep(api: ApiHarness, email: string): Promise<HttpClient> {
  const client = api.client();
  const response = await client.post('/api/auth/sign-in', { email, password: TEST_PASSWORD });
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ user: null, secondFactorRequired: true });
  expect(client.cookie('fh_session')).toBeUndefined();
  return client;
}

describe('two-factor sign-in (TOTP and recovery codes)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '50', LOGIN_MAX_ATTEMPTS_PER_CLIENT: '1000' });
  });
  afterAll(() => api.close());

  it('enrols with a QR code and a first code; the secret is encrypted and the recovery codes hashed at rest', async () => {
    const user = await signUpUser(api);
    expect((await user.client.get('/api/auth/two-factor')).body).toEqual({
      totpEnabled: false,
      enabledAt: null,
      recoveryCodesLeft: 0,
    });
    const started = await user.client.post('/api/auth/two-factor/totp');
    expect(started.status).toBe(200);
    expect(started.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(started.body.otpauthUri).toContain(`secret=${started.body.secret}`);

    const wrongCode = await user.client.post('/api/auth/two-factor/totp/confirm', {
      code: (await codeAt(started.body.secret, -3)) as string,
      password: TEST_PASSWORD,
    });
    expect([wrongCode.status, wrongCode.body.error.code]).toEqual([400, 'invalid_code']);
    const wrongPassword = await user.client.post('/api/auth/two-factor/totp/confirm', {
      code: await codeAt(started.body.secret),
      password: 'not the password at all',
    });
    expect([wrongPassword.status, wrongPassword.body.error.code]).toEqual([400, 'wrong_password']);

    const confirmed = await user.client.post('/api/auth/two-factor/totp/confirm', {
      code: await codeAt(started.body.secret),
      password: TEST_PASSWORD,
    });
    expect(confirmed.status).toBe(200);
    const codes: string[] = confirmed.body.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect((await user.client.get('/api/auth/two-factor')).body).toMatchObject({
      totpEnabled: true,
      recoveryCodesLeft: 10,
    });
    const again = await user.client.post('/api/auth/two-factor/totp');
    expect([again.status, again.body.error.code]).toEqual([409, 'two_factor_enabled']);

    const db = api.app.get(DataSource);
    const [row] = await db.query(`SELECT secret_encrypted FROM totp_credentials WHERE user_id = $1`, [user.userId]);
    expect(row.secret_encrypted).not.toContain(started.body.secret);
    const hashes: Array<{ code_hash: string }> = await db.query(
      `SELECT code_hash FROM recovery_codes WHERE user_id = $1`,
      [user.userId],
    );
    expect(hashes).toHaveLength(10);
    for (const { code_hash } of hashes) for (const code of codes) expect(code_hash).not.toContain(code);
  });

  describe('signing in', () => {
    let user: SignedUpUser;
    let enrolled: Enrolled;
    beforeAll(async () => {
      user = await signUpUser(api);
      enrolled = await enrol(user.client);
    });

    it('a password alone gives no session: the pending sign-in is not signed in', async () => {
      const pending = await passwordStep(api, user.email);
      expect((await pending.get('/api/auth/me')).status).toBe(401);
      const cookie = (
        await api.client().post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD })
      ).headers
        .getSetCookie()
        .find((value) => value.startsWith('fh_sign_in='))!;
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/Path=\/api\/auth/);
    });

    it('rejects a TOTP code replay: the code used at enrolment, then a code used for a sign-in', async () => {
      const pending = await passwordStep(api, user.email);
      // The very code that confirmed the enrolment, still inside the ±1 step window: refused.
      const replayed = await pending.post('/api/auth/sign-in/second-factor', { code: enrolled.usedCode });
      expect([replayed.status, replayed.body.error.code]).toEqual([401, 'invalid_code']);
      const next = await codeAt(enrolled.secret, 1);
      const signedIn = await pending.post('/api/auth/sign-in/second-factor', { code: next });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.user).toMatchObject({ id: user.userId, email: user.email });
      expect((await pending.get('/api/auth/me')).status).toBe(200);

      const replay = await passwordStep(api, user.email);
      const again = await replay.post('/api/auth/sign-in/second-factor', { code: next });
      expect([again.status, again.body.error.code]).toEqual([401, 'invalid_code']);
      expect((await replay.get('/api/auth/me')).status).toBe(401);
    });

    it('rejects a code from two steps away', async () => {
      const pending = await passwordStep(api, user.email);
      const old = await pending.post('/api/auth/sign-in/second-factor', { code: await codeAt(enrolled.secret, -2) });
      expect([old.status, old.body.error.code]).toEqual([401, 'invalid_code']);
      const far = await pending.post('/api/auth/sign-in/second-factor', { code: await codeAt(enrolled.secret, 3) });
      expect([far.status, far.body.error.code]).toEqual([401, 'invalid_code']);
    });

    it('a recovery code works once; a wrong one and a reused one are refused', async () => {
      const pending = await passwordStep(api, user.email);
      const wrong = await pending.post('/api/auth/sign-in/second-factor', { code: '00000-00000-00000-00000' });
      expect([wrong.status, wrong.body.error.code]).toEqual([401, 'invalid_code']);
      const used = enrolled.recoveryCodes[0]!;
      const ok = await pending.post('/api/auth/sign-in/second-factor', { code: used.toUpperCase() });
      expect(ok.status).toBe(200);
      expect((await pending.get('/api/auth/two-factor')).body.recoveryCodesLeft).toBe(9);

      const again = await passwordStep(api, user.email);
      const reused = await again.post('/api/auth/sign-in/second-factor', { code: used });
      expect([reused.status, reused.body.error.code]).toEqual([401, 'invalid_code']);
    });

    it('no pending sign-in, a forged one, or one already used: 401 sign_in_expired', async () => {
      const none = await api.client().post('/api/auth/sign-in/second-factor', { code: '123456' });
      expect([none.status, none.body.error.code]).toEqual([401, 'sign_in_expired']);
      const forged = api.client();
      forged.setCookie(
        'fh_sign_in',
        'fh_2fa_00000000-0000-0000-0000-000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      );
      const refused = await forged.post('/api/auth/sign-in/second-factor', { code: '123456' });
      expect([refused.status, refused.body.error.code]).toEqual([401, 'sign_in_expired']);

      const pending = await passwordStep(api, user.email);
      const token = pending.cookie('fh_sign_in')!;
      expect((await pending.post('/api/auth/sign-in/second-factor', { code: enrolled.recoveryCodes[1]! })).status).toBe(
        200,
      );
      const stolen = api.client();
      stolen.setCookie('fh_sign_in', token);
      const replay = await stolen.post('/api/auth/sign-in/second-factor', { code: enrolled.recoveryCodes[2]! });
      expect([replay.status, replay.body.error.code]).toEqual([401, 'sign_in_expired']);
    });

    it('hostile codes are 400 or 401, never 500', async () => {
      const pending = await passwordStep(api, user.email);
      for (const code of ['', 'x'.repeat(100), 123456, "' OR 1=1 --", '<script>alert(1)</script>']) {
        const response = await pending.post('/api/auth/sign-in/second-factor', { code });
        expect([400, 401]).toContain(response.status);
        expect(response.body.error.code).toBeTruthy();
      }
    });
  });

  it('throttled second factor: wrong codes spend the same per-account budget as wrong passwords', async () => {
    const strict = await startApi({ LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '6', LOGIN_MAX_ATTEMPTS_PER_CLIENT: '1000' });
    try {
      const user = await signUpUser(strict);
      const { secret } = await enrol(user.client);
      // Six per account: one password step, four wrong codes, a second password step; the right code comes too late.
      const pending = await passwordStep(strict, user.email);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt++)
        statuses.push((await pending.post('/api/auth/sign-in/second-factor', { code: '000000' })).status);
      expect(statuses).toEqual([401, 401, 401, 401]);
      const other = await passwordStep(strict, user.email);
      const late = await other.post('/api/auth/sign-in/second-factor', { code: await codeAt(secret, 1) });
      expect([late.status, late.body.error.code]).toEqual([429, 'too_many_attempts']);
      expect((await other.get('/api/auth/me')).status).toBe(401);
      const log = await user.client.get('/api/auth/security-log');
      expect(log.body.filter((entry: { event: string }) => entry.event === 'second_factor.failed')).toHaveLength(4);
    } finally {
      await strict.close();
    }
  });

  it('a pending sign-in dies after five wrong codes, even with budget left', async () => {
    const user = await signUpUser(api);
    const { secret } = await enrol(user.client);
    const pending = await passwordStep(api, user.email);
    for (let attempt = 0; attempt < 5; attempt++)
      expect((await pending.post('/api/auth/sign-in/second-factor', { code: '000000' })).status).toBe(401);
    const right = await pending.post('/api/auth/sign-in/second-factor', { code: await codeAt(secret, 1) });
    expect([right.status, right.body.error.code]).toEqual([401, 'sign_in_expired']);
  });

  it('turning it off needs the password and a code; sign-in is one step again', async () => {
    const user = await signUpUser(api);
    const { secret } = await enrol(user.client);
    const noCode = await user.client.post('/api/auth/two-factor/disable', { password: TEST_PASSWORD, code: '000000' });
    expect([noCode.status, noCode.body.error.code]).toEqual([400, 'invalid_code']);
    const noPassword = await user.client.post('/api/auth/two-factor/disable', {
      password: 'wrong password entirely',
      code: await codeAt(secret, 1),
    });
    expect([noPassword.status, noPassword.body.error.code]).toEqual([400, 'wrong_password']);
    expect(
      (
        await user.client.post('/api/auth/two-factor/disable', {
          password: TEST_PASSWORD,
          code: await codeAt(secret, 1),
        })
      ).status,
    ).toBe(204);
    const signedIn = await api.client().post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD });
    expect(signedIn.body).toMatchObject({ secondFactorRequired: false, user: { id: user.userId } });
    const events = (await user.client.get('/api/auth/security-log')).body.map(
      (entry: { event: string }) => entry.event,
    );
    expect(events).toEqual(expect.arrayContaining(['two_factor.enabled', 'two_factor.disabled', 'signed_in']));
  });

  it('new recovery codes need the password and replace the old ones', async () => {
    const user = await signUpUser(api);
    const { recoveryCodes } = await enrol(user.client);
    const wrong = await user.client.post('/api/auth/two-factor/recovery-codes', { password: 'nope nope nope nope' });
    expect(wrong.status).toBe(400);
    const fresh = await user.client.post('/api/auth/two-factor/recovery-codes', { password: TEST_PASSWORD });
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    const pending = await passwordStep(api, user.email);
    expect((await pending.post('/api/auth/sign-in/second-factor', { code: recoveryCodes[0]! })).status).toBe(401);
    expect((await pending.post('/api/auth/sign-in/second-factor', { code: fresh.body.recoveryCodes[0] })).status).toBe(
      200,
    );
  });

  describe('an organization that requires two-factor sign-in for owners and admins', () => {
    let team: Team;
    let otherTeam: Team;
    beforeAll(async () => {
      team = await createTeam(api, 'Strict farm');
      otherTeam = await createTeam(api, 'Other farm');
    });

    it('the owner must enrol first; admins and viewers cannot change it; another org cannot see it', async () => {
      const early = await team.owner.client.request('PUT', `/api/orgs/${team.orgId}/security`, {
        requireTwoFactor: true,
      });
      expect([early.status, early.body.error.code]).toEqual([409, 'enrol_first']);
      const admin = await team.admin.client.request('PUT', `/api/orgs/${team.orgId}/security`, {
        requireTwoFactor: false,
      });
      expect([admin.status, admin.body.error.code]).toEqual([403, 'owner_only']);
      const viewer = await team.viewer.client.request('PUT', `/api/orgs/${team.orgId}/security`, {
        requireTwoFactor: false,
      });
      expect(viewer.status).toBe(403);
      const stranger = await otherTeam.owner.client.request('PUT', `/api/orgs/${team.orgId}/security`, {
        requireTwoFactor: false,
      });
      expect(stranger.status).toBe(404);
      const hostile = await team.owner.client.request('PUT', `/api/orgs/${team.orgId}/security`, {
        requireTwoFactor: 'yes',
      });
      expect(hostile.status).toBe(400);
    });

    it('once on (audited), an admin without 2FA gets 403 two_factor_required until they enrol; operators are unaffected', async () => {
      await enrol(team.owner.client);
      const on = await team.owner.client.request('PUT', `/api/orgs/${team.orgId}/security`, { requireTwoFactor: true });
      expect(on.status).toBe(200);
      expect(on.body).toEqual({ requireTwoFactor: true });
      const audit = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?limit=50`);
      expect(JSON.stringify(audit.body)).toContain('organization.securityChanged');

      const blocked = await team.admin.client.get(`/api/orgs/${team.orgId}/printers`);
      expect([blocked.status, blocked.body.error.code]).toEqual([403, 'two_factor_required']);
      expect((await team.operator.client.get(`/api/orgs/${team.orgId}/printers`)).status).toBe(200);
      expect((await team.owner.client.get(`/api/orgs/${team.orgId}/printers`)).status).toBe(200);
      // Their own account still works, enrolment included.
      await enrol(team.admin.client);
      expect((await team.admin.client.get(`/api/orgs/${team.orgId}/printers`)).status).toBe(200);
      // Another organization is not affected.
      expect((await otherTeam.admin.client.get(`/api/orgs/${otherTeam.orgId}/printers`)).status).toBe(200);
    });
  });
});
