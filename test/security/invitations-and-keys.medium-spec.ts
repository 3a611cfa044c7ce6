import { createTeam, signUpUser, uniqueEmail, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';

describe('invitations and API keys', () => {
  let api: ApiHarness;
  let team: Team;
  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api);
  });
  afterAll(() => api.close());

  it('rejects invitation replay: a link works once', async () => {
    const email = uniqueEmail();
    const invitation = await team.admin.client.post(`/api/orgs/${team.orgId}/invitations`, { email, role: 'viewer' });
    const invitee = await signUpUser(api, { email });
    expect((await invitee.client.post('/api/invitations/accept', { token: invitation.body.token })).status).toBe(201);
    const replay = await invitee.client.post('/api/invitations/accept', { token: invitation.body.token });
    expect(replay.status).toBe(410);
  });

  it('two concurrent accepts of one invitation succeed once', async () => {
    const email = uniqueEmail();
    const invitation = await team.admin.client.post(`/api/orgs/${team.orgId}/invitations`, { email, role: 'viewer' });
    const invitee = await signUpUser(api, { email });
    const results = await Promise.all(
      [1, 2, 3].map(() => invitee.client.post('/api/invitations/accept', { token: invitation.body.token })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 410 || r.status === 409)).toBe(true);
  });

  it('rejects a forwarded invitation accepted by someone else', async () => {
    const invitation = await team.admin.client.post(`/api/orgs/${team.orgId}/invitations`, {
      email: uniqueEmail(),
      role: 'admin',
    });
    const stranger = await signUpUser(api);
    const attempt = await stranger.client.post('/api/invitations/accept', { token: invitation.body.token });
    expect(attempt.status).toBe(403);
    expect(attempt.body.error.code).toBe('invitation_email_mismatch');
  });

  it('rejects a guessed invitation token and a revoked one', async () => {
    const invitation = await team.admin.client.post(`/api/orgs/${team.orgId}/invitations`, {
      email: uniqueEmail(),
      role: 'viewer',
    });
    const guessed = invitation.body.token.slice(0, -4) + 'AAAA';
    expect((await api.client().get(`/api/invitations/${guessed}`)).status).toBe(404);
    expect((await api.client().get(`/api/invitations/${invitation.body.token}`)).status).toBe(200);
    await team.admin.client.delete(`/api/orgs/${team.orgId}/invitations/${invitation.body.invitation.id}`);
    expect((await api.client().get(`/api/invitations/${invitation.body.token}`)).status).toBe(410);
  });

  it('rejects an expired invitation', async () => {
    const shortLived = await startApi({ INVITATION_TTL_HOURS: '1' });
    try {
      const owner = await signUpUser(shortLived, { organizationName: 'Expiry' });
      const email = uniqueEmail();
      const invitation = await owner.client.post(`/api/orgs/${owner.orgId}/invitations`, { email, role: 'viewer' });
      await shortLived.app.get(DataSource).query(`UPDATE invitations SET expires_at = now() - interval '1 minute'`);
      const invitee = await signUpUser(shortLived, { email });
      expect((await invitee.client.post('/api/invitations/accept', { token: invitation.body.token })).status).toBe(410);
    } finally {
      await shortLived.close();
    }
  });

  it('shows an API key once, stores only its hash, and honours its scopes', async () => {
    const created = await team.admin.client.post(`/api/orgs/${team.orgId}/api-keys`, {
      name: 'wallboard',
      scopes: ['read:Printer', 'pause:Printer'],
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^fh_key_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);
    const listed = await team.admin.client.get(`/api/orgs/${team.orgId}/api-keys`);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key.slice(-20));
    expect(listed.body[0]).not.toHaveProperty('secretHash');

    const client = api.client();
    client.bearer = created.body.key;
    expect((await client.get(`/api/orgs/${team.orgId}/printers`)).status).toBe(200);
    expect((await client.patch(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`, { tags: ['x'] })).status).toBe(
      403,
    );
    expect((await client.get(`/api/orgs/${team.orgId}/members`)).status).toBe(403);
    expect((await client.get('/api/auth/me')).status).toBe(403);
  });

  it('a revoked API key stops working at once', async () => {
    const created = await team.admin.client.post(`/api/orgs/${team.orgId}/api-keys`, {
      name: 'temp',
      scopes: ['read:Printer'],
    });
    const client = api.client();
    client.bearer = created.body.key;
    expect((await client.get(`/api/orgs/${team.orgId}/printers`)).status).toBe(200);
    expect((await team.admin.client.delete(`/api/orgs/${team.orgId}/api-keys/${created.body.apiKey.id}`)).status).toBe(
      204,
    );
    expect((await client.get(`/api/orgs/${team.orgId}/printers`)).status).toBe(401);
  });

  it('an API key of org A is worth nothing in org B', async () => {
    const created = await team.admin.client.post(`/api/orgs/${team.orgId}/api-keys`, {
      name: 'a',
      scopes: ['read:Printer'],
    });
    const orgB = await signUpUser(api, { organizationName: 'B' });
    const client = api.client();
    client.bearer = created.body.key;
    expect((await client.get(`/api/orgs/${orgB.orgId}/printers`)).status).toBe(404);
  });

  it('refuses scopes that would let a key manage members or keys', async () => {
    const response = await team.admin.client.post(`/api/orgs/${team.orgId}/api-keys`, {
      name: 'evil',
      scopes: ['manage:Member'],
    });
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe('scopes');
  });
});
