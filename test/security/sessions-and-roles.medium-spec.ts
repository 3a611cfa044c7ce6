import { addMember, createTeam, signUpUser, TEST_PASSWORD, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';

describe('sessions, role changes and removals take effect on the next request', () => {
  let api: ApiHarness;
  let team: Team;
  beforeAll(async () => {
    api = await startApi({ LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '3', LOGIN_MAX_ATTEMPTS_PER_CLIENT: '1000' });
    team = await createTeam(api);
  });
  afterAll(() => api.close());

  it('sets an httpOnly, SameSite session cookie that holds no user data', async () => {
    const client = api.client();
    const response = await client.post('/api/auth/sign-in', { email: team.viewer.email, password: TEST_PASSWORD });
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('fh_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toContain(team.viewer.userId);
  });

  it('sign-out revokes the session server-side: replaying the old cookie fails', async () => {
    const client = api.client();
    await client.post('/api/auth/sign-in', { email: team.viewer.email, password: TEST_PASSWORD });
    const stolen = client.cookie('fh_session')!;
    expect((await client.post('/api/auth/sign-out')).status).toBe(204);
    const replay = api.client();
    replay.setCookie('fh_session', stolen);
    expect((await replay.get('/api/auth/me')).status).toBe(401);
  });

  it('revoking another session locks that device out at once', async () => {
    const laptop = api.client();
    const phone = api.client();
    await laptop.post('/api/auth/sign-in', { email: team.operator.email, password: TEST_PASSWORD });
    await phone.post('/api/auth/sign-in', { email: team.operator.email, password: TEST_PASSWORD });
    const sessions = await laptop.get('/api/auth/sessions');
    const phoneSession = sessions.body.find(
      (s: { current: boolean; lastSeenAt: string }) => !s.current && sessions.body.length > 1,
    );
    expect(phoneSession).toBeDefined();
    // Revoke every other session of this user from the laptop.
    for (const session of sessions.body.filter((s: { current: boolean }) => !s.current)) {
      expect((await laptop.delete(`/api/auth/sessions/${session.id}`)).status).toBe(204);
    }
    expect((await phone.get('/api/auth/me')).status).toBe(401);
    expect((await laptop.get('/api/auth/me')).status).toBe(200);
  });

  it('a forged session cookie (right id, wrong secret) is refused', async () => {
    const client = api.client();
    await client.post('/api/auth/sign-in', { email: team.viewer.email, password: TEST_PASSWORD });
    const [prefix, id] = client
      .cookie('fh_session')!
      .split('_')
      .reduce<string[]>(
        (acc, part, index) => (index < 2 ? [acc[0] ? `${acc[0]}_${part}` : part] : index === 2 ? [acc[0]!, part] : acc),
        [],
      );
    const forged = api.client();
    forged.setCookie('fh_session', `${prefix}_${id}_${'A'.repeat(43)}`);
    expect((await forged.get('/api/auth/me')).status).toBe(401);
  });

  it('demoting an operator to viewer removes control on their very next request', async () => {
    const member = await addMember(api, team.owner.client, team.orgId, 'operator');
    const path = `/api/orgs/${team.orgId}/printers/${team.printerA.id}`;
    expect((await member.client.patch(path, { tags: ['pla'] })).status).toBe(200);
    expect(
      (await team.owner.client.patch(`/api/orgs/${team.orgId}/members/${member.membershipId}`, { role: 'viewer' }))
        .status,
    ).toBe(200);
    expect((await member.client.patch(path, { tags: ['pla'] })).status).toBe(403);
    expect((await member.client.get(path)).status).toBe(200);
  });

  it('limiting a member to one fleet hides the other fleet on the next request', async () => {
    const member = await addMember(api, team.owner.client, team.orgId, 'operator');
    expect((await member.client.get(`/api/orgs/${team.orgId}/printers/${team.printerB.id}`)).status).toBe(200);
    await team.owner.client.patch(`/api/orgs/${team.orgId}/members/${member.membershipId}`, {
      fleetIds: [team.fleetA],
    });
    expect((await member.client.get(`/api/orgs/${team.orgId}/printers/${team.printerB.id}`)).status).toBe(404);
  });

  it('a removed member loses the organization on their very next request', async () => {
    const member = await addMember(api, team.owner.client, team.orgId, 'operator');
    expect((await member.client.get(`/api/orgs/${team.orgId}/printers`)).status).toBe(200);
    expect((await team.admin.client.delete(`/api/orgs/${team.orgId}/members/${member.membershipId}`)).status).toBe(204);
    expect((await member.client.get(`/api/orgs/${team.orgId}/printers`)).status).toBe(404);
  });

  it('the last owner can neither leave nor be demoted', async () => {
    const owner = await signUpUser(api, { organizationName: 'Solo' });
    const members = await owner.client.get(`/api/orgs/${owner.orgId}/members`);
    const self = members.body[0];
    const demote = await owner.client.patch(`/api/orgs/${owner.orgId}/members/${self.id}`, { role: 'admin' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('last_owner');
    expect((await owner.client.post(`/api/orgs/${owner.orgId}/leave`)).status).toBe(409);
  });

  it('an admin cannot demote an owner nor make anyone owner', async () => {
    const ownerMembership = (await team.owner.client.get(`/api/orgs/${team.orgId}/members`)).body.find(
      (m: { userId: string }) => m.userId === team.owner.userId,
    );
    expect(
      (await team.admin.client.patch(`/api/orgs/${team.orgId}/members/${ownerMembership.id}`, { role: 'viewer' }))
        .status,
    ).toBe(403);
    expect(
      (await team.admin.client.patch(`/api/orgs/${team.orgId}/members/${team.viewer.membershipId}`, { role: 'owner' }))
        .status,
    ).toBe(403);
    expect(
      (await team.admin.client.post(`/api/orgs/${team.orgId}/invitations`, { email: 'x@example.test', role: 'owner' }))
        .status,
    ).toBe(403);
  });

  it('throttles sign-in per account: after repeated failures even the right password waits', async () => {
    const user = await signUpUser(api);
    const client = api.client();
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(
        (await client.post('/api/auth/sign-in', { email: user.email, password: 'wrong password here' })).status,
      ).toBe(401);
    }
    const blocked = await client.post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_attempts');
  });

  it('answers the same for an unknown account and a wrong password', async () => {
    const unknown = await api
      .client()
      .post('/api/auth/sign-in', { email: 'nobody@example.test', password: 'whatever it is' });
    const wrong = await api
      .client()
      .post('/api/auth/sign-in', { email: team.viewer.email, password: 'whatever it is' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('throttles sign-in per client address: spraying many accounts from one address is stopped', async () => {
    const strict = await startApi({ LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '100', LOGIN_MAX_ATTEMPTS_PER_CLIENT: '3' });
    try {
      const client = strict.client();
      for (let attempt = 0; attempt < 3; attempt++) {
        expect(
          (
            await client.post('/api/auth/sign-in', {
              email: `victim${attempt}@example.test`,
              password: 'guess guess guess',
            })
          ).status,
        ).toBe(401);
      }
      expect(
        (await client.post('/api/auth/sign-in', { email: 'victim9@example.test', password: 'guess guess guess' }))
          .status,
      ).toBe(429);
      // A spoofed X-Forwarded-For does not buy a fresh budget: the peer address is what counts.
      client.extraHeaders['x-forwarded-for'] = '198.51.100.77';
      expect(
        (await client.post('/api/auth/sign-in', { email: 'victim10@example.test', password: 'guess guess guess' }))
          .status,
      ).toBe(429);
    } finally {
      await strict.close();
    }
  });
});
