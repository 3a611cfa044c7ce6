import { TEST_PASSWORD, signUpUser } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';

const NEW_PASSWORD = 'violet kestrel harbour 42 lantern';

/** The account page's routes: the user's own display name and password (sessions and 2FA are issue 18's). */
describe('the signed-in user changes their name and password', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi({ LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '4' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('renames themself, refusing an empty, long or hostile name with the field named', async () => {
    const user = await signUpUser(api, { displayName: 'Ada' });
    const renamed = await user.client.patch('/api/auth/profile', { displayName: '  Ada Lovelace ' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: user.userId, email: user.email, displayName: 'Ada Lovelace' });
    expect((await user.client.get('/api/auth/profile')).body.displayName).toBe('Ada Lovelace');

    for (const displayName of ['   ', 'x'.repeat(101), 'Ada\u0000<script>', 42]) {
      const refused = await user.client.patch('/api/auth/profile', { displayName });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body.error)).toContain('displayName');
    }
    expect((await user.client.get('/api/auth/profile')).body.displayName).toBe('Ada Lovelace');
  });

  it('changes the password with the current one; every other session ends, the old password stops working', async () => {
    const user = await signUpUser(api);
    const elsewhere = api.client();
    expect((await elsewhere.post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD })).status).toBe(
      200,
    );

    const weak = await user.client.post('/api/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'password1234',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error).toMatchObject({ code: 'weak_password' });

    const sessions = await user.client.get('/api/auth/sessions');
    const others = (sessions.body as Array<{ current: boolean }>).filter((session) => !session.current).length;
    expect(others).toBeGreaterThanOrEqual(1);
    const changed = await user.client.post('/api/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ otherSessionsEnded: others });
    expect((await user.client.get('/api/auth/sessions')).body).toHaveLength(1);
    expect((await user.client.get('/api/auth/profile')).status).toBe(200);
    expect((await elsewhere.get('/api/auth/profile')).status).toBe(401);

    expect((await api.client().post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD })).status).toBe(
      401,
    );
    expect((await api.client().post('/api/auth/sign-in', { email: user.email, password: NEW_PASSWORD })).status).toBe(
      200,
    );
  });

  it('rejects a wrong current password with 400 (the session stays), and throttles guessing it', async () => {
    const user = await signUpUser(api);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const guess = await user.client.post('/api/auth/password', {
        currentPassword: `guess number ${attempt}`,
        newPassword: NEW_PASSWORD,
      });
      statuses.push(guess.status);
      if (guess.status === 400)
        expect(guess.body.error).toMatchObject({ code: 'wrong_password', field: 'currentPassword' });
    }
    expect(statuses).toEqual([400, 400, 400, 400, 429]);
    // Throttled, even the right password waits; the session is untouched.
    const right = await user.client.post('/api/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(right.status).toBe(429);
    expect((await user.client.get('/api/auth/profile')).status).toBe(200);
  });

  it('rejects an API key and no session: only a signed-in user has an account page', async () => {
    const owner = await signUpUser(api, { organizationName: 'Key farm' });
    const key = await owner.client.post(`/api/orgs/${owner.orgId}/api-keys`, {
      name: 'script',
      scopes: ['read:Printer'],
    });
    expect(key.status).toBe(201);
    const script = api.client();
    script.extraHeaders = { authorization: `Bearer ${key.body.key}` };
    const byKey = await script.patch('/api/auth/profile', { displayName: 'Robot' });
    expect(byKey.status).toBe(403);
    expect(byKey.body.error.code).toBe('users_only');
    expect((await script.post('/api/auth/password', { currentPassword: 'x', newPassword: NEW_PASSWORD })).status).toBe(
      403,
    );
    expect((await api.client().get('/api/auth/profile')).status).toBe(401);
    expect((await api.client().post('/api/auth/password', { currentPassword: 'x', newPassword: 'y' })).status).toBe(
      401,
    );
  });
});
