import { createLogger, loadConfig } from '@farmhand/core';
import { createWorker } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.LOG_LEVEL);
  // A rejected promise nobody awaited is a bug to fix, but not a reason to drop every connected agent and browser.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  await createWorker(config, logger);
  logger.info('worker started');
}

main().catch((error: unknown) => {
  console.error(`farmhand worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
