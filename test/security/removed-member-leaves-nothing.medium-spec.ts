import { DASHBOARD_EVENTS, DASHBOARD_NAMESPACE, type ClosingMessage } from '@farmhand/dashboard';
import {
  addMember,
  createTeam,
  signUpUser,
  uniqueEmail,
  type Member,
  type Team,
  createApiKey,
} from '@farmhand/factories';
import { startApi, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';

/**
 * A member who is removed (or leaves) takes with them what they made that would keep working without them: the API
 * keys they created and the invitations they sent are revoked in the same transaction, each audited with the
 * reason, and the keys' open sockets are closed. Revoking was chosen over requiring a transfer: nothing of a
 * departed admin's keeps working by default, and whoever needs the automation creates a key of their own.
 */
describe('a removed member leaves nothing that still works', () => {
  let api: ApiHarness;
  let team: Team;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await api.close();
  });

  const org = () => `/api/orgs/${team.orgId}`;
  const db = () => api.app.get(DataSource);

  function keyClient(key: string): HttpClient {
    const client = api.client();
    client.bearer = key;
    return client;
  }

  async function keyOf(member: { client: HttpClient }): Promise<{ id: string; client: HttpClient; key: string }> {
    const created = await createApiKey(member.client, team.orgId, { name: 'ci', scopes: ['read:Printer'] });
    return { id: created.id, client: keyClient(created.key), key: created.key };
  }

  async function invitationOf(member: { client: HttpClient }, role = 'admin') {
    const email = uniqueEmail('invitee');
    const invitation = await member.client.post(`${org()}/invitations`, { email, role });
    expect(invitation.status).toBe(201);
    return { id: invitation.body.invitation.id as string, token: invitation.body.token as string, email };
  }

  const audit = (subjectId: string) =>
    db().query(`SELECT action, details FROM audit_entries WHERE subject_id = $1 ORDER BY created_at`, [subjectId]);

  it("a removed admin's API keys answer 401 at once, and each revocation is audited", async () => {
    const admin = await addMember(api, team.owner.client, team.orgId, 'admin');
    const key = await keyOf(admin);
    const ownersKey = await keyOf(team.owner);
    expect((await key.client.get(`${org()}/printers`)).status).toBe(200);

    expect((await team.owner.client.delete(`${org()}/members/${admin.membershipId}`)).status).toBe(204);

    expect((await key.client.get(`${org()}/printers`)).status).toBe(401);
    expect((await ownersKey.client.get(`${org()}/printers`)).status).toBe(200);
    expect(await audit(key.id)).toContainEqual({
      action: 'apiKey.revoked',
      details: expect.objectContaining({ reason: 'creator_left', userId: admin.userId }),
    });
    const listed = await team.owner.client.get(`${org()}/api-keys`);
    expect(listed.body.find((row: { id: string }) => row.id === key.id).revokedAt).not.toBeNull();
  });

  it("a removed admin's pending admin invitation cannot be accepted", async () => {
    const admin = await addMember(api, team.owner.client, team.orgId, 'admin');
    const invitation = await invitationOf(admin);
    const ownersInvitation = await invitationOf(team.owner, 'viewer');

    expect((await team.owner.client.delete(`${org()}/members/${admin.membershipId}`)).status).toBe(204);

    const invitee = await signUpUser(api, { email: invitation.email });
    const accepted = await invitee.client.post('/api/invitations/accept', { token: invitation.token });
    expect(accepted.status).toBe(410);
    expect(accepted.body.error.code).toBe('invitation_used');
    expect((await api.client().get(`/api/invitations/${invitation.token}`)).status).toBe(410);
    expect((await invitee.client.get(org())).status).toBe(404);
    expect(await audit(invitation.id)).toContainEqual({
      action: 'invitation.revoked',
      details: expect.objectContaining({ reason: 'inviter_left', userId: admin.userId }),
    });

    // Someone else's invitation is untouched.
    const other = await signUpUser(api, { email: ownersInvitation.email });
    expect((await other.client.post('/api/invitations/accept', { token: ownersInvitation.token })).status).toBe(201);
  });

  it('a member who leaves on their own leaves no working key or invitation either', async () => {
    const admin: Member = await addMember(api, team.owner.client, team.orgId, 'admin');
    const key = await keyOf(admin);
    const invitation = await invitationOf(admin, 'viewer');
    expect((await admin.client.post(`${org()}/leave`)).status).toBe(204);
    expect((await key.client.get(`${org()}/printers`)).status).toBe(401);
    const invitee = await signUpUser(api, { email: invitation.email });
    expect((await invitee.client.post('/api/invitations/accept', { token: invitation.token })).status).toBe(410);
  });

  it("a removed admin's key is cut off on its open dashboard socket too", async () => {
    const admin = await addMember(api, team.owner.client, team.orgId, 'admin');
    const { key } = await keyOf(admin);
    const socket = io(`${api.url}${DASHBOARD_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { orgId: team.orgId, token: key },
    });
    sockets.push(socket);
    const closing = new Promise<ClosingMessage>((resolve) => socket.once(DASHBOARD_EVENTS.closing, resolve));
    await new Promise<void>((resolve, reject) => {
      socket.once(DASHBOARD_EVENTS.resync, () => resolve());
      socket.once('connect_error', reject);
    });
    expect((await team.owner.client.delete(`${org()}/members/${admin.membershipId}`)).status).toBe(204);
    expect((await closing).code).toBe('api_key_revoked');
  });
});
