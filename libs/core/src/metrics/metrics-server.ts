import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.schema';
import { LOGGER } from '../logging/logging.module';
import { MetricsService } from './metrics.service';

/** Where each role exposes `/metrics` when METRICS_PORT is not set (0 turns it off). */
export const DEFAULT_METRICS_PORTS = { api: 9463, worker: 9464, inference: 9465 } as const;

/**
 * `/metrics` of every role on a listener of its own: a bare node:http server that answers `GET /metrics` and nothing
 * else, bound to METRICS_HOST (loopback by default). Never on the api's public port: the numbers need no credential,
 * so only what can reach this port (the host, or a cluster's scraper) reads them.
 */
@Injectable()
export class MetricsServer implements OnApplicationShutdown {
  private server: Server | null = null;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The role's listener as configured: METRICS_PORT, else the role's default port; METRICS_PORT=0 serves nothing. */
  listenFor(
    role: keyof typeof DEFAULT_METRICS_PORTS,
    config: Pick<AppConfig, 'METRICS_PORT' | 'METRICS_HOST'>,
  ): Promise<number | null> {
    const port = config.METRICS_PORT ?? DEFAULT_METRICS_PORTS[role];
    return port === 0 ? Promise.resolve(null) : this.listen(port, config.METRICS_HOST);
  }

  /**
   * Listens on `port` (0: any free port) and resolves with the port in use, or null. A port already taken is logged,
   * not fatal: a worker that cannot be scraped still has jobs to run.
   */
  async listen(port: number, host = '127.0.0.1'): Promise<number | null> {
    if (this.server) return this.port();
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      this.metrics.render().then(
        (text) => {
          response.writeHead(200, { 'content-type': this.metrics.contentType, 'cache-control': 'no-store' });
          response.end(request.method === 'HEAD' ? undefined : text);
        },
        (error: unknown) => {
          this.logger.warn({ err: error }, 'could not render metrics');
          response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
        },
      );
    });
    // Scrapes are short: a stuck client must not hold a socket open for ever.
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', (error) => {
        this.logger.error({ err: error, port }, 'metrics listener could not start; /metrics is not served');
        resolve(false);
      });
      server.listen(port, host, () => resolve(true));
    });
    if (!listening) return null;
    this.server = server;
    const bound = this.port();
    this.logger.info({ port: bound }, 'metrics served at /metrics');
    return bound;
  }

  port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
