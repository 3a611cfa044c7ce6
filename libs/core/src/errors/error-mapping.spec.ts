import { mapError } from './error-mapping';

describe('mapError for backing services that went away', () => {
  it('answers 503 database_unavailable when PostgreSQL refuses or drops the connection', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const terminated = new Error('Connection terminated unexpectedly');
    // TypeORM wraps driver errors and keeps the driver's own in `driverError`.
    const wrapped = Object.assign(new Error('Query failed'), { name: 'QueryFailedError', driverError: terminated });
    const restarting = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    for (const error of [refused, terminated, wrapped, restarting]) {
      const mapped = mapError(error, 'corr-1');
      expect([mapped.status, mapped.body.error.code]).toEqual([503, 'database_unavailable']);
      expect(mapped.body.error.correlationId).toBe('corr-1');
      // The driver's message (host, port) is not shown to the client.
      expect(mapped.body.error.message).not.toContain('5432');
    }
  });

  it('answers 503 service_unavailable when Redis is away, and 500 for anything else', () => {
    const redis = Object.assign(new Error('Reached the max retries per request limit (which is 2).'), {
      name: 'MaxRetriesPerRequestError',
    });
    expect(mapError(redis, 'c').body.error.code).toBe('service_unavailable');
    expect(mapError(redis, 'c').status).toBe(503);
    const bug = mapError(new TypeError("Cannot read properties of undefined (reading 'id')"), 'c');
    expect([bug.status, bug.body.error.code]).toEqual([500, 'internal_error']);
  });
});
