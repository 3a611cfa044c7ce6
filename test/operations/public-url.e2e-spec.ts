import { TEST_PASSWORD, uniqueEmail } from '@farmhand/factories';
import { REDIS_URL } from '@farmhand/testing';
import { randomBytes } from 'node:crypto';
import { sharedBackends, type SharedBackends } from './support/operations-fixture';
import { RoleProcess } from './support/role-process';

jest.setTimeout(180_000);

/**
 * Issue 15 point 9: with PUBLIC_URL unset the links the server hands out follow the port it listens on (not
 * localhost:3000), and a production server says at boot that PUBLIC_URL should be set.
 */
describe('PUBLIC_URL follows the server', () => {
  let shared: SharedBackends;
  const processes: RoleProcess[] = [];

  beforeAll(async () => {
    shared = await sharedBackends();
  });
  afterAll(async () => {
    for (const started of processes) await started.stop();
    await shared?.drop();
  });

  const env = (extra: Record<string, string>) => ({
    DATABASE_URL: shared.database.url,
    DATABASE_POOL_SIZE: '3',
    REDIS_URL,
    REDIS_PREFIX: shared.redisPrefix,
    DATA_DIR: shared.dataDir,
    SIGNUP_MAX_PER_CLIENT: '10000',
    ...extra,
  });

  it('invitation links point to the port the api listens on when PUBLIC_URL is unset', async () => {
    const api = await RoleProcess.start('api', env({ SECRET_KEY: randomBytes(32).toString('hex') }));
    processes.push(api);
    expect(api.hasLog('api listening')).toMatchObject({ publicUrl: `http://localhost:${api.port}` });
    expect(api.logs.some((line) => String(line.msg).startsWith('PUBLIC_URL is not set'))).toBe(false);

    const client = api.client();
    const email = uniqueEmail('owner');
    const signedUp = await client.post('/api/auth/sign-up', {
      email,
      password: TEST_PASSWORD,
      displayName: 'Owner',
      organizationName: 'Port farm',
    });
    expect(signedUp.status).toBe(202);
    expect((await client.post('/api/auth/sign-in', { email, password: TEST_PASSWORD })).status).toBe(200);
    const orgId = (await client.get('/api/orgs')).body[0].id;
    const invited = await client.post(`/api/orgs/${orgId}/invitations`, {
      email: uniqueEmail('operator'),
      role: 'operator',
    });
    expect(invited.status).toBe(201);
    expect(invited.body.url).toMatch(new RegExp(`^http://localhost:${api.port}/invitations/`));
  });

  it('a production api without PUBLIC_URL warns at boot, naming the address it derived', async () => {
    const api = await RoleProcess.start(
      'api',
      env({ NODE_ENV: 'production', SECRET_KEY: randomBytes(32).toString('hex') }),
    );
    processes.push(api);
    const warning = api.logs.find((line) => String(line.msg).startsWith('PUBLIC_URL is not set'));
    expect(warning).toMatchObject({ level: 40, publicUrl: `http://localhost:${api.port}` });
  });
});
