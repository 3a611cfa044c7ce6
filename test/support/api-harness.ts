import { createLogger, loadConfig, type AppConfig } from '@farmhand/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { HttpClient } from './http-client';
import { createTestDatabase, testRedisPrefix, type TestDatabase } from './test-database';
import { REDIS_URL } from './test-env';

export interface ApiHarness {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  database: TestDatabase;
  client(): HttpClient;
  close(): Promise<void>;
}

/** Boots the real api on its own database copy and Redis prefix, listening on a free port. */
export async function startApi(overrides: Record<string, string> = {}): Promise<ApiHarness> {
  const database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL,
    REDIS_PREFIX: testRedisPrefix(),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    ...overrides,
  });
  const app = await createApiApp(config, createLogger('api-test', config.LOG_LEVEL));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    config,
    database,
    client: () => new HttpClient(url),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
