import { signUpUser, TEST_PASSWORD } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

describe('sessions people can see, and their own security log', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ LOGIN_MAX_ATTEMPTS_PER_CLIENT: '1000' });
  });
  afterAll(() => api.close());

  it('lists sessions with device, address, last seen and which one is this; "sign out all others" ends the rest', async () => {
    const user = await signUpUser(api);
    const laptop = api.client();
    laptop.extraHeaders = { 'user-agent': FIREFOX };
    await laptop.post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD });
    const phone = api.client();
    await phone.post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD });

    const sessions = await laptop.get('/api/auth/sessions');
    expect(sessions.body).toHaveLength(3);
    const current = sessions.body.find((session: { current: boolean }) => session.current);
    expect(current).toMatchObject({ device: 'Firefox on Linux', ip: expect.any(String) });
    expect(current.lastSeenAt).toEqual(expect.any(String));

    const ended = await laptop.delete('/api/auth/sessions');
    expect(ended.body).toEqual({ ended: 2 });
    expect((await phone.get('/api/auth/me')).status).toBe(401);
    expect((await user.client.get('/api/auth/me')).status).toBe(401);
    expect((await laptop.get('/api/auth/me')).status).toBe(200);
    expect((await laptop.get('/api/auth/sessions')).body).toHaveLength(1);
  });

  it('cannot sign out another person’s session: 404 like an unknown one', async () => {
    const alice = await signUpUser(api);
    const bob = await signUpUser(api);
    const bobSession = (await bob.client.get('/api/auth/sessions')).body[0].id;
    const response = await alice.client.delete(`/api/auth/sessions/${bobSession}`);
    expect([response.status, response.body.error.code]).toEqual([404, 'session_not_found']);
    expect((await bob.client.get('/api/auth/me')).status).toBe(200);
    expect((await alice.client.delete('/api/auth/sessions/not-a-uuid')).status).toBe(400);
  });

  it('the security log records sign-in, sign-out, session ends and password changes, newest first, only for its owner', async () => {
    const user = await signUpUser(api);
    const other = api.client();
    other.extraHeaders = { 'user-agent': FIREFOX };
    await other.post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD });
    await other.post('/api/auth/sign-out');
    const spare = api.client();
    await spare.post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD });
    const spareId = (await spare.get('/api/auth/sessions')).body.find((s: { current: boolean }) => s.current).id;
    await user.client.delete(`/api/auth/sessions/${spareId}`);
    await user.client.post('/api/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'cobalt meadow tangerine 88 sextant',
    });

    const log = await user.client.get('/api/auth/security-log');
    expect(log.status).toBe(200);
    const events = log.body.map((entry: { event: string }) => entry.event);
    expect(events.slice(0, 3)).toEqual(['password.changed', 'session.revoked', 'signed_in']);
    expect(events).toEqual(expect.arrayContaining(['signed_out', 'signed_in']));
    const signedOut = log.body.find((entry: { event: string }) => entry.event === 'signed_out');
    expect(signedOut.device).toBe('Firefox on Linux');
    expect(JSON.stringify(log.body)).not.toContain(TEST_PASSWORD);

    const stranger = await signUpUser(api);
    const theirs = await stranger.client.get('/api/auth/security-log');
    expect(theirs.body.every((entry: { event: string }) => entry.event === 'signed_in')).toBe(true);
    expect(theirs.body).toHaveLength(1);
    expect((await api.client().get('/api/auth/security-log')).status).toBe(401);
  });
});
