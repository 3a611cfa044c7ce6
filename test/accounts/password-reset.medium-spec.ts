import { addMember, createTeam, signUpUser, TEST_PASSWORD, uniqueEmail, type Team } from '@farmhand/factories';
import { captureAccountMail, startApi, type ApiHarness, type HttpResult } from '@farmhand/testing';
import { generate } from 'otplib';
import { DataSource } from 'typeorm';

const NEW_PASSWORD = 'amber otter lighthouse 93 quarry';

/** What a caller can observe of an answer, less what differs on every request anyway. */
function shape(response: HttpResult) {
  const headers = [...response.headers.keys()].filter((name) => !['date', 'x-request-id'].includes(name)).sort();
  return { status: response.status, body: response.body, headers, cookies: response.headers.getSetCookie() };
}

describe('password reset by a single-use, short-lived link', () => {
  let api: ApiHarness;
  let mail: ReturnType<typeof captureAccountMail>;
  beforeAll(async () => {
    api = await startApi({ LOGIN_MAX_ATTEMPTS_PER_CLIENT: '1000', SIGNUP_MAX_PER_CLIENT: '1000' });
    mail = captureAccountMail(api);
  });
  afterAll(() => api.close());

  it('enumeration: a reset request answers the same for a known and an unknown address; only the known one gets mail', async () => {
    const user = await signUpUser(api);
    const unknown = uniqueEmail('nobody');
    const known = await api.client().post('/api/auth/password-reset/request', { email: user.email });
    const missing = await api.client().post('/api/auth/password-reset/request', { email: unknown });
    expect(shape(known)).toEqual(shape(missing));
    expect(known.status).toBe(202);
    expect(known.body).toEqual({ status: 'check_email' });
    await mail.token(user.email, 'password_reset');
    expect(mail.mails.some((sent) => sent.to === unknown)).toBe(false);
  });

  it('enumeration: sign-up answers the same for a taken and a new address; the taken address gets a mail, not a session', async () => {
    const user = await signUpUser(api);
    const body = { password: 'someone else entirely 77', displayName: 'Mallory' };
    const taken = await api.client().post('/api/auth/sign-up', { ...body, email: user.email });
    const fresh = await api.client().post('/api/auth/sign-up', { ...body, email: uniqueEmail('fresh') });
    expect(shape(taken)).toEqual(shape(fresh));
    expect(taken.status).toBe(202);
    const sent = await mail.token(user.email, 'password_reset');
    expect(sent).toMatch(/^fh_reset_/);
    // The owner of the address keeps their password.
    expect((await api.client().post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD })).status).toBe(
      200,
    );
  });

  it('resets with the mailed link: every session ends, the old password stops working; reused link refused', async () => {
    const user = await signUpUser(api);
    const before = mail.mails.length;
    await api.client().post('/api/auth/password-reset/request', { email: user.email.toUpperCase() });
    const token = await mail.token(user.email, 'password_reset');
    expect(mail.mails.length).toBeGreaterThan(before);
    const db = api.app.get(DataSource);
    const [row] = await db.query(`SELECT secret_hash FROM account_tokens WHERE user_id = $1`, [user.userId]);
    expect(token).not.toContain(row.secret_hash);

    const weak = await api.client().post('/api/auth/password-reset', { token, newPassword: 'password1234' });
    expect([weak.status, weak.body.error.code]).toEqual([400, 'weak_password']);
    const done = await api.client().post('/api/auth/password-reset', { token, newPassword: NEW_PASSWORD });
    expect(done.status).toBe(200);
    expect((await user.client.get('/api/auth/me')).status).toBe(401);
    expect((await api.client().post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD })).status).toBe(
      401,
    );
    const again = api.client();
    expect((await again.post('/api/auth/sign-in', { email: user.email, password: NEW_PASSWORD })).status).toBe(200);

    const reused = await api
      .client()
      .post('/api/auth/password-reset', { token, newPassword: 'yet another fine passphrase 5' });
    expect([reused.status, reused.body.error.code]).toEqual([400, 'invalid_token']);
    const events = (await again.get('/api/auth/security-log')).body.map((entry: { event: string }) => entry.event);
    expect(events).toContain('password.reset');
  });

  it('rejects an expired reset link, and a newer link retires the older one', async () => {
    const user = await signUpUser(api);
    await api.client().post('/api/auth/password-reset/request', { email: user.email });
    const first = await mail.token(user.email, 'password_reset');
    await api.client().post('/api/auth/password-reset/request', { email: user.email });
    const second = await mail.token(user.email, 'password_reset', 1);
    const retired = await api.client().post('/api/auth/password-reset', { token: first, newPassword: NEW_PASSWORD });
    expect([retired.status, retired.body.error.code]).toEqual([400, 'invalid_token']);
    await api.app
      .get(DataSource)
      .query(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.userId]);
    const expired = await api.client().post('/api/auth/password-reset', { token: second, newPassword: NEW_PASSWORD });
    expect([expired.status, expired.body.error.code]).toEqual([400, 'invalid_token']);
    expect((await api.client().post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD })).status).toBe(
      200,
    );
  });

  it('forged and hostile tokens are 400 invalid_token, never 500', async () => {
    for (const token of [
      'fh_reset_00000000-0000-0000-0000-000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'nonsense',
      "fh_reset_' OR 1=1 --_xxxxxxxxxxxxxxxxxxxxxxxx",
    ]) {
      const response = await api.client().post('/api/auth/password-reset', { token, newPassword: NEW_PASSWORD });
      expect([response.status, response.body.error.code]).toEqual([400, 'invalid_token']);
    }
    const bad = await api.client().post('/api/auth/password-reset/request', { email: 'not-an-email' });
    expect(bad.status).toBe(400);
  });

  it('a reset does not get past two-factor sign-in', async () => {
    const user = await signUpUser(api);
    const started = await user.client.post('/api/auth/two-factor/totp');
    await user.client.post('/api/auth/two-factor/totp/confirm', {
      code: await generate({ secret: started.body.secret, period: 30 }),
      password: TEST_PASSWORD,
    });
    await api.client().post('/api/auth/password-reset/request', { email: user.email });
    const token = await mail.token(user.email, 'password_reset');
    expect((await api.client().post('/api/auth/password-reset', { token, newPassword: NEW_PASSWORD })).status).toBe(
      200,
    );
    const signIn = await api.client().post('/api/auth/sign-in', { email: user.email, password: NEW_PASSWORD });
    expect(signIn.body).toEqual({ user: null, secondFactorRequired: true });
  });

  describe('without SMTP, an owner makes a reset link for a member', () => {
    let team: Team;
    let otherTeam: Team;
    beforeAll(async () => {
      team = await createTeam(api, 'Reset farm');
      otherTeam = await createTeam(api, 'Neighbour farm');
    });
    const linkFor = (client: Team['owner']['client'], orgId: string, memberId: string) =>
      client.post(`/api/orgs/${orgId}/members/${memberId}/password-reset-link`);

    it('owner: a one-use link, audited and in the member’s own security log', async () => {
      const made = await linkFor(team.owner.client, team.orgId, team.viewer.membershipId);
      expect(made.status).toBe(201);
      expect(made.body.url).toMatch(/\/reset-password#token=fh_reset_/);
      const token = (made.body.url as string).split('#token=')[1]!;
      expect((await api.client().post('/api/auth/password-reset', { token, newPassword: NEW_PASSWORD })).status).toBe(
        200,
      );
      expect((await team.viewer.client.get('/api/auth/me')).status).toBe(401);
      const audit = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?limit=50`);
      expect(JSON.stringify(audit.body)).toContain('member.passwordResetLinkCreated');
      const viewer = api.client();
      await viewer.post('/api/auth/sign-in', { email: team.viewer.email, password: NEW_PASSWORD });
      const events = (await viewer.get('/api/auth/security-log')).body.map((entry: { event: string }) => entry.event);
      expect(events).toEqual(expect.arrayContaining(['password_reset_link.created_by_owner', 'password.reset']));
    });

    it('wrong role: an admin or operator cannot; wrong org: another org’s owner gets 404', async () => {
      const admin = await linkFor(team.admin.client, team.orgId, team.operator.membershipId);
      expect([admin.status, admin.body.error.code]).toEqual([403, 'owner_only']);
      expect((await linkFor(team.operator.client, team.orgId, team.viewer.membershipId)).status).toBe(403);
      expect((await linkFor(otherTeam.owner.client, team.orgId, team.operator.membershipId)).status).toBe(404);
    });

    it('reset for another org’s member by an owner: 404 member_not_found', async () => {
      const response = await linkFor(team.owner.client, team.orgId, otherTeam.operator.membershipId);
      expect([response.status, response.body.error.code]).toEqual([404, 'member_not_found']);
    });

    it('refused for a member who also belongs to another organization, and for the owner themself', async () => {
      const shared = await addMember(api, otherTeam.owner.client, otherTeam.orgId, 'viewer');
      const invitation = await team.owner.client.post(`/api/orgs/${team.orgId}/invitations`, {
        email: shared.email,
        role: 'viewer',
      });
      const accepted = await shared.client.post('/api/invitations/accept', { token: invitation.body.token });
      expect(accepted.status).toBe(201);
      const response = await linkFor(team.owner.client, team.orgId, accepted.body.membershipId);
      expect([response.status, response.body.error.code]).toEqual([403, 'member_of_other_organizations']);
      const members = await team.owner.client.get(`/api/orgs/${team.orgId}/members`);
      const own = members.body.find((member: { userId: string }) => member.userId === team.owner.userId);
      const self = await linkFor(team.owner.client, team.orgId, own.id);
      expect([self.status, self.body.error.code]).toEqual([409, 'own_account']);
    });
  });

  it('with SMTP set, the owner link is refused (the member resets by email)', async () => {
    const withMail = await startApi({ SMTP_URL: 'smtp://127.0.0.1:9', EMAIL_VERIFICATION_REQUIRED: 'false' });
    try {
      const team = await createTeam(withMail, 'Mail farm');
      const response = await team.owner.client.post(
        `/api/orgs/${team.orgId}/members/${team.viewer.membershipId}/password-reset-link`,
      );
      expect([response.status, response.body.error.code]).toEqual([409, 'email_reset_available']);
    } finally {
      await withMail.close();
    }
  });
});

describe('email verification before creating or joining an organization', () => {
  let api: ApiHarness;
  let mail: ReturnType<typeof captureAccountMail>;
  beforeAll(async () => {
    api = await startApi({ EMAIL_VERIFICATION_REQUIRED: 'true', SIGNUP_MAX_PER_CLIENT: '1000' });
    mail = captureAccountMail(api);
  });
  afterAll(() => api.close());

  it('an unverified account cannot create or join an organization; the mailed link verifies it once', async () => {
    const user = await signUpUser(api, { organizationName: 'Too early' });
    expect(user.orgId).toBeNull();
    expect((await user.client.get('/api/auth/profile')).body).toMatchObject({
      emailVerified: false,
      emailVerificationRequired: true,
    });
    const create = await user.client.post('/api/orgs', { name: 'Farm' });
    expect([create.status, create.body.error.code]).toEqual([403, 'email_not_verified']);

    const token = await mail.token(user.email, 'email_verification');
    expect(token).toMatch(/^fh_verify_/);
    const verified = await api.client().post('/api/auth/verify-email', { token });
    expect(verified.status).toBe(200);
    const reused = await api.client().post('/api/auth/verify-email', { token });
    expect([reused.status, reused.body.error.code]).toEqual([400, 'invalid_token']);
    expect((await user.client.get('/api/auth/profile')).body.emailVerified).toBe(true);
    const created = await user.client.post('/api/orgs', { name: 'Farm' });
    expect(created.status).toBe(201);

    // Joining: an invitation cannot be accepted before verifying either.
    const invitee = await signUpUser(api);
    const invitation = await user.client.post(`/api/orgs/${created.body.id}/invitations`, {
      email: invitee.email,
      role: 'viewer',
    });
    const early = await invitee.client.post('/api/invitations/accept', { token: invitation.body.token });
    expect([early.status, early.body.error.code]).toEqual([403, 'email_not_verified']);
    const resent = await invitee.client.post('/api/auth/verify-email/resend');
    expect(resent.body).toEqual({ sent: true });
    const second = await mail.token(invitee.email, 'email_verification', 1);
    const first = await mail.token(invitee.email, 'email_verification', 0);
    expect((await api.client().post('/api/auth/verify-email', { token: first })).status).toBe(400);
    expect((await api.client().post('/api/auth/verify-email', { token: second })).status).toBe(200);
    expect((await invitee.client.post('/api/invitations/accept', { token: invitation.body.token })).status).toBe(201);
  });

  it('a hostile or forged verification token is 400', async () => {
    for (const token of ['x', 'fh_verify_00000000-0000-0000-0000-000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAA', 42]) {
      const response = await api.client().post('/api/auth/verify-email', { token });
      expect(response.status).toBe(400);
    }
  });
});
