import { MetricsServer, createLogger, loadConfig, publicUrlDerived } from '@farmhand/core';
import { createApiApp } from './bootstrap';
import { exitOnSignals, InFlightRequests } from './graceful-shutdown';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('api', config.LOG_LEVEL);
  if (config.NODE_ENV === 'production' && publicUrlDerived())
    logger.warn(
      { publicUrl: config.PUBLIC_URL },
      'PUBLIC_URL is not set: invitation links, agent commands and the CSRF origin use the derived address; set PUBLIC_URL to the URL people and agents use',
    );
  // A rejected promise nobody awaited is a bug to fix, but not a reason to drop every connected agent and browser.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  const app = await createApiApp(config, logger);
  const requests = new InFlightRequests(app.getHttpServer());
  exitOnSignals(app, requests, config.SHUTDOWN_GRACE_MS, logger);
  await app.listen(config.PORT, config.HOST);
  // Prometheus scrapes METRICS_PORT (default 9463, loopback unless METRICS_HOST widens it), not the public port.
  await app.get(MetricsServer).listenFor('api', config);
  logger.info({ url: `http://localhost:${config.PORT}`, publicUrl: config.PUBLIC_URL }, 'api listening');
}

main().catch((error: unknown) => {
  console.error(`farmhand api failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
