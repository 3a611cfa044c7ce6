import { setTimeout as delay } from 'node:timers/promises';
import { QueueWorkers } from '@farmhand/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';

/** How long Nest's own close (Redis, the database pool) may take once the jobs are done. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Stops the worker on SIGTERM and returns the exit code: no new jobs are taken, running ones finish within
 * `graceMs`; any still running then go back to the queue for another worker, and the process exits without
 * waiting for them (their connections die with it, like a killed worker's, minus the lock expiry).
 */
export async function shutDownWorker(app: INestApplicationContext, graceMs: number, logger: Logger): Promise<number> {
  const startedAt = Date.now();
  const handedBack = await app.get(QueueWorkers).drain(graceMs);
  if (handedBack > 0) {
    logger.warn({ handedBack, durationMs: Date.now() - startedAt }, 'worker stopped, jobs handed back');
    return 0;
  }
  const timer = new AbortController();
  const closed = await Promise.race([
    app.close().then(
      () => true,
      (error: unknown) => {
        logger.error({ err: error }, 'error while closing the worker');
        return false;
      },
    ),
    delay(CLOSE_TIMEOUT_MS, false, { signal: timer.signal }).catch(() => false),
  ]);
  timer.abort();
  logger.info({ durationMs: Date.now() - startedAt, closed }, 'worker stopped');
  return closed ? 0 : 1;
}

/** SIGTERM (and SIGINT, for a terminal) run `shutDownWorker` once and exit with its code. */
export function exitOnSignals(app: INestApplicationContext, graceMs: number, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    void shutDownWorker(app, graceMs, logger).then(
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
