import { parseArgs } from 'node:util';

import { SIM_KINDS } from './core/sim-kind';
import type { SimFarmOptions, SimKind } from './core/sim-kind';

export const USAGE = `Usage: printer-sim [options]

  --kind K              the printer software to simulate: ${SIM_KINDS.join('|')} (default octoprint)
  --printers N          number of virtual printers (default 1)
  --port P              shared port; printer i is served under /p/<i> (default 5000, 0 = any free port)
  --host H              address to listen on (default 127.0.0.1)
  --time-scale X        simulated seconds per real second (default 1)
  --api-key K           LAN secret every printer expects (API key; Bambu: access code; default per kind,
                        env PRINTER_SIM_API_KEY, or OCTOPRINT_SIM_API_KEY for octoprint)
  --port-per-printer    also serve printer i at the root of port P+1+i
  --start-offline       printers start disconnected from their serial port
  --max-upload-mb M     largest accepted upload (default 256)
  --webcam-photos C,F   the webcam serves JPEG C (clean) and, once a printer has spaghetti, F (failure) instead of
                        drawings, e.g. photos from ../shared/datasets/print-photos
  --webcam-photo-printers LIST
                        only these printers (comma-separated indices) serve the photos (default: all)
  --help                show this help

Test controls (POST): /sim/p/<i>/fail, /offline, /online, /spaghetti ({"on":false} to stop), /disconnect`;

export type CliResult =
  { ok: true; kind: SimKind; options: SimFarmOptions } | { ok: false; message: string; help?: boolean };

export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): CliResult {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        kind: { type: 'string', default: 'octoprint' },
        printers: { type: 'string', default: '1' },
        port: { type: 'string', default: '5000' },
        host: { type: 'string', default: '127.0.0.1' },
        'time-scale': { type: 'string', default: '1' },
        'api-key': { type: 'string' },
        'port-per-printer': { type: 'boolean', default: false },
        'start-offline': { type: 'boolean', default: false },
        'max-upload-mb': { type: 'string', default: '256' },
        'webcam-photos': { type: 'string' },
        'webcam-photo-printers': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  if (values.help) return { ok: false, message: USAGE, help: true };
  const kind = values.kind as SimKind;
  if (!SIM_KINDS.includes(kind)) return { ok: false, message: `--kind: one of ${SIM_KINDS.join(', ')}` };
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
  let webcamPhotos: SimFarmOptions['webcamPhotos'];
  if (values['webcam-photos'] !== undefined) {
    const files = values['webcam-photos'].split(',');
    if (files.length !== 2 || files.some((file) => file.trim() === '')) {
      return { ok: false, message: '--webcam-photos: two JPEG files, clean,failure' };
    }
    webcamPhotos = { clean: files[0], failure: files[1] };
    if (values['webcam-photo-printers'] !== undefined) {
      const indices = values['webcam-photo-printers'].split(',').map(Number);
      if (indices.some((index) => !Number.isInteger(index) || index < 0 || index >= printers)) {
        return { ok: false, message: `--webcam-photo-printers: printer indices 0..${printers - 1}` };
      }
      webcamPhotos.printers = indices;
    }
  } else if (values['webcam-photo-printers'] !== undefined) {
    return { ok: false, message: '--webcam-photo-printers needs --webcam-photos' };
  }
  const apiKey =
    values['api-key'] ?? env.PRINTER_SIM_API_KEY ?? (kind === 'octoprint' ? env.OCTOPRINT_SIM_API_KEY : undefined);
  if (apiKey?.length === 0) return { ok: false, message: '--api-key must not be empty' };
  return {
    ok: true,
    kind,
    options: {
      printers,
      port,
      host: values.host,
      timeScale,
      ...(apiKey === undefined ? {} : { apiKey }),
      portPerPrinter: values['port-per-printer'],
      startConnected: !values['start-offline'],
      maxUploadBytes: Math.floor(maxUploadMb * 1024 * 1024),
      ...(webcamPhotos ? { webcamPhotos } : {}),
    },
  };
}
