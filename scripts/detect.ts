/**
 * Scores images with a detection model, one line per image:
 *   npx tsx scripts/detect.ts <image files...> [--model <dir>] [--roi x,y,w,h] [--providers webgpu,cpu]
 * The score is the frame score p the scoring over time consumes (sum of detection confidences, or the failure
 * probability). Exit status 1 when an image could not be scored.
 */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DetectionModel, parseExecutionProviders, type RegionOfInterest } from '../apps/inference/src/model';

const USAGE = 'usage: npx tsx scripts/detect.ts <image files...> [--model <dir>] [--roi x,y,w,h] [--providers cpu]';
const MAX_FILE_BYTES = 50 * 1024 * 1024;

function parseRegion(value: string | undefined): RegionOfInterest | undefined {
  if (!value) return undefined;
  const parts = value.split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)))
    throw new Error(`--roi wants four fractions x,y,w,h, got ${value}`);
  const [x, y, w, h] = parts;
  return { x, y, w, h };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: 'string', default: path.resolve(__dirname, '..', 'models', 'default') },
      roi: { type: 'string' },
      providers: { type: 'string', default: process.env.INFERENCE_PROVIDERS ?? 'cpu' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const regionOfInterest = parseRegion(values.roi);
  const model = await DetectionModel.load(values.model!, {
    providers: parseExecutionProviders(values.providers),
    logger,
    // Phone photos can be large; frames from the agent are held to the api's stricter limits.
    preprocess: { maxInputBytes: MAX_FILE_BYTES, limitInputPixels: 100_000_000 },
  });
  let failures = 0;
  try {
    for (let start = 0; start < positionals.length; start += model.maxBatchSize) {
      const files = positionals.slice(start, start + model.maxBatchSize);
      const frames = [];
      const unreadable = new Map<string, string>();
      for (const file of files) {
        try {
          const info = await stat(file);
          if (info.size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
          frames.push({ id: file, image: await readFile(file), regionOfInterest });
        } catch (error) {
          unreadable.set(file, (error as Error).message);
        }
      }
      const results = new Map((await model.runBatch(frames)).map((r) => [r.id, r]));
      for (const file of files) {
        const result = results.get(file);
        if (!result || !result.ok) {
          failures += 1;
          const reason = result && !result.ok ? `${result.error.code}: ${result.error.message}` : unreadable.get(file);
          process.stdout.write(`${file}\terror\t${reason}\n`);
          continue;
        }
        let detail = result.detections ? `\tdetections=${result.detections.length}` : '';
        if (result.tiles && result.tiles.length > 1) {
          const hot = result.tiles.reduce((a, b) => (b.score > a.score ? b : a));
          detail += `\thottest tile x=${hot.x.toFixed(2)} y=${hot.y.toFixed(2)} w=${hot.w.toFixed(2)} h=${hot.h.toFixed(2)}`;
        }
        process.stdout.write(`${file}\tscore=${result.score.toFixed(4)}${detail}\n`);
      }
    }
  } finally {
    await model.close();
  }
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  },
);
