import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestPinoLogger, QueueName, QueueWorkers, type AppConfig } from '@farmhand/core';
import { createFarmhandDataSource } from '@farmhand/schema';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import { WorkerModule } from './worker.module';

/** The queues this role consumes. Each must have a handler for every job it carries, or boot fails. */
export const WORKER_QUEUES = [
  QueueName.Maintenance,
  QueueName.Scheduling,
  QueueName.Dispatch,
  QueueName.Notifications,
] as const;

export async function createWorker(config: AppConfig, logger: Logger): Promise<INestApplicationContext> {
  const dataSource = createFarmhandDataSource(config.DATABASE_URL, {
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: 'farmhand-worker',
  });
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger, dataSource), {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  // No enableShutdownHooks(): main.ts handles SIGTERM itself (graceful-shutdown.ts), letting jobs finish first.
  await app.init();
  app.get(QueueWorkers).start(WORKER_QUEUES);
  return app;
}
