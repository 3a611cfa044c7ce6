import { createApiKey, createTeam, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';

/** Saved grid views: each person's own filters, sort and view mode, kept by the server per organization. */
describe('saved grid views', () => {
  let api: ApiHarness;
  let team: Team;
  let other: Team;

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api, 'Views farm');
    other = await createTeam(api, 'Other views farm');
  });
  afterAll(async () => {
    await api?.close();
  });

  const base = (orgId = team.orgId) => `/api/orgs/${orgId}/dashboard/views`;

  it('round trip: a viewer saves, lists, renames and deletes a view, each change audited', async () => {
    const client = team.viewer.client;
    const created = await client.post(base(), {
      name: '  Ending soon  ',
      query: 'view=list&sort=time&attention=any&q=bracket',
    });
    expect(created.status).toBe(201);
    // Trimmed, and the query in the fixed order of SAVED_VIEW_PARAMS.
    expect(created.body).toMatchObject({ name: 'Ending soon', query: 'attention=any&q=bracket&sort=time&view=list' });

    const listed = await client.get(base());
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((view: { name: string }) => view.name)).toEqual(['Ending soon']);

    const renamed = await client.request('PUT', `${base()}/${created.body.id}`, {
      name: 'Risky first',
      query: 'sort=risk',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: created.body.id, name: 'Risky first', query: 'sort=risk' });

    expect((await client.delete(`${base()}/${created.body.id}`)).status).toBe(204);
    expect((await client.get(base())).body.items).toEqual([]);

    const audited = await api.app
      .get(DataSource)
      .query(`SELECT action FROM audit_entries WHERE org_id = $1 AND subject_id = $2 ORDER BY created_at, action`, [
        team.orgId,
        created.body.id,
      ]);
    expect(audited.map((row: { action: string }) => row.action).sort()).toEqual([
      'savedView.created',
      'savedView.deleted',
      'savedView.updated',
    ]);
  });

  it("another member neither lists, renames nor deletes someone's view", async () => {
    const mine = await team.operator.client.post(base(), { name: 'Mine', query: 'sort=name' });
    expect(mine.status).toBe(201);
    // Even the owner, who manages the organization: a view is private to the person who saved it.
    for (const client of [team.owner.client, team.viewer.client, team.fleetOperator.client]) {
      expect((await client.get(base())).body.items.map((view: { id: string }) => view.id)).not.toContain(mine.body.id);
      const rename = await client.request('PUT', `${base()}/${mine.body.id}`, { name: 'Taken over', query: '' });
      expect(rename.status).toBe(404);
      expect(rename.body.error.code).toBe('saved_view_not_found');
      expect((await client.delete(`${base()}/${mine.body.id}`)).status).toBe(404);
    }
    expect((await team.operator.client.get(base())).body.items).toEqual([
      expect.objectContaining({ id: mine.body.id, name: 'Mine' }),
    ]);
  });

  it("wrong organization: a view of one organization is not reachable through another's, nor by its outsiders", async () => {
    const view = await team.operator.client.post(base(), { name: 'Hall A', query: 'fleet=x' });
    expect(view.status).toBe(201);
    // The other organization's owner, through their own organization's path.
    const through = await other.owner.client.delete(`${base(other.orgId)}/${view.body.id}`);
    expect(through.status).toBe(404);
    // ... and through this organization's path, where they are no member.
    expect((await other.owner.client.get(base())).status).toBe(404);
    expect((await other.owner.client.post(base(), { name: 'Sneaky', query: '' })).status).toBe(404);
    expect((await team.operator.client.get(base())).body.items.map((row: { id: string }) => row.id)).toContain(
      view.body.id,
    );
  });

  it('an API key keeps no views, whatever its scopes', async () => {
    const key = await createApiKey(team.owner.client, team.orgId, { scopes: ['read:Printer', 'read:Job'] });
    const client = api.client();
    client.bearer = key.key;
    const answer = await client.get(base());
    expect(answer.status).toBe(403);
  });

  it('hostile text: unknown query keys, control characters, over-long values and duplicate names are refused', async () => {
    const client = team.viewer.client;
    const cases: Array<[unknown, number, string]> = [
      [{ name: 'Inject', query: 'sort=time&redirect=https://evil.example' }, 400, 'invalid_view_query'],
      [{ name: 'Twice', query: 'sort=time&sort=name' }, 400, 'invalid_view_query'],
      [{ name: 'Long', query: `q=${'a'.repeat(201)}` }, 400, 'invalid_view_query'],
      [{ name: 'Bell\u0007', query: '' }, 400, 'invalid_text'],
      [{ name: '', query: '' }, 400, 'validation_failed'],
      [{ name: 'x'.repeat(61), query: '' }, 400, 'validation_failed'],
      [{ name: 'No query' }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await client.post(base(), body);
      expect({ body, status: answer.status, code: answer.body.error?.code }).toEqual({ body, status, code });
    }
    // Markup is kept as text (the dashboard renders it as text), never interpreted here.
    const markup = await client.post(base(), { name: '<img src=x onerror=alert(1)>', query: 'q=%3Cscript%3E' });
    expect(markup.status).toBe(201);
    expect(markup.body).toMatchObject({ name: '<img src=x onerror=alert(1)>', query: 'q=%3Cscript%3E' });
    const again = await client.post(base(), { name: '<img src=x onerror=alert(1)>', query: '' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('saved_view_name_taken');
  });
});
