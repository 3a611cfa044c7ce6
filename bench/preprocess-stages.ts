/**
 * Where preprocessing's CPU goes (issue 16 point 8): `npx tsx bench/preprocess-stages.ts [--rounds 8] [--frames 24]
 * [--pairs 40]`.
 * The bench's 1280x720 JPEGs, each stage run one frame at a time, the stages interleaved round by round so that
 * a shared machine's load weighs on all of them alike; CPU of this process (all threads) per frame, median of the
 * rounds. Stages: reading the size (JS markers vs sharp's metadata()), the cost of any sharp pipeline (a 64x64
 * JPEG), decoding a 720p frame through sharp at full size and with DCT scaling (1/2, 1/4, 1/8), the sharp part of
 * the tiled path alone (the bed region at the default model's grid size, raw bytes), and the whole preprocessing of the
 * default model's input (whole region, and all its tiles). The previous tiled path (testing/previous-tiles-preprocessor.ts)
 * covers the 3x3 grid at 448x448 only (the default model's grid until 2026-12-07), so the baseline row and the current
 * path's row beside it use that grid; the bench ends with their current/baseline CPU ratio over --pairs alternating
 * pairs.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import {
  FramePreprocessor,
  parseModelManifest,
  readJpegHeader,
  tiledSize,
  tileLayout,
  type RegionOfInterest,
} from '../apps/inference/src/model';
import { PreviousTilesPreprocessor } from '../apps/inference/src/model/testing/previous-tiles-preprocessor';
import { renderSyntheticFrame } from '../scripts/model/synthetic-frames';

/** The same bed region as bench/inference.ts. */
const REGION: RegionOfInterest = { x: 0.1, y: 0.12, w: 0.8, h: 0.85 };
const LINEAR = { fit: 'fill', kernel: 'linear', fastShrinkOnLoad: true } as const;

/** The tiled path's sharp pipeline for REGION of a 1280x720 frame: the frame resized so the region is side x side. */
function gridPipeline(side: number): { width: number; height: number; extract: sharp.Region } {
  const width = Math.round(side / REGION.w);
  const height = Math.round(side / REGION.h);
  const extract = { left: Math.floor(REGION.x * width), top: Math.floor(REGION.y * height), width: side, height: side };
  return { width, height, extract };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '8' },
      frames: { type: 'string', default: '24' },
      pairs: { type: 'string', default: '40' },
    },
  });
  const rounds = Math.max(1, Number(values.rounds) || 8);
  const frames = Math.max(1, Number(values.frames) || 24);
  const pairs = Math.max(1, Number(values.pairs) || 40);
  const jpegs = (
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        renderSyntheticFrame(9000 + i, i % 2 ? 'failure' : 'clean', { width: 1280, height: 720 }),
      ),
    )
  ).map((f) => f.jpeg);
  const tiny = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3a6' } })
    .jpeg()
    .toBuffer();
  const manifest = parseModelManifest(
    JSON.parse(await readFile(path.resolve(__dirname, '..', 'models', 'default', 'manifest.json'), 'utf8')),
  );
  const tiles = manifest.tiles!;
  const count = tileLayout(tiles).length;

  const DEFAULT = `preprocess: ${count} tiles (default model, ${tiles.grid.join('x')})`;
  // The previous path's only grid, measured by both paths for the ratio.
  const previousGrid = { grid: [3, 3] as [number, number], overlap: 0.5, includeWhole: true };
  const BASELINE = 'baseline: 10 tiles (3x3), previous path';
  const CURRENT = 'preprocess: 10 tiles (3x3), current path';
  const pre = new FramePreprocessor(manifest.input);
  const side = tiledSize(pre.width, tiles.grid[0], tiles.overlap);
  const grid = gridPipeline(side);
  const previous = new PreviousTilesPreprocessor(manifest.input);
  const tensor = new Float32Array(Math.max(count, 10) * pre.frameLength);
  const frame = (i: number) => jpegs[i % jpegs.length];
  // sharp decodes at 1/s when both axes shrink by at least s + 1: these sizes get exactly that, plus a small resize.
  const scaled = (s: number) => (i: number) =>
    sharp(frame(i))
      .resize(Math.floor(1280 / (s + 1)), Math.floor(720 / (s + 1)), { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
  const stages: [string, (i: number) => unknown][] = [
    ['size: JPEG markers (jpeg-header.ts)', (i) => readJpegHeader(frame(i))],
    ['size: sharp metadata()', (i) => sharp(frame(i)).metadata()],
    ['sharp pipeline of a 64x64 JPEG', () => sharp(tiny).raw().toBuffer()],
    ['sharp decode 720p, full size', (i) => sharp(frame(i)).raw().toBuffer()],
    ['sharp decode 720p at 1/2 (+ resize)', scaled(2)],
    ['sharp decode 720p at 1/4 (+ resize)', scaled(4)],
    ['sharp decode 720p at 1/8 (+ resize)', scaled(8)],
    // What the tiled path asks of sharp for this region (no DCT scaling is within reach: 612 rows to the grid's side).
    [
      `sharp: bed region at the ${side}x${side} grid`,
      (i) => sharp(frame(i)).resize(grid.width, grid.height, LINEAR).extract(grid.extract).raw().toBuffer(),
    ],
    ['preprocess: whole region 224x224', (i) => pre.preprocessInto(frame(i), tensor, 0, REGION)],
    [BASELINE, (i) => previous.preprocessTilesInto(frame(i), tensor, 0, previousGrid, REGION)],
    [CURRENT, (i) => pre.preprocessTilesInto(frame(i), tensor, 0, previousGrid, REGION)],
    [DEFAULT, (i) => pre.preprocessTilesInto(frame(i), tensor, 0, tiles, REGION)],
  ];
  const perRound = new Map<string, number[]>(stages.map(([name]) => [name, []]));
  for (const [, run] of stages) for (let i = 0; i < 8; i++) await run(i); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of round % 2 ? stages : [...stages].reverse()) {
      const cpu = process.cpuUsage();
      for (let i = 0; i < frames; i++) await run(i);
      const used = process.cpuUsage(cpu);
      perRound.get(name)!.push((used.user + used.system) / 1000 / frames);
    }
  }
  console.log(
    `# sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, ${rounds} rounds of ${frames} frames, one at a time`,
  );
  for (const [name] of stages) {
    const sorted = [...perRound.get(name)!].sort((a, b) => a - b);
    console.log(`${name.padEnd(40)} ${sorted[Math.floor(sorted.length / 2)].toFixed(3).padStart(8)} ms CPU per frame`);
  }
  // The baseline and the current tiled path once more, in many short alternating pairs: on a loaded machine the
  // per-round figures above swing by more than the difference between the two.
  const current = stages.find(([name]) => name === CURRENT)![1];
  const baseline = stages.find(([name]) => name === BASELINE)![1];
  const ratios: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const used: number[] = [];
    for (const run of pair % 2 ? [baseline, current] : [current, baseline]) {
      const cpu = process.cpuUsage();
      for (let i = 0; i < 8; i++) await run(pair * 8 + i);
      const { user, system } = process.cpuUsage(cpu);
      used.push(user + system);
    }
    ratios.push(pair % 2 ? used[1] / used[0] : used[0] / used[1]);
  }
  ratios.sort((a, b) => a - b);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))].toFixed(3);
  console.log(
    `3x3 grid (10 tiles) current/baseline CPU ratio: ${at(0.5)} (median of ${pairs} pairs of 8 frames; quartiles ${at(0.25)}-${at(0.75)})`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
