import { createTeam, type Team } from '@farmhand/factories';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';

describe('audit log', () => {
  let api: ApiHarness;
  let team: Team;
  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api);
  });
  afterAll(() => api.close());

  it('records who changed what, with the result, and never a secret', async () => {
    const key = await team.admin.client.post(`/api/orgs/${team.orgId}/api-keys`, {
      name: 'robot',
      scopes: ['read:Printer'],
    });
    await team.operator.client.patch(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`, { tags: ['abs'] });
    const log = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?limit=200`);
    expect(log.status).toBe(200);
    const actions = log.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'organization.created',
        'fleet.created',
        'invitation.created',
        'invitation.accepted',
        'apiKey.created',
        'printer.updated',
      ]),
    );
    const printerUpdate = log.body.entries.find((e: { action: string }) => e.action === 'printer.updated');
    expect(printerUpdate).toMatchObject({
      actorType: 'user',
      actorId: team.operator.userId,
      subjectType: 'Printer',
      subjectId: team.printerA.id,
      result: 'success',
    });
    expect(printerUpdate.ip).toBe('127.0.0.1');
    const serialized = JSON.stringify(log.body);
    // The secret's last 20 characters: base64url secrets hold '_' too, so splitting on it could leave a fragment
    // short enough to turn up in any id or timestamp.
    expect(serialized).not.toContain(key.body.key.slice(-20));
  });

  it('records refused attempts as denied', async () => {
    await team.viewer.client.patch(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`, { tags: ['nope'] });
    // A refusal is recorded after the answer has gone out: wait for the entry rather than a fixed time.
    const denied = await waitFor(async () => {
      const log = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?result=denied`);
      return log.body.entries.find(
        (e: { actorId: string; action: string }) => e.actorId === team.viewer.userId && e.action === 'printer.update',
      );
    }, 'the denied attempt in the audit log');
    expect(denied).toMatchObject({ subjectType: 'Printer', result: 'denied' });
  });

  it('filters and pages', async () => {
    const page1 = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?limit=2`);
    expect(page1.body.entries).toHaveLength(2);
    const page2 = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?limit=2&before=${page1.body.nextBefore}`);
    expect(
      page2.body.entries[0].id < page1.body.entries[1].id ||
        Number(page2.body.entries[0].id) < Number(page1.body.entries[1].id),
    ).toBe(true);
    const filtered = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?action=invitation.&actorType=user`);
    expect(filtered.body.entries.every((e: { action: string }) => e.action.startsWith('invitation.'))).toBe(true);
    expect((await team.owner.client.get(`/api/orgs/${team.orgId}/audit?limit=5000`)).status).toBe(400);
  });
});
