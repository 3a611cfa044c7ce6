import {
  addMember,
  createFleet,
  createTeam,
  insertPrinter,
  signUpUser,
  uniqueEmail,
  type Team,
} from '@farmhand/factories';
import { startApi, type ApiHarness, type HttpClient } from '@farmhand/testing';

/**
 * Every route, as every kind of caller. Expected outcomes are written out per caller:
 * 'ok' (2xx), 401 (anonymous), 403 (role or scope lacks it), 404 (another tenant, or a record outside the caller's
 * fleets: it does not exist for them).
 */
type Caller = 'owner' | 'admin' | 'operator' | 'viewer' | 'fleetOperator' | 'memberOfB' | 'narrowKey' | 'anonymous';
type Expectation = 'ok' | 401 | 403 | 404;

interface RouteCase {
  name: string;
  /** Builds the request against fresh targets, so that an allowed mutation by one caller leaves the next untouched. */
  request: (team: Team) => Promise<{ method: string; path: string; body?: unknown }>;
  expect: Record<Caller, Expectation>;
}

const MEMBERS_READ: Record<Caller, Expectation> = {
  owner: 'ok',
  admin: 'ok',
  operator: 'ok',
  viewer: 'ok',
  fleetOperator: 'ok',
  memberOfB: 404,
  narrowKey: 403,
  anonymous: 401,
};
const ADMINS_ONLY: Record<Caller, Expectation> = {
  owner: 'ok',
  admin: 'ok',
  operator: 403,
  viewer: 403,
  fleetOperator: 403,
  memberOfB: 404,
  narrowKey: 403,
  anonymous: 401,
};

