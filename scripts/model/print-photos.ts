/**
 * The shared set of real printer photos (../shared/datasets/print-photos, see its SOURCES.md): read from a directory,
 * never copied into the repository. Each photo becomes labelled examples for the head:
 * - every tile of the frame's grid (TILES in build-default-model.ts) and the whole frame (as inference scores them), labelled by the YOLO boxes
 *   where the source has them (tiles well inside a box = failure, tiles clear of every box = clean, the rest unused);
 * - crops around each box (failure);
 * - a webcam-like degraded copy of every photo (downscaled, darker or brighter, colour cast, blur, low JPEG quality).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { SeededRandom } from './seeded-random';

export const DEFAULT_PHOTOS_DIR = path.resolve(__dirname, '../../../shared/datasets/print-photos');

/** x1, y1, x2, y2 as fractions of the frame. */
export type FractionBox = [number, number, number, number];

export interface PrintPhoto {
  /** Path relative to the dataset directory. */
  file: string;
  label: 0 | 1;
  source: string;
  tier: string;
  /** Failure boxes (trusted classes only); undefined where the source has no boxes. */
  boxes?: FractionBox[];
  /** Where the boxes come from: the source's YOLO labels, or drawn by this project (data/project-boxes.json). */
  boxesFrom?: 'yolo' | 'project';
}

/** Trusted YOLO classes per source (SOURCES.md: in prottos trust class 1, spaghetti, only). */
const TRUSTED_CLASSES: Record<string, number[]> = {
  'prottos-roboflow-failure-detection': [1],
  'p3rc1va1-roboflow-3dprinting': [0],
};

function readBoxes(directory: string, labelFile: string, source: string): FractionBox[] | undefined {
  const trusted = TRUSTED_CLASSES[source];
  if (!labelFile || !trusted) return undefined;
  const text = readFileSync(path.join(directory, labelFile), 'utf8');
  const boxes: FractionBox[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/).map(Number);
    if (parts.length !== 5 || parts.some((v) => !Number.isFinite(v))) continue;
    const [cls, cx, cy, w, h] = parts;
    if (!trusted.includes(cls)) continue;
    boxes.push([Math.max(0, cx - w / 2), Math.max(0, cy - h / 2), Math.min(1, cx + w / 2), Math.min(1, cy + h / 2)]);
  }
  return boxes;
}

/**
 * Failure boxes this project drew for failure photos whose source has none (data/project-boxes.json: coordinates
 * only, keyed by file and checked against the photo's sha256 so that a changed photo is never given stale boxes).
 */
const PROJECT_BOXES_FILE = path.join(__dirname, 'data', 'project-boxes.json');

interface ProjectBoxes {
  photos: Record<string, { sha256: string; boxes: FractionBox[] }>;
}

function projectBoxes(row: Record<string, string>, drawn: ProjectBoxes): FractionBox[] | undefined {
  const entry = drawn.photos[row.file];
  if (!entry) return undefined;
  if (entry.sha256 !== row.sha256) throw new Error(`${row.file}: project boxes were drawn on another version of it`);
  return entry.boxes;
}

/** The photos listed by manifest.csv, in its order. */
export function readPrintPhotos(directory: string): PrintPhoto[] {
  const rows = parse(readFileSync(path.join(directory, 'manifest.csv')), { columns: true }) as Record<string, string>[];
  const drawn = JSON.parse(readFileSync(PROJECT_BOXES_FILE, 'utf8')) as ProjectBoxes;
  return rows.map((row) => {
    if (row.label !== 'fail' && row.label !== 'clean') throw new Error(`${row.file}: unknown label ${row.label}`);
    const label = row.label === 'fail' ? 1 : 0;
    const yolo = readBoxes(directory, row.yolo_label, row.source);
    const project = yolo || label === 0 ? undefined : projectBoxes(row, drawn);
    const boxes = yolo ?? project;
    return {
      file: row.file,
      label,
      source: row.source,
      tier: row.tier,
      ...(boxes ? { boxes, boxesFrom: yolo ? ('yolo' as const) : ('project' as const) } : {}),
    };
  });
}

function area(b: FractionBox): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

function intersection(a: FractionBox, b: FractionBox): number {
  return area([Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])]);
}

