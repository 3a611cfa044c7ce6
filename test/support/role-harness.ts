import { createLogger, type AppConfig } from '@farmhand/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import { createInference } from '../../apps/inference/src/bootstrap';
import { createWorker } from '../../apps/worker/src/bootstrap';
import type { ApiHarness } from './api-harness';
import { testConfig } from './test-config';
import { createTestDatabase, testRedisPrefix, type TestDatabase } from './test-database';

/** A booted worker or inference role, consuming its queues. */
export interface RoleHarness {
  app: INestApplicationContext;
  config: AppConfig;
  /** Stops the role (its queues first); drops the database only when the harness made it. */
  close(): Promise<void>;
}

export interface StartRoleOptions {
  /** Work for this api: its database, Redis server and prefix, data directory, secret key and public address. */
  api?: ApiHarness;
  /** Without an api: this database (kept on close); a fresh copy of the template otherwise (dropped on close). */
  database?: TestDatabase;
  /** Without an api: this Redis prefix (share it to share queues); a fresh one otherwise. */
  redisPrefix?: string;
  /** Log here instead of the silent default (a test that reads what the role logged). */
  logger?: Logger;
}

/** Boots the real worker (apps/worker's bootstrap: dispatch, scheduling, maintenance, notifications). */
export function startWorker(overrides: Record<string, string> = {}, options: StartRoleOptions = {}) {
  return startRole('worker', createWorker, overrides, options);
}

/** Boots the real inference role (apps/inference's bootstrap: loads the model, then takes frames). */
export function startInference(overrides: Record<string, string> = {}, options: StartRoleOptions = {}) {
  return startRole('inference', createInference, overrides, options);
}

async function startRole(
  role: 'worker' | 'inference',
  create: (config: AppConfig, logger: Logger) => Promise<INestApplicationContext>,
  overrides: Record<string, string>,
  options: StartRoleOptions,
): Promise<RoleHarness> {
  const { api } = options;
  const ownDatabase = !api && !options.database ? await createTestDatabase() : null;
  const database = ownDatabase ?? options.database;
  const config = testConfig(
    {
      databaseUrl: api?.config.DATABASE_URL ?? database!.url,
      redisPrefix: api?.config.REDIS_PREFIX ?? options.redisPrefix ?? testRedisPrefix(),
    },
    {
      ...(api
        ? {
            REDIS_URL: api.config.REDIS_URL,
            DATA_DIR: api.config.DATA_DIR,
            SECRET_KEY: api.config.SECRET_KEY,
            // The worker signs download links for agents with the api's public address.
            PUBLIC_URL: api.config.PUBLIC_URL,
          }
        : {}),
      // main.ts opens the metrics listener, not the bootstrap; say so anyway, so two roles never contend for a port.
      METRICS_PORT: '0',
      ...overrides,
    },
  );
  const logger = options.logger ?? createLogger(`${role}-test`, config.LOG_LEVEL);
  let app: INestApplicationContext;
  try {
    app = await create(config, logger);
  } catch (error) {
    await ownDatabase?.drop();
    throw error;
  }
  return {
    app,
    config,
    close: async () => {
      await app.close();
      await ownDatabase?.drop();
    },
  };
}
