import 'reflect-metadata';
import { NestFactory, Reflector } from '@nestjs/core';
import { SESSION_COOKIE } from '@farmhand/accounts';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import {
  ExceptionsFilter,
  JsonBodyOnlyInterceptor,
  crossSiteRequestMiddleware,
  SafeInputPipe,
  jsonBodyParser,
  clientAbortMiddleware,
  NestPinoLogger,
  RedisIoAdapter,
  expressErrorHandler,
  createValidationPipe,
  parseTrustedProxies,
  requestContextMiddleware,
  type AppConfig,
} from '@farmhand/core';
import { CHAT_INBOUND_PATH, chatInboundBodyParser } from '@farmhand/chatops';
import { createFarmhandDataSource } from '@farmhand/schema';
import helmet from 'helmet';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { serveAgentDownloads } from './agent-downloads';
import { serveApiDocs } from './api-docs';
import { ApiModule } from './api.module';
import { createOpenApiDocument, setApiPrefix } from './openapi-document';
import { CONTENT_SECURITY_POLICY, serveWebApp } from './web-app';

/**
 * Paths the dashboard's client-side fallback never answers: `/metrics` lives on METRICS_PORT, and is a 404 here;
 * `/agent/…` are the agent's downloads (agent-downloads.ts), and any other path there is a 404.
 */
export const SERVER_ROUTES = ['metrics', 'agent'] as const;

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
  app.use(clientAbortMiddleware(logger));
  app.use(crossSiteRequestMiddleware({ publicUrl: config.PUBLIC_URL, sessionCookie: SESSION_COOKIE }));
  // Chat platforms sign the exact bytes they send: those routes keep the raw body (and the JSON parser skips it).
  app.use(CHAT_INBOUND_PATH, chatInboundBodyParser(config.BODY_LIMIT_BYTES));
  // JSON bodies only, with an explicit size limit and nesting depth; parse errors answer 400/413 in the API's error
  // shape.
  app.use(jsonBodyParser(config.BODY_LIMIT_BYTES));
  app.use(expressErrorHandler(logger));
  setApiPrefix(app);
  // Text that PostgreSQL cannot store (NUL, lone surrogates) and prototype keys are refused before validation.
  app.useGlobalPipes(new SafeInputPipe(), createValidationPipe());
  app.useGlobalFilters(new ExceptionsFilter(logger));
  app.useGlobalInterceptors(new JsonBodyOnlyInterceptor(app.get(Reflector)));
  app.useWebSocketAdapter(new RedisIoAdapter(app, config.REDIS_URL, config.REDIS_PREFIX));
  // No enableShutdownHooks(): main.ts handles SIGTERM itself (graceful-shutdown.ts), draining before Nest closes.

  const document = createOpenApiDocument(app);
  app.getHttpAdapter().get('/api/openapi.json', (_request, response) => {
    (response as { json: (body: unknown) => void }).json(document);
  });
  serveApiDocs(app, document, config, logger);
  serveAgentDownloads(app, config, logger);
  serveWebApp(app, config.WEB_DIST_DIR, logger, SERVER_ROUTES);
  keepConnectionsLongerThanClients(app.getHttpServer() as Server);
  return app;
}

/**
 * Node closes an idle keep-alive connection after 5 s, which races a client (or a load balancer, whose idle timeout
 * is typically 60 s) reusing it: the request lands on a closing socket and fails with ECONNRESET. The server keeps
 * idle connections longer than its clients do, so the client always closes first.
 */
function keepConnectionsLongerThanClients(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}
