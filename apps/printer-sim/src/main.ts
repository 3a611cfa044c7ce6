import pino from 'pino';

import { parseCliOptions } from './cli-options';
import { createSimFarm } from './fronts';

async function main(): Promise<void> {
  const parsed = parseCliOptions(process.argv.slice(2));
  if (!parsed.ok) {
    (parsed.help ? process.stdout : process.stderr).write(`${parsed.message}\n`);
    process.exitCode = parsed.help ? 0 : 2;
    return;
  }
  const logger = pino({ base: { role: 'printer-sim', kind: parsed.kind } });
  const farm = createSimFarm(parsed.kind, { ...parsed.options, logger });
  await farm.start();
  logger.info(
    {
      printers: farm.size,
      example: farm.url(0),
      timeScale: parsed.options.timeScale,
      portPerPrinter: parsed.options.portPerPrinter,
    },
    `virtual ${parsed.kind} farm listening`,
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
  process.stderr.write(`printer-sim failed to start: ${String(error)}\n`);
  process.exit(1);
});
