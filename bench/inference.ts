/**
 * Inference benchmark (issue 6 point 9, issue 12 point 10, issue 16 point 8):
 *   npx tsx bench/inference.ts [--model models/default] [--providers cpu] [--threads 0] [--scale 1] [--skip-yolo]
 * For the default model (every frame scored on its tiles: 26 rows of 224x224 per frame, a 5x5 grid and the whole region), for the same backbone on
 * the whole region only (one row per frame) and for a random-weight graph with Obico's YOLOv2 architecture at
 * 416x416 (generated here, never written to disk), at batch 1, 4 and 16 frames:
 * - pipeline: JPEG decode + crop + resize + normalize (sharp) -> micro-batcher -> one session.run per batch ->
 *   decode, with 2B frames in flight so the next batch is decoded while the current one runs; frames/s and the
 *   per-frame latency from submit to result (p50/p95);
 * - raw: session.run on a ready-made tensor of the same batch size: the limit the pipeline can approach.
 * - serial (default model, batch 16): the pipeline with one batch at a time, i.e. without that overlap.
 * - preprocess: the preprocessing alone (decode, region, resize, tiles, normalization), CPU per frame.
 * It ends with the printers one CPU core serves at one frame per 10 s (from the pipeline's CPU per frame at batch
 * 16) and the pipeline/raw throughput ratio at batch 16 for the default model: the median of three interleaved
 * raw/pipeline rounds, because a shared machine makes one pair of runs noisy.
 */
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { MicroBatcher } from '../apps/inference/src/batching';
import {
  DetectionModel,
  parseExecutionProviders,
  parseModelManifest,
  type DetectionFrame,
  type DetectionResult,
  type ExecutionProvider,
  type RegionOfInterest,
} from '../apps/inference/src/model';
import { renderSyntheticFrame } from '../scripts/model/synthetic-frames';
import { YOLO_SIZE, buildRandomYoloV2Graph } from '../scripts/model/yolov2-graph';

const BATCH_SIZES = [1, 4, 16] as const;
/** The bed area of a 1280x720 webcam frame, so the crop is part of what is measured. */
const REGION: RegionOfInterest = { x: 0.1, y: 0.12, w: 0.8, h: 0.85 };

interface Measurement {
  model: string;
  provider: string;
  mode: 'pipeline' | 'serial' | 'raw' | 'preprocess';
  batch: number;
  frames: number;
  framesPerSecond: number;
  /** pipeline: per frame, submit to result; raw: per session.run. */
  p50: number;
  p95: number;
  /** CPU time of this process (all its threads) per frame: steadier than wall time on a shared machine. */
  cpuPerFrame: number;
}

function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

async function webcamFrames(count: number): Promise<Buffer[]> {
  const frames = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      renderSyntheticFrame(9000 + i, i % 2 ? 'failure' : 'clean', { width: 1280, height: 720 }),
    ),
  );
  return frames.map((f) => f.jpeg);
}

/** Raw throughput: the session alone on a ready-made input tensor (a frame = its tiles' rows). */
async function measureRaw(model: DetectionModel, label: string, batch: number, runs: number): Promise<Measurement> {
  const [, channels, height, width] = model.manifest.input.shape;
  const rows = batch * model.tiles.length;
  const data = new Float32Array(rows * channels * height * width);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 1000) / 1000;
  const feeds = { [model.manifest.input.name]: new ort.Tensor('float32', data, [rows, channels, height, width]) };
  await model.session.run(feeds); // warm-up for this shape
  const durations: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await model.session.run(feeds);
    durations.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpu);
  return {
    model: label,
    provider: model.provider,
    mode: 'raw',
    batch,
    frames: batch * runs,
    framesPerSecond: (batch * runs) / seconds,
    p50: percentile(durations, 0.5),
    p95: percentile(durations, 0.95),
    cpuPerFrame: (cpuUsed.user + cpuUsed.system) / 1000 / (batch * runs),
  };
}

