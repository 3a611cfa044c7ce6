import { startApi, type ApiHarness } from '@farmhand/testing';

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

describe('health when a backing service is down', () => {
  it('reports degraded with 503 when Redis cannot be reached, and stays up', async () => {
    // Port 1 on loopback: nothing listens there.
    const api = await startApi({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const response = await api.client().get('/api/health');
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ status: 'degraded', checks: { database: 'up', redis: 'down' } });
    } finally {
      await api.close();
    }
  });
});

describe('metrics', () => {
  it('serves Prometheus metrics at /metrics', async () => {
    const api = await startApi();
    try {
      const response = await api.client().get('/metrics');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/plain/);
      expect(response.body).toContain('farmhand_process_cpu_user_seconds_total');
    } finally {
      await api.close();
    }
  });
});
