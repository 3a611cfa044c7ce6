import pino from 'pino';

import { parseCliOptions } from './cli-options';
import { OctoPrintFarm } from './octoprint-farm';

async function main(): Promise<void> {
  const logger = pino({ base: { role: 'octoprint-sim' } });
  const parsed = parseCliOptions(process.argv.slice(2));
  if (!parsed.ok) {
    (parsed.help ? process.stdout : process.stderr).write(`${parsed.message}\n`);
    process.exitCode = parsed.help ? 0 : 2;
    return;
  }
  const farm = new OctoPrintFarm({ ...parsed.options, logger });
  await farm.start();
  logger.info(
    {
      printers: farm.size,
      url: farm.baseUrl,
      example: farm.url(0),
      timeScale: parsed.options.timeScale,
      portPerPrinter: parsed.options.portPerPrinter,
    },
    'virtual OctoPrint farm listening',
  );
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping');
    farm.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`octoprint-sim failed to start: ${String(error)}\n`);
  process.exit(1);
});
