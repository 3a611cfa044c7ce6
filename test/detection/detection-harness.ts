import { createLogger, loadConfig, type AppConfig } from '@farmhand/core';
import type { ApiHarness } from '@farmhand/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { createInference } from '../../apps/inference/src/bootstrap';

const SECRET_KEY = 'test-secret-key-that-is-long-enough-0123456789';

/** The inference role on the api's database and Redis prefix (so it takes the frames that api queues). */
export async function startInference(
  api: ApiHarness,
  overrides: Record<string, string> = {},
): Promise<{ app: INestApplicationContext; config: AppConfig }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: api.database.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: api.config.REDIS_URL,
    REDIS_PREFIX: api.config.REDIS_PREFIX,
    SECRET_KEY,
    DATA_DIR: api.config.DATA_DIR,
    METRICS_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  });
  const app = await createInference(config, createLogger('inference-test', config.LOG_LEVEL));
  return { app, config };
}
