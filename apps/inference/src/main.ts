import { MetricsServer, QueueWorkers, createLogger, loadConfig } from '@farmhand/core';
import { createInference } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('inference', config.LOG_LEVEL);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  const app = await createInference(config, logger);
  await app.get(MetricsServer).listenFor('inference', config);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    // Frames in flight finish within the grace period; the rest go back to the queue for another inference process.
    void app
      .get(QueueWorkers)
      .drain(config.SHUTDOWN_GRACE_MS)
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  logger.info('inference started');
}

main().catch((error: unknown) => {
  console.error(`farmhand inference failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