describe('tenant isolation matrix', () => {
  let api: ApiHarness;
  let team: Team;
  let callers: Record<Caller, HttpClient>;

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api, 'Org A');
    const orgB = await signUpUser(api, { organizationName: 'Org B' });
    const key = await team.owner.client.post(`/api/orgs/${team.orgId}/api-keys`, {
      name: 'dashboard wall',
      scopes: ['read:Printer'],
      fleetIds: [team.fleetA],
    });
    expect(key.status).toBe(201);
    const narrowKey = api.client();
    narrowKey.bearer = key.body.key;
    callers = {
      owner: team.owner.client,
      admin: team.admin.client,
      operator: team.operator.client,
      viewer: team.viewer.client,
      fleetOperator: team.fleetOperator.client,
      memberOfB: orgB.client,
      narrowKey,
      anonymous: api.client(),
    };
  });
  afterAll(() => api.close());

  const org = (team: Team) => `/api/orgs/${team.orgId}`;
  const cases: RouteCase[] = [
    { name: 'GET organization', request: async (t) => ({ method: 'GET', path: org(t) }), expect: MEMBERS_READ },
    {
      name: 'PATCH organization',
      request: async (t) => ({ method: 'PATCH', path: org(t), body: { name: 'Org A' } }),
      expect: ADMINS_ONLY,
    },
    {
      name: 'DELETE organization',
      request: async (t) => ({ method: 'DELETE', path: org(t) }),
      // The owner's allowed case runs in its own test below, on a throwaway organization.
      expect: {
        owner: 'ok',
        admin: 403,
        operator: 403,
        viewer: 403,
        fleetOperator: 403,
        memberOfB: 404,
        narrowKey: 403,
        anonymous: 401,
      },
    },
    { name: 'GET members', request: async (t) => ({ method: 'GET', path: `${org(t)}/members` }), expect: MEMBERS_READ },
    {
      name: 'PATCH member',
      request: async (t) => {
        const member = await addMember(api, t.owner.client, t.orgId, 'viewer');
        return { method: 'PATCH', path: `${org(t)}/members/${member.membershipId}`, body: { role: 'operator' } };
      },
      expect: ADMINS_ONLY,
    },
    {
      name: 'DELETE member',
      request: async (t) => {
        const member = await addMember(api, t.owner.client, t.orgId, 'viewer');
        return { method: 'DELETE', path: `${org(t)}/members/${member.membershipId}` };
      },
      expect: ADMINS_ONLY,
    },
    {
      name: 'GET invitations',
      request: async (t) => ({ method: 'GET', path: `${org(t)}/invitations` }),
      expect: ADMINS_ONLY,
    },
    {
      name: 'POST invitation',
      request: async (t) => ({
        method: 'POST',
        path: `${org(t)}/invitations`,
        body: { email: uniqueEmail(), role: 'viewer' },
      }),
      expect: ADMINS_ONLY,
    },
    {
      name: 'DELETE invitation',
      request: async (t) => {
        const invitation = await t.owner.client.post(`${org(t)}/invitations`, { email: uniqueEmail(), role: 'viewer' });
        return { method: 'DELETE', path: `${org(t)}/invitations/${invitation.body.invitation.id}` };
      },
      expect: ADMINS_ONLY,
    },
    { name: 'GET fleets', request: async (t) => ({ method: 'GET', path: `${org(t)}/fleets` }), expect: MEMBERS_READ },
    {
      name: 'GET fleet A',
      request: async (t) => ({ method: 'GET', path: `${org(t)}/fleets/${t.fleetA}` }),
      expect: MEMBERS_READ,
    },
    {
      name: 'GET fleet B',
      request: async (t) => ({ method: 'GET', path: `${org(t)}/fleets/${t.fleetB}` }),
      expect: { ...MEMBERS_READ, fleetOperator: 404 },
    },
    {
      name: 'POST fleet',
      request: async () => ({
        method: 'POST',
        path: `${org(team)}/fleets`,
        body: { name: `Fleet ${Math.random().toString(36).slice(2, 8)}` },
      }),
      expect: ADMINS_ONLY,
    },
    {
      name: 'PATCH fleet',
      request: async (t) => ({
        method: 'PATCH',
        path: `${org(t)}/fleets/${await createFleet(t.owner.client, t.orgId, `F ${Math.random().toString(36).slice(2, 8)}`)}`,
        body: { description: 'east wall' },
      }),
      expect: ADMINS_ONLY,
    },
    {
      name: 'DELETE fleet',
      request: async (t) => ({
        method: 'DELETE',
        path: `${org(t)}/fleets/${await createFleet(t.owner.client, t.orgId, `F ${Math.random().toString(36).slice(2, 8)}`)}`,
      }),
      expect: ADMINS_ONLY,
    },
    {
      name: 'GET api keys',
      request: async (t) => ({ method: 'GET', path: `${org(t)}/api-keys` }),
      expect: ADMINS_ONLY,
    },
    {
      name: 'POST api key',
      request: async (t) => ({
        method: 'POST',
        path: `${org(t)}/api-keys`,
        body: { name: 'ci', scopes: ['read:Job'] },
      }),
      expect: ADMINS_ONLY,
    },
    {
      name: 'DELETE api key',
      request: async (t) => {
        const key = await t.owner.client.post(`${org(t)}/api-keys`, { name: 'temp', scopes: ['read:Printer'] });
        return { method: 'DELETE', path: `${org(t)}/api-keys/${key.body.apiKey.id}` };
      },
      expect: ADMINS_ONLY,
    },
    { name: 'GET audit log', request: async (t) => ({ method: 'GET', path: `${org(t)}/audit` }), expect: ADMINS_ONLY },
    {
      name: 'GET printers',
      request: async (t) => ({ method: 'GET', path: `${org(t)}/printers` }),
      expect: { ...MEMBERS_READ, narrowKey: 'ok' },
    },
    {
      name: 'GET printer in fleet A',
      request: async (t) => ({ method: 'GET', path: `${org(t)}/printers/${t.printerA.id}` }),
      expect: { ...MEMBERS_READ, narrowKey: 'ok' },
    },
    {
      name: 'GET printer in fleet B',
      request: async (t) => ({ method: 'GET', path: `${org(t)}/printers/${t.printerB.id}` }),
      expect: { ...MEMBERS_READ, fleetOperator: 404, narrowKey: 404 },
    },
    {
      name: 'PATCH printer in fleet A',
      request: async (t) => ({ method: 'PATCH', path: `${org(t)}/printers/${t.printerA.id}`, body: { tags: ['pla'] } }),
      expect: {
        owner: 'ok',
        admin: 'ok',
        operator: 'ok',
        viewer: 403,
        fleetOperator: 'ok',
        memberOfB: 404,
        narrowKey: 403,
        anonymous: 401,
      },
    },
    {
      name: 'PATCH printer in fleet B',
      request: async (t) => ({
        method: 'PATCH',
        path: `${org(t)}/printers/${t.printerB.id}`,
        body: { tags: ['petg'] },
      }),
      expect: {
        owner: 'ok',
        admin: 'ok',
        operator: 'ok',
        viewer: 403,
        fleetOperator: 404,
        memberOfB: 404,
        narrowKey: 403,
        anonymous: 401,
      },
    },
    {
      name: 'DELETE printer',
      request: async (t) => ({
        method: 'DELETE',
        path: `${org(t)}/printers/${(await insertPrinter(api, t.orgId, t.fleetA)).id}`,
      }),
      expect: ADMINS_ONLY,
    },
  ];

  const callerNames: Caller[] = [
    'owner',
    'admin',
    'operator',
    'viewer',
    'fleetOperator',
    'memberOfB',
    'narrowKey',
    'anonymous',
  ];
  for (const route of cases) {
    for (const caller of callerNames) {
      const expected = route.expect[caller];
      if (route.name === 'DELETE organization' && caller === 'owner') continue;
      it(`${route.name} as ${caller} -> ${expected === 'ok' ? 'allowed' : expected}`, async () => {
        const request = await route.request(team);
        const response = await callers[caller].request(request.method, request.path, request.body);
        if (expected === 'ok') {
          if (response.status < 200 || response.status >= 300) {
            throw new Error(`expected a 2xx answer, got ${response.status}: ${JSON.stringify(response.body)}`);
          }
        } else {
          expect({ status: response.status, code: response.body?.error?.code }).toEqual({
            status: expected,
            code: expect.any(String),
          });
        }
      });
    }
  }

  it('lets the owner, and only the owner, delete the organization', async () => {
    const owner = await signUpUser(api, { organizationName: 'Short-lived' });
    const admin = await addMember(api, owner.client, owner.orgId!, 'admin');
    expect((await admin.client.delete(`/api/orgs/${owner.orgId}`)).status).toBe(403);
    expect((await owner.client.delete(`/api/orgs/${owner.orgId}`)).status).toBe(204);
    expect((await owner.client.get(`/api/orgs/${owner.orgId}`)).status).toBe(404);
  });

  it('a member of org B never sees org A in their own lists', async () => {
    const mine = await callers.memberOfB.get('/api/orgs');
    expect(mine.status).toBe(200);
    expect(mine.body.map((o: { id: string }) => o.id)).not.toContain(team.orgId);
  });

  it("lists only the printers of the caller's fleets, filtered in SQL", async () => {
    const listed = await callers.fleetOperator.get(`/api/orgs/${team.orgId}/printers`);
    expect(listed.body.total).toBe(listed.body.printers.length);
    expect(listed.body.printers.every((p: { fleetId: string }) => p.fleetId === team.fleetA)).toBe(true);
    const keyListed = await callers.narrowKey.get(`/api/orgs/${team.orgId}/printers`);
    expect(keyListed.body.printers.map((p: { id: string }) => p.id)).toContain(team.printerA.id);
    expect(keyListed.body.printers.map((p: { id: string }) => p.id)).not.toContain(team.printerB.id);
  });
});
