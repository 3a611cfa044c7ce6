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
  port: number;
  client(): HttpClient;
  /** Stops the app; drops the database unless `keepDatabase` (another instance or a restart still uses it). */
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

export interface StartApiOptions {
  /** Share an existing database (a second api instance, or a restart) instead of copying a fresh one. */
  database?: TestDatabase;
  /** Share a Redis prefix: instances on one prefix see each other's sockets, presence and rate limits. */
  redisPrefix?: string;
  /** Listen on this port (a restarted api where agents reconnect); a free one by default. */
  port?: number;
}

/** Boots the real api on its own database copy and Redis prefix (or shared ones), listening on a free port. */
export async function startApi(
  overrides: Record<string, string> = {},
  options: StartApiOptions = {},
): Promise<ApiHarness> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL,
    REDIS_PREFIX: options.redisPrefix ?? testRedisPrefix(),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    ...overrides,
  });
  const app = await createApiApp(config, createLogger('api-test', config.LOG_LEVEL));
  await app.listen(options.port ?? 0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    config,
    database,
    port: address.port,
    client: () => new HttpClient(url),
    close: async ({ keepDatabase = false } = {}) => {
      await app.close();
      if (!keepDatabase) await database.drop();
    },
  };
}