/** The whole pipeline under load: 2B frames in flight, each result awaited by the frame that asked. */
async function measurePipeline(
  model: DetectionModel,
  label: string,
  jpegs: Buffer[],
  batch: number,
  frames: number,
  overlap = true,
): Promise<Measurement> {
  // Two batches in flight let sharp decode batch k+1 on its threads while session.run holds the main thread for k.
  const batcher = new MicroBatcher<DetectionFrame, DetectionResult>((items) => model.runBatch(items), {
    maxBatchSize: batch,
    maxWaitMs: 5,
    maxConcurrentBatches: overlap ? 2 : 1,
  });
  const latencies: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  await new Promise<void>((resolve, reject) => {
    let submitted = 0;
    let completed = 0;
    const launch = () => {
      while (submitted < frames && submitted - completed < 2 * batch) {
        const index = submitted++;
        const t0 = performance.now();
        batcher
          .submit({ id: String(index), image: jpegs[index % jpegs.length], regionOfInterest: REGION })
          .then((result) => {
            if (!result.ok) return reject(new Error(`frame ${result.id}: ${result.error.message}`));
            latencies.push(performance.now() - t0);
            completed += 1;
            if (completed === frames) resolve();
            else launch();
          }, reject);
      }
    };
    launch();
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpu);
  await batcher.close();
  return {
    model: label,
    provider: model.provider,
    mode: overlap ? 'pipeline' : 'serial',
    batch,
    frames,
    framesPerSecond: frames / seconds,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    cpuPerFrame: (cpuUsed.user + cpuUsed.system) / 1000 / frames,
  };
}

/** Preprocessing alone, with `inFlight` frames at a time as in the pipeline: CPU of this process per frame. */
async function measurePreprocess(
  model: DetectionModel,
  label: string,
  jpegs: Buffer[],
  frames: number,
  inFlight = 32,
): Promise<Measurement> {
  const chunk = Math.min(inFlight, model.maxBatchSize);
  const durations: number[] = [];
  await model.prepare([{ id: 'warm-up', image: jpegs[0], regionOfInterest: REGION }]).then((b) => model.release(b));
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let done = 0; done < frames;) {
    const count = Math.min(chunk, frames - done);
    const batch = Array.from({ length: count }, (_, k) => ({
      id: String(done + k),
      image: jpegs[(done + k) % jpegs.length],
      regionOfInterest: REGION,
    }));
    const t0 = performance.now();
    const prepared = await model.prepare(batch);
    durations.push((performance.now() - t0) / count);
    if (prepared.rejections.some((r) => r)) throw new Error('a bench frame was rejected');
    model.release(prepared);
    done += count;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpu);
  return {
    model: label,
    provider: '-',
    mode: 'preprocess',
    batch: chunk,
    frames,
    framesPerSecond: frames / seconds,
    p50: percentile(durations, 0.5),
    p95: percentile(durations, 0.95),
    cpuPerFrame: (cpuUsed.user + cpuUsed.system) / 1000 / frames,
  };
}

function row(m: Measurement): string {
  const cells = [
    m.model.padEnd(22),
    m.provider.padEnd(8),
    m.mode.padEnd(9),
    String(m.batch).padStart(5),
    String(m.frames).padStart(7),
    m.framesPerSecond.toFixed(2).padStart(9),
    m.p50.toFixed(1).padStart(9),
    m.p95.toFixed(1).padStart(9),
    m.cpuPerFrame.toFixed(1).padStart(12),
  ];
  return cells.join('  ');
}

