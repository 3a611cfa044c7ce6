import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { AgentConnectionsService } from '@farmhand/agents';
import { HealthService } from '@farmhand/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';

/** How long Nest's own close (socket.io, Redis, the pool) may take once requests are done, before the exit anyway. */
const CLOSE_TIMEOUT_MS = 10_000;
/** Keep-alive connections that fall idle while draining are closed this often. */
const IDLE_SWEEP_MS = 100;

/** Counts HTTP requests being served (socket.io's own transport requests excluded: those are closed, not awaited). */
export class InFlightRequests {
  private count = 0;
  private draining = false;
  private readonly waiters = new Set<() => void>();

  constructor(server: Server) {
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      if (request.url?.startsWith('/socket.io/')) return;
      this.count += 1;
      // A request on a connection opened before the listener closed is served, but the connection goes after it.
      if (this.draining && !response.headersSent) response.setHeader('connection', 'close');
      response.once('close', () => {
        this.count -= 1;
        if (this.count === 0) for (const resolve of this.waiters) resolve();
      });
    });
  }

  get size(): number {
    return this.count;
  }

  /** Resolves true when no request is in flight, false if `timeoutMs` passes first. */
  async settle(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    if (this.count === 0) return true;
    let done!: () => void;
    const settled = new Promise<void>((resolve) => (done = resolve));
    this.waiters.add(done);
    const timer = new AbortController();
    try {
      return await Promise.race([
        settled.then(() => true),
        delay(timeoutMs, false, { signal: timer.signal }).catch(() => false),
      ]);
    } finally {
      this.waiters.delete(done);
      timer.abort();
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  const timer = new AbortController();
  return Promise.race([
    promise.finally(() => timer.abort()),
    delay(ms, 'timeout' as const, { signal: timer.signal }).catch(() => 'timeout' as const),
  ]);
}

/**
 * Stops the api the way a rolling deploy needs (SIGTERM), and returns the exit code:
 *  1. readiness answers 503 `shutting_down`, the listener closes (new connections are refused) and new agent
 *     handshakes on open connections are refused;
 *  2. every agent socket is told to reconnect elsewhere (`server_closing`, a spread window) and closed, so agents
 *     move to the other instances at once instead of waiting for the requests below;
 *  3. in-flight HTTP requests finish, within `graceMs`; idle keep-alive connections are closed as they fall idle,
 *     and whatever is still open after the grace period is cut;
 *  4. Nest closes the rest (dashboard sockets, which reconnect by themselves, Redis, the database pool).
 */
export async function shutDownApi(
  app: NestExpressApplication,
  requests: InFlightRequests,
  graceMs: number,
  logger: Logger,
): Promise<number> {
  const startedAt = Date.now();
  const server = app.getHttpServer() as Server;
  app.get(HealthService).beginDraining();
  server.close();
  const agents = await app.get(AgentConnectionsService).drain();
  logger.info({ agents, inFlight: requests.size, graceMs }, 'shutting down: listener closed, agents sent elsewhere');

  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const finished = await requests.settle(graceMs);
  clearInterval(sweep);
  if (!finished) logger.warn({ inFlight: requests.size }, 'grace period over: cutting the requests still running');
  server.closeAllConnections();

  const closed = await withTimeout(
    app.close().then(
      () => true,
      (error: unknown) => {
        logger.error({ err: error }, 'error while closing the api');
        return false;
      },
    ),
    CLOSE_TIMEOUT_MS,
  );
  const durationMs = Date.now() - startedAt;
  if (closed !== true) {
    logger.error({ durationMs, closed }, 'api did not close cleanly');
    return 1;
  }
  logger.info({ durationMs, requestsFinished: finished }, 'api stopped');
  return 0;
}

/** SIGTERM (and SIGINT, for a terminal) run `shutDownApi` once and exit with its code. */
export function exitOnSignals(
  app: NestExpressApplication,
  requests: InFlightRequests,
  graceMs: number,
  logger: Logger,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    void shutDownApi(app, requests, graceMs, logger).then(
      (code) => process.exit(code),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
