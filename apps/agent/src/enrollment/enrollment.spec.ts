import { FakeEnrollmentServer } from '../testing/fake-enrollment-server';
import { EnrollmentClient } from './enrollment.client';
import { MIN_POLL_INTERVAL_MS, pairDevice } from './pairing-flow';

describe('enrollment', () => {
  let server: FakeEnrollmentServer;
  const agent = { version: '0.1.0', hostname: 'octopi' };

  beforeEach(async () => {
    server = new FakeEnrollmentServer();
    await server.start();
  });

  afterEach(() => server.stop());

  it('redeems a token once and reports the server refusal afterwards', async () => {
    server.tokens.set('tok_1', 'prn_1');
    const client = new EnrollmentClient(server.url);
    await expect(client.redeem('tok_1', agent)).resolves.toMatchObject({ printerId: 'prn_1', server: server.url });
    expect(server.requests[0]).toEqual({ path: '/api/enrollment/redeem', body: { token: 'tok_1', agent } });
    await expect(client.redeem('tok_1', agent)).rejects.toMatchObject({ code: 'invalid_token', status: 401 });
  });

  it('pairs: shows the code, polls no faster than every 5 s, backs off on slow_down', async () => {
    server.slowDownOnce = true;
    const printed: string[] = [];
    const waits: number[] = [];
    let now = 0;
    const enrolled = await pairDevice(new EnrollmentClient(server.url), agent, {
      print: (text) => printed.push(text),
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
      now: () => now,
    });
    expect(enrolled).toMatchObject({ printerId: 'prn_paired' });
    const output = printed.join('\n');
    expect(output).toContain('WDJBM-JHT4K');
    expect(output).toContain(`${server.url}/pair`);
    expect(output).toMatch(/[▀▄█]/);
    expect(waits.every((ms) => ms >= MIN_POLL_INTERVAL_MS)).toBe(true);
    expect(waits).toEqual([5_000, 10_000, 10_000, 10_000]);
    expect(server.requests.filter((request) => request.path.endsWith('/poll')).every((r) => r.body.deviceCode)).toBe(
      true,
    );
  });

  it('gives up when the pairing code expires', async () => {
    server.expire = true;
    const io = { print: () => undefined, sleep: async () => undefined, now: () => 0 };
    await expect(pairDevice(new EnrollmentClient(server.url), agent, io)).rejects.toMatchObject({
      code: 'expired_token',
    });
  });

  it('reports an unreachable server', async () => {
    await server.stop();
    await expect(new EnrollmentClient(server.url, 2_000).redeem('t', agent)).rejects.toMatchObject({
      code: 'unreachable',
    });
    server = new FakeEnrollmentServer();
    await server.start();
  });
});