async function benchmarkModel(
  model: DetectionModel,
  label: string,
  jpegs: Buffer[],
  plan: Record<number, { rawRuns: number; pipelineFrames: number }>,
): Promise<Measurement[]> {
  const results: Measurement[] = [];
  for (const batch of BATCH_SIZES) {
    const { rawRuns, pipelineFrames } = plan[batch];
    const raw = await measureRaw(model, label, batch, rawRuns);
    console.log(row(raw));
    const pipeline = await measurePipeline(model, label, jpegs, batch, pipelineFrames);
    console.log(row(pipeline));
    results.push(raw, pipeline);
  }
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: path.resolve(__dirname, '..', 'models', 'default') },
      providers: { type: 'string', default: process.env.INFERENCE_PROVIDERS ?? 'cpu' },
      threads: { type: 'string', default: '0' },
      scale: { type: 'string', default: '1' },
      'skip-yolo': { type: 'boolean', default: false },
    },
  });
  const providers: ExecutionProvider[] = parseExecutionProviders(values.providers);
  const threads = Number(values.threads) || undefined;
  const scale = Math.max(0.25, Number(values.scale) || 1);
  const n = (count: number) => Math.max(1, Math.round(count * scale));

  console.log(
    `# ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, onnxruntime-node ${ort.env.versions.node ?? '?'}, ` +
      `sharp ${sharp.versions.sharp} (libvips threads per image ${sharp.concurrency()}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? 4}), ` +
      `providers ${providers.join(',')}, intra-op threads ${threads ?? 'default'}`,
  );
  const jpegs = await webcamFrames(8);
  console.log(
    `# inputs: 8 synthetic 1280x720 JPEG frames (${Math.round(jpegs.reduce((a, b) => a + b.length, 0) / 8 / 1024)} KiB each), region of interest ${JSON.stringify(REGION)}`,
  );
  console.log(
    `# pipeline latency is per frame (submit to result, with 2B frames in flight); raw latency is per session.run`,
  );
  console.log(
    [
      'model'.padEnd(22),
      'provider',
      'mode     ',
      'batch',
      ' frames',
      ' frames/s',
      '  p50 ms',
      '  p95 ms',
      'cpu ms/frame',
    ].join('  '),
  );

  const detector = await DetectionModel.load(values.model!, {
    providers,
    intraOpNumThreads: threads,
    maxBatchSize: 16,
  });
  const label = `default (${detector.tiles.length} tiles)`;
  const tilesPerFrame = detector.tiles.length;
  // A frame costs tilesPerFrame rows: fewer runs keep the bench's length comparable to a one-row model.
  const k = (count: number) => n(Math.max(1, Math.round(count / tilesPerFrame)));
  let defaultResults: Measurement[];
  const wholeResults: Measurement[] = [];
  try {
    defaultResults = await benchmarkModel(detector, label, jpegs, {
      1: { rawRuns: k(100), pipelineFrames: k(100) },
      4: { rawRuns: k(30), pipelineFrames: k(160) },
      16: { rawRuns: Math.max(2, k(10)), pipelineFrames: Math.max(32, k(320)) },
    });
    // The same pipeline without overlap (one batch at a time), to show what the overlap is worth.
    const serial = await measurePipeline(detector, label, jpegs, 16, Math.max(32, k(320)), false);
    console.log(row(serial));
    // On a shared machine one pair of runs is noisy: two more interleaved raw/pipeline rounds at batch 16.
    for (let round = 2; round <= 3; round++) {
      const raw = await measureRaw(detector, label, 16, Math.max(2, k(10)));
      const pipeline = await measurePipeline(detector, label, jpegs, 16, Math.max(32, k(320)));
      console.log(row(raw));
      console.log(row(pipeline));
      defaultResults.push(raw, pipeline);
    }
    const preprocess = await measurePreprocess(detector, label, jpegs, n(320));
    console.log(row(preprocess));
    defaultResults.push(preprocess);
  } finally {
    await detector.close();
  }

  if (tilesPerFrame > 1) {
    // The same backbone on the whole region only (one 224x224 row per frame): issue 16's preprocessing setting.
    const { tiles: _tiles, ...wholeManifest } = detector.manifest;
    const whole = await DetectionModel.create(
      parseModelManifest(wholeManifest),
      await readFile(detectorPath(values.model!, detector)),
      {
        providers,
        intraOpNumThreads: threads,
        maxBatchSize: 16,
        head: detector.defaultHead,
      },
    );
    try {
      const wholeLabel = 'default (whole only)';
      for (let round = 1; round <= 3; round++) {
        const raw = await measureRaw(whole, wholeLabel, 16, n(10));
        const pipeline = await measurePipeline(whole, wholeLabel, jpegs, 16, n(320));
        console.log(row(raw));
        console.log(row(pipeline));
        wholeResults.push(raw, pipeline);
      }
      const preprocess = await measurePreprocess(whole, wholeLabel, jpegs, n(320));
      console.log(row(preprocess));
      wholeResults.push(preprocess);
    } finally {
      await whole.close();
    }
  }

  if (!values['skip-yolo']) {
    const yolo = buildRandomYoloV2Graph();
    console.log(
      `# yolov2 (Obico's architecture, random weights): ${(yolo.flops / 1e9).toFixed(1)} GFLOPs/frame, ${(yolo.parameters / 1e6).toFixed(1)} M parameters`,
    );
    const manifest = parseModelManifest({
      schemaVersion: 1,
      name: 'yolov2-obico-random',
      file: 'model.onnx',
      input: {
        name: 'input',
        shape: ['N', 3, YOLO_SIZE, YOLO_SIZE],
        resize: 'resize',
        normalization: { scale: 1 / 255 },
      },
      decoder: { type: 'yolo-obico' },
    });
    const yoloModel = await DetectionModel.create(manifest, yolo.bytes, {
      providers,
      intraOpNumThreads: threads,
      maxBatchSize: 16,
    });
    try {
      await benchmarkModel(yoloModel, 'yolov2-416 (random)', jpegs, {
        1: { rawRuns: n(3), pipelineFrames: n(4) },
        4: { rawRuns: n(1), pipelineFrames: n(8) },
        16: { rawRuns: n(1), pipelineFrames: n(16) },
      });
    } finally {
      await yoloModel.close();
    }
  }

  const pipelineCpu = median(
    defaultResults.filter((m) => m.mode === 'pipeline' && m.batch === 16).map((m) => m.cpuPerFrame),
  );
  const preprocessCpu = defaultResults.find((m) => m.mode === 'preprocess')!.cpuPerFrame;
  console.log(
    `# default model: ${pipelineCpu.toFixed(1)} ms CPU per frame through the pipeline at batch 16 (${tilesPerFrame} tiles), of which preprocessing ${preprocessCpu.toFixed(2)} ms`,
  );
  if (wholeResults.length > 0) {
    const wholePre = wholeResults.find((m) => m.mode === 'preprocess')!.cpuPerFrame;
    console.log(
      `# whole region only: preprocessing ${wholePre.toFixed(2)} ms CPU per 720p frame; pipeline/raw ratio at batch 16 ${ratio(wholeResults).toFixed(2)}`,
    );
  }
  console.log(
    `printers per CPU core at one frame per 10 s: ${Math.floor(10_000 / pipelineCpu)} (default model, batch 16)`,
  );
  console.log(`inference pipeline/raw throughput ratio: ${ratio(defaultResults).toFixed(2)} (batch 16, default model)`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median over the interleaved rounds of pipeline frames/s over raw frames/s at batch 16. */
function ratio(results: Measurement[]): number {
  const raws = results.filter((m) => m.mode === 'raw' && m.batch === 16);
  const pipelines = results.filter((m) => m.mode === 'pipeline' && m.batch === 16);
  const ratios = raws.map((raw, i) => pipelines[i].framesPerSecond / raw.framesPerSecond);
  console.log(`# batch-16 ratio per round: ${ratios.map((r) => r.toFixed(2)).join(', ')}; the median follows`);
  return median(ratios);
}

function detectorPath(directory: string, model: DetectionModel): string {
  return path.join(directory, model.manifest.file);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
