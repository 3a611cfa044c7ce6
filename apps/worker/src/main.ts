import { MetricsServer, createLogger, loadConfig } from '@farmhand/core';
import { createWorker } from './bootstrap';
import { exitOnSignals } from './graceful-shutdown';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.LOG_LEVEL);
  // A rejected promise nobody awaited is a bug to fix, but not a reason to drop every connected agent and browser.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  const app = await createWorker(config, logger);
  await app.get(MetricsServer).listenFor('worker', config);
  exitOnSignals(app, config.SHUTDOWN_GRACE_MS, logger);
  logger.info('worker started');
}

main().catch((error: unknown) => {
  console.error(`farmhand worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
