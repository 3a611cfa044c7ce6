import { signUpUser, TEST_PASSWORD, uniqueEmail } from '@farmhand/factories';
import { REDIS_URL, startApi, TcpProxy, type ApiHarness, waitFor } from '@farmhand/testing';
import Redis from 'ioredis';

const signUpBody = () => ({ email: uniqueEmail('throttle'), password: TEST_PASSWORD, displayName: 'Throttled' });

/** Throttles that count before they check, and lock-outs that neither race nor outlive their window. */
describe('throttles', () => {
  describe('sign-in', () => {
    let api: ApiHarness;
    beforeAll(async () => {
      api = await startApi({ LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '10', LOGIN_MAX_ATTEMPTS_PER_CLIENT: '1000' });
    });
    afterAll(() => api.close());

    it('25 parallel wrong passwords against one account: at most 10 are evaluated, the rest answer 429', async () => {
      const victim = await signUpUser(api);
      const responses = await Promise.all(
        Array.from({ length: 25 }, () =>
          api.client().post('/api/auth/sign-in', { email: victim.email, password: `wrong ${Math.random()}` }),
        ),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 401)).toHaveLength(10);
      expect(statuses.filter((status) => status === 429)).toHaveLength(15);
      const refused = responses.find((response) => response.status === 429)!;
      expect(refused.body.error.code).toBe('too_many_attempts');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // Locked means locked, even for the right password, until the window ends.
      expect(
        (await api.client().post('/api/auth/sign-in', { email: victim.email, password: TEST_PASSWORD })).status,
      ).toBe(429);
    });

    it('a successful sign-in clears the account’s failures', async () => {
      const user = await signUpUser(api);
      for (let attempt = 0; attempt < 9; attempt++) {
        expect(
          (await api.client().post('/api/auth/sign-in', { email: user.email, password: 'nope nope nope' })).status,
        ).toBe(401);
      }
      expect(
        (await api.client().post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD })).status,
      ).toBe(200);
      for (let attempt = 0; attempt < 9; attempt++) {
        expect(
          (await api.client().post('/api/auth/sign-in', { email: user.email, password: 'nope nope nope' })).status,
        ).toBe(401);
      }
    });
  });

  describe('sign-up', () => {
    let api: ApiHarness;
    beforeAll(async () => {
      // A trusted proxy on loopback, so the test can speak from several client addresses.
      api = await startApi({ SIGNUP_MAX_PER_CLIENT: '3', SIGNUP_MAX_TOTAL: '8', TRUST_PROXY: '127.0.0.1/32' });
    });
    afterAll(() => api.close());

    const from = (address: string) => {
      const client = api.client();
      client.extraHeaders = { 'x-forwarded-for': address };
      return client;
    };

    it('mass sign-up from one address: 10 in parallel, exactly 3 accounts made, the rest 429', async () => {
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => from('198.51.100.1').post('/api/auth/sign-up', signUpBody())),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 202)).toHaveLength(3);
      expect(statuses.filter((status) => status === 429)).toHaveLength(7);
      // An existing address answers like a new one (issue 18), within the same budget.
      const body = signUpBody();
      await from('198.51.100.2').post('/api/auth/sign-up', body);
      const taken = await from('198.51.100.2').post('/api/auth/sign-up', body);
      expect(taken.status).toBe(202);
      expect(taken.body).toEqual({ status: 'check_email' });
    });

    it('mass sign-up from many addresses stops at the server-wide budget', async () => {
      // 3 spent above plus the two from 198.51.100.2; 3 left of 8.
      const statuses: number[] = [];
      for (let address = 10; address < 20; address++) {
        statuses.push((await from(`198.51.100.${address}`).post('/api/auth/sign-up', signUpBody())).status);
      }
      expect(statuses.filter((status) => status === 202)).toHaveLength(3);
      expect(statuses.slice(3).every((status) => status === 429)).toBe(true);
    });

    it('a weak password is refused before it spends the address’s sign-ups', async () => {
      const client = from('203.0.113.50');
      for (let attempt = 0; attempt < 5; attempt++) {
        const weak = await client.post('/api/auth/sign-up', { ...signUpBody(), password: 'password1234' });
        expect(weak.status).toBe(400);
      }
    });
  });

  describe('Redis cut in the middle of a window', () => {
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(REDIS_URL).port || 6379));
    let api: ApiHarness;
    let redis: Redis;

    beforeAll(async () => {
      const port = await proxy.start();
      const url = new URL(REDIS_URL);
      url.port = String(port);
      api = await startApi({
        REDIS_URL: url.toString(),
        LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '5',
        LOGIN_WINDOW_SECONDS: '3',
      });
      redis = new Redis(REDIS_URL);
    });
    afterAll(async () => {
      await api.close();
      redis.disconnect();
      await proxy.cut();
    });

    it('leaves no counter without an expiry, so the lock-out ends with its window', async () => {
      const user = await signUpUser(api);
      const wrong = () => api.client().post('/api/auth/sign-in', { email: user.email, password: 'not it at all' });
      // A burst in flight when Redis goes away, and Redis back while it is still going.
      const burst = Promise.all(Array.from({ length: 12 }, wrong));
      await proxy.cut();
      const during = await Promise.all(Array.from({ length: 3 }, wrong));
      await proxy.start();
      const statuses = [...(await burst), ...during].map((response) => response.status);
      // Every answer is a refusal or a wrong password, never a 500.
      expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
      await waitFor(async () => (await wrong()).status === 429, 'the account locked in Redis');

      const keys = await redis.keys(`${api.config.REDIS_PREFIX}:ratelimit:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
      // No permanent lock-out: once the window has passed the right password works.
      await waitFor(
        async () =>
          (await api.client().post('/api/auth/sign-in', { email: user.email, password: TEST_PASSWORD })).status === 200,
        'the lock-out to end with its window',
      );
    });
  });
});
