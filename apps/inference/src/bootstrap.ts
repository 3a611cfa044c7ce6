import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestPinoLogger, QueueName, QueueWorkers, type AppConfig } from '@farmhand/core';
import { createFarmhandDataSource } from '@farmhand/schema';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import { InferenceModule } from './inference.module';

/**
 * The queues this role consumes: frames, and trainings of organizations' own heads (they need the backbone). Any
 * number of inference processes may consume them, on any hosts.
 */
export const INFERENCE_QUEUES = [QueueName.Inference, QueueName.Training] as const;

/** Boots the inference role (shared with the tests): loads the model, then starts taking frames. */
export async function createInference(config: AppConfig, logger: Logger): Promise<INestApplicationContext> {
  const dataSource = createFarmhandDataSource(config.DATABASE_URL, {
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: 'farmhand-inference',
  });
  const app = await NestFactory.createApplicationContext(InferenceModule.forRoot(config, logger, dataSource), {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  await app.init();
  app.get(QueueWorkers).start(INFERENCE_QUEUES);
  return app;
}
