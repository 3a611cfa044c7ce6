import { readFile, stat } from 'node:fs/promises';

/** Real photos the simulated webcam serves instead of its drawings: one while the print is fine, one on failure. */
export interface WebcamPhotoOptions {
  /** JPEG shown while the print is fine (e.g. a clean frame from ../shared/datasets/print-photos). */
  clean: string;
  /** JPEG shown once the print has spaghetti (`POST /sim/p/<i>/spaghetti`). */
  failure: string;
  /** The printers (indices) that show the photos; every printer when absent. */
  printers?: number[];
}

export interface WebcamPhotos {
  clean: Buffer;
  failure: Buffer;
  printers: ReadonlySet<number> | null;
}

/** A webcam snapshot larger than this is not one; refuse at start rather than on every frame. */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

async function readJpeg(file: string, what: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    if (info.size > MAX_PHOTO_BYTES) throw new Error(`larger than ${MAX_PHOTO_BYTES} bytes`);
    bytes = await readFile(file);
  } catch (error) {
    throw new Error(`${what} photo ${file}: ${(error as Error).message}`);
  }
  // Every front serves JPEG snapshots (OctoPrint, Moonraker, the Bambu camera stream), and the agent and api expect one.
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8)
    throw new Error(`${what} photo ${file} is not a JPEG`);
  return bytes;
}

export async function loadWebcamPhotos(options: WebcamPhotoOptions): Promise<WebcamPhotos> {
  return {
    clean: await readJpeg(options.clean, 'clean'),
    failure: await readJpeg(options.failure, 'failure'),
    printers: options.printers ? new Set(options.printers) : null,
  };
}

/** The photo printer `printer` shows now (failure once it has spaghetti), or null when it shows drawings. */
export function photoFor(
  photos: WebcamPhotos | null,
  printer: { readonly index: number; readonly spaghetti: boolean },
): Buffer | null {
  if (!photos || (photos.printers && !photos.printers.has(printer.index))) return null;
  return printer.spaghetti ? photos.failure : photos.clean;
}
