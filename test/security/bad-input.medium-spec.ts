import { createTeam, signUpUser, TEST_PASSWORD, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';

/** Bad input answers 4xx naming the field; never a 500, never a stack trace. */
describe('bad input and mass assignment', () => {
  let api: ApiHarness;
  let team: Team;
  beforeAll(async () => {
    api = await startApi({ BODY_LIMIT_BYTES: '4096' });
    team = await createTeam(api);
  });
  afterAll(() => api.close());

  function expectCleanError(response: { status: number; body: any }, status: number, field?: string) {
    expect(response.status).toBe(status);
    expect(response.body.error.code).toEqual(expect.any(String));
    if (field) expect(response.body.error.field).toBe(field);
    expect(JSON.stringify(response.body)).not.toMatch(/\bat .+\.(js|ts):\d+/);
  }

  it('malformed JSON -> 400 invalid_json', async () => {
    const response = await api
      .client()
      .request('POST', '/api/auth/sign-up', undefined, { raw: '{"email": "a@b.co", ' });
    expectCleanError(response, 400);
    expect(response.body.error.code).toBe('invalid_json');
  });

  it('oversized body -> 413', async () => {
    const response = await api
      .client()
      .post('/api/auth/sign-up', { email: 'a@b.co', password: 'x'.repeat(10_000), displayName: 'A' });
    expectCleanError(response, 413);
  });

  it.each([
    ['invalid email', { email: 'not-an-email', password: TEST_PASSWORD, displayName: 'A' }, 'email'],
    ['wrong type', { email: 'ok@example.test', password: 12345678901234, displayName: 'A' }, 'password'],
    ['missing field', { email: 'ok2@example.test', password: TEST_PASSWORD }, 'displayName'],
    ['short password', { email: 'ok3@example.test', password: 'short', displayName: 'A' }, 'password'],
    [
      'unknown field',
      { email: 'ok4@example.test', password: TEST_PASSWORD, displayName: 'A', isAdmin: true },
      'isAdmin',
    ],
    [
      'mass assignment of role',
      { email: 'ok5@example.test', password: TEST_PASSWORD, displayName: 'A', role: 'owner' },
      'role',
    ],
    [
      'mass assignment of id',
      {
        email: 'ok6@example.test',
        password: TEST_PASSWORD,
        displayName: 'A',
        id: '00000000-0000-0000-0000-000000000000',
      },
      'id',
    ],
  ])('sign-up with %s -> 400 naming the field', async (_name, body, field) => {
    expectCleanError(await api.client().post('/api/auth/sign-up', body), 400, field);
  });

  it.each([
    ['a NUL byte', 'Ann\u0000'],
    ['a lone surrogate', 'Ann\ud800'],
  ])(
    '%s in a string field -> 400 invalid_text naming the field (was 500: PostgreSQL refuses it)',
    async (_label, text) => {
      // JSON.stringify writes the escapes \u0000 and \ud800, as an attacker's JSON would.
      const raw = JSON.stringify({ email: 'nul@example.test', password: TEST_PASSWORD, displayName: text });
      const response = await api.client().request('POST', '/api/auth/sign-up', undefined, { raw });
      expectCleanError(response, 400, 'displayName');
      expect(response.body.error.code).toBe('invalid_text');
    },
  );

  it('a NUL byte in a query parameter or a path parameter -> 400 naming it', async () => {
    const query = await team.viewer.client.get(`/api/orgs/${team.orgId}/files?search=a%00b`);
    expectCleanError(query, 400, 'search');
    const path = await team.viewer.client.get(`/api/orgs/${team.orgId}/files/a%00b`);
    expectCleanError(path, 400, 'fileId');
  });

  it('deeply nested JSON is refused by the body parser -> 400 json_too_deep (20,000 deep was a 500)', async () => {
    // 1,000 deep fits this suite's 4 kB body limit; the hostile-input fuzz sends 20,000.
    const raw = `{"agent":${'['.repeat(1_000)}${']'.repeat(1_000)}}`;
    const response = await api.client().request('POST', '/api/enrollment/pairings', undefined, { raw });
    expectCleanError(response, 400);
    expect(response.body.error.code).toBe('json_too_deep');
  });

  it('a JSON array or string body is refused', async () => {
    expectCleanError(await api.client().request('POST', '/api/auth/sign-in', undefined, { raw: '"hello"' }), 400);
    expectCleanError(await api.client().request('POST', '/api/auth/sign-in', undefined, { raw: '[1,2]' }), 400);
  });

  it('duplicate sign-up (case-insensitive) -> the same 202 as a new address, and no second account', async () => {
    const user = await signUpUser(api);
    const response = await api.client().post('/api/auth/sign-up', {
      email: user.email.toUpperCase(),
      password: 'another horse battery staple',
      displayName: 'Copy',
    });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ status: 'check_email' });
    const other = await api
      .client()
      .post('/api/auth/sign-in', { email: user.email, password: 'another horse battery staple' });
    expect(other.status).toBe(401);
  });

  it.each([
    ['orgId', { orgId: '00000000-0000-0000-0000-000000000000' }],
    ['ownerId', { ownerId: '00000000-0000-0000-0000-000000000000' }],
    ['id', { id: '00000000-0000-0000-0000-000000000000' }],
    ['state', { state: 'printing' }],
  ])('PATCH printer with %s is refused, nothing changes', async (field, body) => {
    const response = await team.owner.client.patch(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`, {
      name: 'Renamed',
      ...body,
    });
    expectCleanError(response, 400, field);
    const printer = await team.owner.client.get(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`);
    expect(printer.body.name).toBe(team.printerA.name);
    expect(printer.body.orgId).toBe(team.orgId);
  });

  it('PATCH member with userId or orgId is refused', async () => {
    expectCleanError(
      await team.owner.client.patch(`/api/orgs/${team.orgId}/members/${team.viewer.membershipId}`, {
        userId: team.owner.userId,
      }),
      400,
      'userId',
    );
    expectCleanError(
      await team.owner.client.patch(`/api/orgs/${team.orgId}/members/${team.viewer.membershipId}`, {
        orgId: team.orgId,
      }),
      400,
      'orgId',
    );
  });

  it('creating a fleet with orgId in the body is refused', async () => {
    expectCleanError(
      await team.owner.client.post(`/api/orgs/${team.orgId}/fleets`, { name: 'X', orgId: team.orgId }),
      400,
      'orgId',
    );
  });

  it('non-uuid path parameters -> 400, not a database error', async () => {
    expectCleanError(await team.owner.client.get(`/api/orgs/${team.orgId}/printers/not-a-uuid`), 400);
    expect((await team.owner.client.get('/api/orgs/not-a-uuid/printers')).status).toBeLessThan(500);
  });

  it('fleet limits naming a fleet of another organization are refused', async () => {
    const other = await signUpUser(api, { organizationName: 'Other' });
    const foreignFleet = (await other.client.post(`/api/orgs/${other.orgId}/fleets`, { name: 'Theirs' })).body.id;
    expectCleanError(
      await team.owner.client.patch(`/api/orgs/${team.orgId}/members/${team.viewer.membershipId}`, {
        fleetIds: [foreignFleet],
      }),
      400,
      'fleetIds',
    );
    expectCleanError(
      await team.owner.client.patch(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`, { fleetId: foreignFleet }),
      400,
      'fleetId',
    );
  });

  it('out-of-range printer settings name the field', async () => {
    expectCleanError(
      await team.owner.client.patch(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`, {
        detection: { sensitivity: 3 },
      }),
      400,
      'detection.sensitivity',
    );
    expectCleanError(
      await team.owner.client.patch(`/api/orgs/${team.orgId}/printers/${team.printerA.id}`, { buildX: -5 }),
      400,
      'buildX',
    );
  });

  it('a garbage session cookie or bearer token is just unauthenticated', async () => {
    const client = api.client();
    client.setCookie('fh_session', '%E0%A4%A');
    expect((await client.get('/api/auth/me')).status).toBe(401);
    const bearer = api.client();
    bearer.bearer = 'fh_key_' + 'x'.repeat(5000);
    expect((await bearer.get(`/api/orgs/${team.orgId}/printers`)).status).toBe(401);
  });
});
