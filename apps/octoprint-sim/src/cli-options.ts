import { parseArgs } from 'node:util';

import { DEFAULT_API_KEY } from './octoprint-farm';
import type { FarmOptions } from './octoprint-farm';

export const USAGE = `Usage: octoprint-sim [options]

  --printers N          number of virtual printers (default 1)
  --port P              shared port; printer i is served under /p/<i> (default 5000, 0 = any free port)
  --host H              address to listen on (default 127.0.0.1)
  --time-scale X        simulated seconds per real second (default 1)
  --api-key K           API key every printer expects (default ${DEFAULT_API_KEY}, env OCTOPRINT_SIM_API_KEY)
  --port-per-printer    also serve printer i at the root of port P+1+i
  --start-offline       printers start disconnected from their serial port
  --max-upload-mb M     largest accepted upload (default 256)
  --help                show this help

Test controls (POST): /sim/p/<i>/fail, /offline, /online, /spaghetti ({"on":false} to stop), /disconnect`;

export type CliResult = { ok: true; options: FarmOptions } | { ok: false; message: string; help?: boolean };

export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): CliResult {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        printers: { type: 'string', default: '1' },
        port: { type: 'string', default: '5000' },
        host: { type: 'string', default: '127.0.0.1' },
        'time-scale': { type: 'string', default: '1' },
        'api-key': { type: 'string' },
        'port-per-printer': { type: 'boolean', default: false },
        'start-offline': { type: 'boolean', default: false },
        'max-upload-mb': { type: 'string', default: '256' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  if (values.help) return { ok: false, message: USAGE, help: true };
  const printers = Number(values.printers);
  const port = Number(values.port);
  const timeScale = Number(values['time-scale']);
  const maxUploadMb = Number(values['max-upload-mb']);
  if (!Number.isInteger(printers) || printers < 1 || printers > 10_000)
    return { ok: false, message: '--printers: 1..10000' };
  if (!Number.isInteger(port) || port < 0 || port > 65_535) return { ok: false, message: '--port: 0..65535' };
  if (!Number.isFinite(timeScale) || timeScale <= 0 || timeScale > 100_000) {
    return { ok: false, message: '--time-scale: a positive number up to 100000' };
  }
  if (!Number.isFinite(maxUploadMb) || maxUploadMb <= 0 || maxUploadMb > 4_096) {
    return { ok: false, message: '--max-upload-mb: 1..4096' };
  }
  const apiKey = values['api-key'] ?? env.OCTOPRINT_SIM_API_KEY ?? DEFAULT_API_KEY;
  if (apiKey.length === 0) return { ok: false, message: '--api-key must not be empty' };
  return {
    ok: true,
    options: {
      printers,
      port,
      host: values.host,
      timeScale,
      apiKey,
      portPerPrinter: values['port-per-printer'],
      startConnected: !values['start-offline'],
      maxUploadBytes: Math.floor(maxUploadMb * 1024 * 1024),
    },
  };
}