/**
 * A tile's training label from the photo's label and boxes: 1, 0, or undefined (ambiguous, not used).
 * Without boxes only the whole frame of a failure photo is labelled (the strands may be in any tile).
 */
export function tileLabel(photo: PrintPhoto, tile: { x: number; y: number; w: number; h: number }): 0 | 1 | undefined {
  const whole = tile.w >= 0.999 && tile.h >= 0.999;
  if (photo.label === 0) return 0;
  if (whole) return 1;
  if (!photo.boxes || photo.boxes.length === 0) return undefined;
  const box: FractionBox = [tile.x, tile.y, tile.x + tile.w, tile.y + tile.h];
  let covered = 0;
  let touched = false;
  for (const b of photo.boxes) {
    const inter = intersection(box, b);
    if (inter > 0.02 * area(box)) touched = true;
    if (inter >= 0.5 * area(b) || inter >= 0.25 * area(box)) covered++;
  }
  if (covered > 0) return 1;
  return touched ? undefined : 0;
}

/** A region around a failure box, widened by a margin and to at least `minSide` of the frame, as a region of interest. */
export function cropAround(
  b: FractionBox,
  margin = 0.15,
  minSide = 0.2,
): { x: number; y: number; w: number; h: number } {
  const grow = (lo: number, hi: number) => {
    const size = Math.max(minSide, (hi - lo) * (1 + 2 * margin));
    const centre = (lo + hi) / 2;
    const start = Math.min(1 - Math.min(1, size), Math.max(0, centre - size / 2));
    return [start, Math.min(1, size)] as const;
  };
  const [x, w] = grow(b[0], b[2]);
  const [y, h] = grow(b[1], b[3]);
  return { x, y, w: Math.min(w, 1 - x), h: Math.min(h, 1 - y) };
}

/**
 * A webcam-like copy of a photo: downscaled to 320-640 px wide, light level 0.45-1.15, a colour cast, sometimes
 * blur, half the time a timestamp or watermark in a corner, sensor noise, JPEG quality 25-70. Deterministic for a
 * given seed.
 */
export async function webcamAugment(image: Buffer, seed: number): Promise<Buffer> {
  const random = new SeededRandom(seed);
  const meta = await sharp(image).metadata();
  const width = Math.min(meta.width ?? 640, random.int(320, 640));
  const brightness = random.range(0.45, 1.15);
  const saturation = random.range(0.6, 1.2);
  const cast = [random.range(0.85, 1.1), random.range(0.85, 1.1), random.range(0.85, 1.1)];
  let pipeline = sharp(image)
    .rotate()
    .resize({ width })
    .removeAlpha()
    .modulate({ brightness, saturation })
    .linear(cast, [0, 0, 0]);
  if (random.chance(0.4)) pipeline = pipeline.blur(random.range(0.4, 1.2));
  if (random.chance(0.5)) {
    // A webcam's timestamp or a watermark in a corner: text is not a failure (a hard negative for both classes).
    const resized = await pipeline.raw().toBuffer({ resolveWithObject: true });
    const { width: w, height: h } = resized.info;
    const text = random.chance(0.6)
      ? `2026-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')} ${String(random.int(0, 23)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}`
      : ['OctoPrint', 'CAM 2', 'printer-07', 'Farm A / bay 3'][random.int(0, 3)];
    const size = Math.round(h * random.range(0.04, 0.07));
    const x = random.chance(0.5) ? Math.round(w * 0.02) : Math.round(w * 0.55);
    const y = random.chance(0.5) ? size + Math.round(h * 0.02) : h - Math.round(h * 0.03);
    const fill = ['#ffffff', '#ffff66', '#e0e0e0'][random.int(0, 2)];
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><text x="${x}" y="${y}" font-family="monospace" font-size="${size}" fill="${fill}" stroke="#000" stroke-width="${Math.max(1, size / 12)}">${text}</text></svg>`;
    pipeline = sharp(resized.data, { raw: resized.info }).composite([{ input: Buffer.from(svg), left: 0, top: 0 }]);
  }
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const noise = random.range(0, 10);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] + (random.next() - 0.5) * 2 * noise;
    data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .jpeg({ quality: random.int(25, 70) })
    .toBuffer();
}
