import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@farmhand/core';
import { AGENT_DOWNLOAD_PATHS, agentChecksumLine, agentInstallScript } from '@farmhand/enrollment';
import { CURRENT_AGENT_VERSION } from '@farmhand/protocol';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

/** The bundle as served now: read once per change of the file, hashed once. */
interface LoadedBundle {
  bytes: Buffer;
  sha256: string;
  mtimeMs: number;
  size: number;
}

/** Where every download lives (`AGENT_DOWNLOAD_PATHS`); the dashboard's client-side fallback never answers it. */
export const AGENT_DOWNLOADS_PREFIX = '/agent';

/** Header naming the agent release of a download. */
export const AGENT_VERSION_HEADER = 'x-farmhand-agent-version';

/**
 * Serves the agent to the farm's hosts, outside `/api` and without a session (like the dashboard's files):
 * `/agent/install.sh` (a POSIX script for this PUBLIC_URL that pins the bundle's SHA-256), `/agent/farmhand-agent.cjs`,
 * `/agent/farmhand-agent.cjs.sha256` and `/agent/version.json`. The bundle is AGENT_BUNDLE_PATH, built from the same
 * tree as the api (`node apps/agent/build.mjs`; the image does it); re-read when the file changes. Without it, each
 * path answers 404 `agent_bundle_missing` and the log says how to build it.
 */
export function serveAgentDownloads(app: NestExpressApplication, config: AppConfig, logger: Logger): void {
  const path = resolve(config.AGENT_BUNDLE_PATH);
  let loaded: LoadedBundle | null = null;
  let warned = false;

  async function bundle(): Promise<LoadedBundle | null> {
    let info;
    try {
      info = await stat(path);
    } catch {
      if (!warned) logger.warn({ path }, 'agent bundle not found; run `node apps/agent/build.mjs` to serve it');
      warned = true;
      return null;
    }
    if (loaded && loaded.mtimeMs === info.mtimeMs && loaded.size === info.size) return loaded;
    const bytes = await readFile(path);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    loaded = { bytes, sha256, mtimeMs: info.mtimeMs, size: info.size };
    logger.info({ path, version: CURRENT_AGENT_VERSION, sha256, bytes: bytes.length }, 'serving the agent bundle');
    return loaded;
  }

  const routes: Record<string, (response: Response, served: LoadedBundle) => void> = {
    [AGENT_DOWNLOAD_PATHS.installScript]: (response, served) => {
      response.type('text/x-shellscript; charset=utf-8');
      response.send(
        agentInstallScript({ serverUrl: config.PUBLIC_URL, version: CURRENT_AGENT_VERSION, sha256: served.sha256 }),
      );
    },
    [AGENT_DOWNLOAD_PATHS.bundle]: (response, served) => {
      response.type('application/javascript');
      response.setHeader('Content-Disposition', 'attachment; filename="farmhand-agent.cjs"');
      response.setHeader('Digest', `sha-256=${Buffer.from(served.sha256, 'hex').toString('base64')}`);
      response.send(served.bytes);
    },
    [AGENT_DOWNLOAD_PATHS.checksum]: (response, served) => {
      response.type('text/plain; charset=utf-8');
      response.send(agentChecksumLine(served.sha256));
    },
    [AGENT_DOWNLOAD_PATHS.manifest]: (response, served) => {
      response.json({ version: CURRENT_AGENT_VERSION, sha256: served.sha256, bytes: served.size });
    },
  };

  app.use(AGENT_DOWNLOADS_PREFIX, (request: Request, response: Response, next: NextFunction) => {
    const route = routes[`${AGENT_DOWNLOADS_PREFIX}${request.path}`];
    if (!route || (request.method !== 'GET' && request.method !== 'HEAD')) return next();
    bundle().then(
      (served) => {
        // Always the bundle of now: a cached script would pin an old checksum.
        response.setHeader('Cache-Control', 'no-cache');
        response.setHeader(AGENT_VERSION_HEADER, CURRENT_AGENT_VERSION);
        if (!served) {
          response.status(404).json({
            error: { code: 'agent_bundle_missing', message: 'This server has no agent bundle to serve.' },
          });
          return;
        }
        route(response, served);
      },
      (error: unknown) => next(error),
    );
  });
}
