import { addMember, createTeam, signUpUser, type SignedUpUser, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness, type HttpClient } from '@farmhand/testing';

/**
 * What the per-route authorization matrix (authorization-matrix-*.medium-spec.ts, every route as every caller) does
 * not show: an organization's own deletion, and lists that must leave out what a caller may not read.
 */
describe('tenant isolation', () => {
  let api: ApiHarness;
  let team: Team;
  let memberOfB: SignedUpUser;
  let narrowKey: HttpClient;

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api, 'Org A');
    memberOfB = await signUpUser(api, { organizationName: 'Org B' });
    const key = await team.owner.client.post(`/api/orgs/${team.orgId}/api-keys`, {
      name: 'dashboard wall',
      scopes: ['read:Printer'],
      fleetIds: [team.fleetA],
    });
    expect(key.status).toBe(201);
    narrowKey = api.client();
    narrowKey.bearer = key.body.key;
  });
  afterAll(() => api.close());

  it('lets the owner, and only the owner, delete the organization', async () => {
    const owner = await signUpUser(api, { organizationName: 'Short-lived' });
    const admin = await addMember(api, owner.client, owner.orgId!, 'admin');
    expect((await admin.client.delete(`/api/orgs/${owner.orgId}`)).status).toBe(403);
    expect((await owner.client.delete(`/api/orgs/${owner.orgId}`)).status).toBe(204);
    expect((await owner.client.get(`/api/orgs/${owner.orgId}`)).status).toBe(404);
  });

  it('a member of org B never sees org A in their own lists', async () => {
    const mine = await memberOfB.client.get('/api/orgs');
    expect(mine.status).toBe(200);
    expect(mine.body.map((o: { id: string }) => o.id)).not.toContain(team.orgId);
  });

  it("lists only the printers and fleets of the caller's fleets, filtered in SQL", async () => {
    const listed = await team.fleetOperator.client.get(`/api/orgs/${team.orgId}/printers`);
    expect(listed.body.total).toBe(listed.body.printers.length);
    expect(listed.body.printers.every((p: { fleetId: string }) => p.fleetId === team.fleetA)).toBe(true);
    const keyListed = await narrowKey.get(`/api/orgs/${team.orgId}/printers`);
    expect(keyListed.body.printers.map((p: { id: string }) => p.id)).toContain(team.printerA.id);
    expect(keyListed.body.printers.map((p: { id: string }) => p.id)).not.toContain(team.printerB.id);
    const fleets = await team.fleetOperator.client.get(`/api/orgs/${team.orgId}/fleets`);
    expect(fleets.body.map((fleet: { id: string }) => fleet.id)).toEqual([team.fleetA]);
  });
});
