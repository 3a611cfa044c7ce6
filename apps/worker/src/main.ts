import { createLogger, loadConfig } from '@farmhand/core';
import { createWorker } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.LOG_LEVEL);
  await createWorker(config, logger);
  logger.info('worker started');
}

main().catch((error: unknown) => {
  console.error(`farmhand worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
