import { loadConfig, type AppConfig } from '@farmhand/core';
import { REDIS_URL } from './test-env';

/** The secret key every test process of a run shares (api, worker and inference must agree on it). */
export const TEST_SECRET_KEY = 'test-secret-key-that-is-long-enough-0123456789';

/** The log level of booted processes: silent unless TEST_LOG_LEVEL asks (to read a failing test's logs). */
export const TEST_LOG_LEVEL = (process.env.TEST_LOG_LEVEL ?? 'silent') as AppConfig['LOG_LEVEL'];

/** A role's configuration in tests: the given database and Redis prefix, quiet logs, the settings win last. */
export function testConfig(
  where: { databaseUrl: string; redisPrefix: string },
  overrides: Record<string, string> = {},
): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: where.databaseUrl,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL,
    REDIS_PREFIX: where.redisPrefix,
    LOG_LEVEL: TEST_LOG_LEVEL,
    SECRET_KEY: TEST_SECRET_KEY,
    // Every test client signs up from 127.0.0.1; the sign-up throttle has its own tests (throttles.medium-spec).
    SIGNUP_MAX_PER_CLIENT: '10000',
    ...overrides,
  });
}
