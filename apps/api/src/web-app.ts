import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';

/**
 * The dashboard is a single-page app with no inline script or style: its own origin for everything, images
 * also as data:/blob: URLs (thumbnails, snapshots), sockets to the same host, and no framing.
 */
export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** API and socket.io paths, and missing assets, never fall back to the app's index.html (they answer 404). */
function neverFallsBack(path: string, serverRoutes: readonly string[]): boolean {
  return ['api', 'socket.io', 'assets', ...serverRoutes].some(
    (prefix) => path === `/${prefix}` || path.startsWith(`/${prefix}/`),
  );
}

/**
 * Serves apps/web's build at `/`: hashed assets cached for a year, index.html never cached, and every other
 * GET outside the API (`/api`, `serverRoutes`) answered with index.html (client-side routes). Without a build the API still
 * starts; `/` then answers 404 and the log says how to build it.
 */
export function serveWebApp(
  app: NestExpressApplication,
  directory: string,
  logger: Logger,
  serverRoutes: readonly string[] = [],
): boolean {
  const root = resolve(directory);
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    logger.warn({ directory: root }, 'dashboard build not found; run `npm run build:web` to serve it at /');
    return false;
  }
  app.use('/assets', express.static(join(root, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  app.use(express.static(root, { index: false, maxAge: 0 }));
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || neverFallsBack(request.path, serverRoutes))
      return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
  logger.info({ directory: root }, 'serving the dashboard at /');
  return true;
}
