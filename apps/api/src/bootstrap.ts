import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  ExceptionsFilter,
  NestPinoLogger,
  RedisIoAdapter,
  expressErrorHandler,
  createValidationPipe,
  parseTrustedProxies,
  requestContextMiddleware,
  type AppConfig,
} from '@farmhand/core';
import { createFarmhandDataSource } from '@farmhand/schema';
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { ApiModule } from './api.module';
import { CONTENT_SECURITY_POLICY, serveWebApp } from './web-app';

/** Served outside `/api`: Prometheus scrapes `/metrics` by convention. */
export const UNPREFIXED_ROUTES = ['metrics'] as const;

/**
 * Builds the api application (not yet listening) from validated configuration; main.ts and the tests share it.
 */
export async function createApiApp(config: AppConfig, logger: Logger): Promise<NestExpressApplication> {
  // Refuses trust-everything values before anything starts.
  const proxies = parseTrustedProxies(config.TRUST_PROXY);
  const dataSource = createFarmhandDataSource(config.DATABASE_URL, {
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: 'farmhand-api',
  });
  const app = await NestFactory.create<NestExpressApplication>(
    ApiModule.forRoot(config, logger, dataSource),
    new ExpressAdapter(),
    {
      logger: new NestPinoLogger(logger),
      bodyParser: false,
      abortOnError: false,
    },
  );
  // Client addresses come only from our own TRUST_PROXY resolution, never from Express's.
  app.set('trust proxy', false);
  app.disable('x-powered-by');
  app.use(helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY }));
  app.use(requestContextMiddleware(proxies, logger));
  // JSON bodies only, with an explicit size limit; parse errors answer 400/413 in the API's error shape.
  app.use(express.json({ limit: config.BODY_LIMIT_BYTES, strict: true }));
  app.use(expressErrorHandler(logger));
  app.setGlobalPrefix('api', { exclude: [...UNPREFIXED_ROUTES] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ExceptionsFilter(logger));
  app.useWebSocketAdapter(new RedisIoAdapter(app, config.REDIS_URL, config.REDIS_PREFIX));
  // No enableShutdownHooks(): main.ts handles SIGTERM itself (graceful-shutdown.ts), draining before Nest closes.

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Farmhand API')
      .setDescription('Print farm management: organizations, printers, enrollment, queue, detection')
      .setVersion('0.1.0')
      .addCookieAuth('fh_session')
      .addBearerAuth()
      .build(),
  );
  app.getHttpAdapter().get('/api/openapi.json', (_request, response) => {
    (response as { json: (body: unknown) => void }).json(document);
  });
  serveWebApp(app, config.WEB_DIST_DIR, logger, UNPREFIXED_ROUTES);
  return app;
}
