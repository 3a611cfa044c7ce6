import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { createLogger, type AppConfig } from '@farmhand/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { HttpClient } from './http-client';
import { createTestDatabase, testRedisPrefix, type TestDatabase } from './test-database';
import { testConfig } from './test-config';

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
  /** Log here instead of the silent default (a test that reads what the api logged). */
  logger?: Logger;
}

/** A port free on loopback right now (the api listens on it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Boots the real api on its own database copy and Redis prefix (or shared ones), listening on a free port. */
export async function startApi(
  overrides: Record<string, string> = {},
  options: StartApiOptions = {},
): Promise<ApiHarness> {
  const database = options.database ?? (await createTestDatabase());
  // The api's own address is its public origin, as in production, so a browser test's same-origin requests pass the
  // cross-site check (an override still wins).
  const port = options.port ?? (await freePort());
  const config = testConfig(
    { databaseUrl: database.url, redisPrefix: options.redisPrefix ?? testRedisPrefix() },
    { PUBLIC_URL: `http://127.0.0.1:${port}`, ...overrides },
  );
  const app = await createApiApp(config, options.logger ?? createLogger('api-test', config.LOG_LEVEL));
  await app.listen(port, '127.0.0.1');
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
      // The api keeps idle keep-alive connections for 65 s (bootstrap.ts); a test's teardown does not wait for them,
      // nor for a response a client left unread.
      const closing = app.close();
      (app.getHttpServer() as Server).closeAllConnections();
      await closing;
      if (!keepDatabase) await database.drop();
    },
  };
}
