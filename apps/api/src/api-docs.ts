import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from '@farmhand/core';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

export const API_DOCS_PATH = '/api/docs';

/**
 * The docs page's own policy, stricter than none and looser than the dashboard's in one way only: Swagger UI's page
 * carries inline `<style>` and `style=` attributes (no inline script: its start-up script is a file). Everything
 * comes from this server (swagger-ui-dist), nothing from a CDN.
 */
export const API_DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Whether `/api/docs` is served: `API_DOCS_ENABLED`, else everywhere but production. */
export function apiDocsEnabled(config: AppConfig): boolean {
  return config.API_DOCS_ENABLED ?? config.NODE_ENV !== 'production';
}

/** Swagger UI for the document at `/api/docs` (when enabled). Requests are tried out with the reader's own session. */
export function serveApiDocs(
  app: NestExpressApplication,
  document: OpenAPIObject,
  config: AppConfig,
  logger: Logger,
): void {
  if (!apiDocsEnabled(config)) return;
  app.use(API_DOCS_PATH, (_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Content-Security-Policy', API_DOCS_CONTENT_SECURITY_POLICY);
    next();
  });
  SwaggerModule.setup(API_DOCS_PATH.slice(1), app, document, {
    raw: false,
    customSiteTitle: 'Farmhand API',
    // No badge from validator.swagger.io: the page talks to this server only.
    swaggerOptions: { validatorUrl: null, persistAuthorization: false, withCredentials: true },
  });
  logger.info({ path: API_DOCS_PATH }, 'API documentation served');
}
