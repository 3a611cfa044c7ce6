import { MetricsServer } from '@farmhand/core';
import { createTestDatabase, startApi, TcpProxy, waitFor, type ApiHarness } from '@farmhand/testing';

describe('health and OpenAPI', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('reports database and Redis up', async () => {
    const response = await api.client().get('/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
  });

  it('serves an OpenAPI document listing the routes', async () => {
    const response = await api.client().get('/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/sign-up', '/api/orgs/{orgId}/members', '/api/orgs/{orgId}/printers']),
    );
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await api.client().get('/api/nope');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });
});

describe('health when a backing service goes away', () => {
  it('reports degraded while Redis is unreachable, stays ready (200) and up, and recovers by itself', async () => {
    const proxy = new TcpProxy('127.0.0.1', 6379);
    const port = await proxy.start();
    const api = await startApi({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      expect((await api.client().get('/api/health')).status).toBe(200);
      await proxy.cut();
      const down = await api.client().get('/api/health');
      expect(down.status).toBe(200);
      expect(down.body).toEqual({ status: 'degraded', checks: { database: 'up', redis: 'down' } });
      await proxy.start();
      await waitFor(
        async () => (await api.client().get('/api/health')).body.status === 'ok',
        'health ok again',
        10_000,
      );
    } finally {
      await api.close();
      await proxy.cut();
    }
  });
});

describe('health while PostgreSQL is away, and liveness', () => {
  it('answers 503 unavailable while PostgreSQL is unreachable, liveness stays 200, and both recover', async () => {
    const proxy = new TcpProxy('127.0.0.1', 5432);
    const port = await proxy.start();
    const database = await createTestDatabase();
    const url = new URL(database.url);
    url.port = String(port);
    const api = await startApi({ DATABASE_URL: url.toString() }, { database });
    try {
      expect((await api.client().get('/api/health')).status).toBe(200);
      await proxy.cut();
      const down = await api.client().get('/api/health');
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ status: 'unavailable', checks: { database: 'down', redis: 'up' } });
      const live = await api.client().get('/api/health/live');
      expect([live.status, live.body]).toEqual([200, { status: 'alive' }]);
      await proxy.start();
      await waitFor(async () => (await api.client().get('/api/health')).status === 200, 'health 200 again', 10_000);
    } finally {
      await api.close();
      await proxy.cut();
    }
  });
});

describe('metrics', () => {
  it('serves Prometheus metrics at /metrics on its own listener, not on the public port', async () => {
    const api = await startApi();
    try {
      const port = await api.app.get(MetricsServer).listen(0, '127.0.0.1');
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/plain/);
      expect(await response.text()).toContain('farmhand_process_cpu_user_seconds_total');
      expect((await api.client().get('/metrics')).status).toBe(404);
    } finally {
      await api.close();
    }
  });
});
