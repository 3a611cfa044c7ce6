/**
 * @jest-environment ./apps/inference/src/model/testing/onnx-test.environment.ts
 */
import sharp from 'sharp';
import { DetectionModel, type DetectionResult } from './detection-model';
import type { InferenceLogger } from './inference-logger';
import { ModelManifestError, parseModelManifest } from './model-manifest';
import {
  tinyProbabilityGraph,
  tinyProbabilityManifest,
  tinyYoloManifest,
  tinyYoloObicoGraph,
  writeModelDirectory,
  type TinyYoloCandidate,
} from './testing/tiny-graphs';

function solid(rgb: [number, number, number], width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
}

function ok(result: DetectionResult) {
  if (!result.ok) throw new Error(`frame ${result.id} failed: ${result.error.message}`);
  return result;
}

// confs[k] = m x weight, m = mean of the input in 0..1.
const CANDIDATES: TinyYoloCandidate[] = [
  { weight: 0.9, box: [0.1, 0.1, 0.4, 0.4] }, // A
  { weight: 0.6, box: [0.12, 0.12, 0.42, 0.42] }, // B: IoU with A = 0.0784 / 0.1016 = 0.77 > 0.45, suppressed
  { weight: 0.3, box: [0.6, 0.6, 0.9, 0.8] }, // C: disjoint
  { weight: 0.05, box: [0.0, 0.6, 0.2, 0.9] }, // D: never above 0.08
  { weight: 0.5, box: [0.3, 0.1, 0.6, 0.4] }, // E: IoU with A = 0.03 / 0.15 = 0.2, kept
];

describe('DetectionModel with the yolo-obico decoder', () => {
  let model: DetectionModel;
  let runs: jest.SpyInstance;

  beforeAll(async () => {
    model = await DetectionModel.create(parseModelManifest(tinyYoloManifest()), tinyYoloObicoGraph(CANDIDATES));
    runs = jest.spyOn(model.session, 'run');
  });
  afterAll(() => model.close());
  beforeEach(() => runs.mockClear());

  it('keeps confidences above 0.08 after NMS 0.45 and scores their sum', async () => {
    const [white] = await model.runBatch([{ id: 'white', image: await solid([255, 255, 255]) }]);
    const result = ok(white);
    expect(result.detections!.map((d) => [d.className, d.confidence])).toEqual([
      ['failure', expect.closeTo(0.9, 5)],
      ['failure', expect.closeTo(0.5, 5)],
      ['failure', expect.closeTo(0.3, 5)],
    ]);
    expect(result.detections![0].box).toEqual({
      x1: expect.closeTo(0.1, 6),
      y1: expect.closeTo(0.1, 6),
      x2: expect.closeTo(0.4, 6),
      y2: expect.closeTo(0.4, 6),
    });
    expect(result.score).toBeCloseTo(1.7, 5);
  });

  it('runs many printers in one session call and routes each result to its frame', async () => {
    const frames = [
      { id: 'printer-a', image: await solid([255, 255, 255]) },
      { id: 'printer-b', image: await solid([0, 0, 0]) },
      { id: 'printer-c', image: Buffer.from('not an image') },
      // m = 128/255: A 0.4518, E 0.2510, C 0.1506 kept; D 0.0251 under the threshold.
      { id: 'printer-d', image: await solid([128, 128, 128]) },
    ];
    const results = await model.runBatch(frames);
    expect(runs).toHaveBeenCalledTimes(1);
    expect(results.map((r) => r.id)).toEqual(['printer-a', 'printer-b', 'printer-c', 'printer-d']);
    expect(ok(results[0]).score).toBeCloseTo(1.7, 5);
    expect(ok(results[1]).score).toBe(0);
    expect(ok(results[1]).detections).toEqual([]);
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'FRAME_UNREADABLE' } });
    expect(ok(results[3]).score).toBeCloseTo((128 / 255) * 1.7, 4); // float32 arithmetic in the graph
    expect(ok(results[3]).detections).toHaveLength(3);
  });

  it('maps boxes from the cropped region back onto the frame', async () => {
    const [result] = await model.runBatch([
      { id: 'roi', image: await solid([255, 255, 255], 400, 400), regionOfInterest: { x: 0.5, y: 0, w: 0.5, h: 0.5 } },
    ]);
    expect(ok(result).detections![0].frameBox).toEqual({
      x1: expect.closeTo(0.55, 6),
      y1: expect.closeTo(0.05, 6),
      x2: expect.closeTo(0.7, 6),
      y2: expect.closeTo(0.2, 6),
    });
  });

  it('does not run the session when no frame of the batch is readable', async () => {
    const results = await model.runBatch([{ id: 'x', image: Buffer.from('junk') }]);
    expect(results).toEqual([{ id: 'x', ok: false, error: { code: 'FRAME_UNREADABLE', message: expect.any(String) } }]);
    expect(runs).not.toHaveBeenCalled();
  });

  it('refuses a batch larger than configured', async () => {
    const image = await solid([1, 1, 1]);
    await expect(model.runBatch(Array.from({ length: 17 }, (_, i) => ({ id: `${i}`, image })))).rejects.toThrow(
      /exceeds the maximum of 16/,
    );
  });
});

describe('DetectionModel with the probability decoder', () => {
  it('loads a model directory and returns the head probability as the score', async () => {
    const { directory, remove } = await writeModelDirectory(tinyProbabilityManifest(), tinyProbabilityGraph(8, -4));
    const model = await DetectionModel.load(directory, { maxBatchSize: 4 });
    try {
      const results = await model.runBatch([
        { id: 'white', image: await solid([255, 255, 255], 48, 48) },
        { id: 'black', image: await solid([0, 0, 0], 30, 90) },
      ]);
      // white fills the input: sigmoid(8 - 4). black 30x90 is letterboxed to 11x32 with 21 columns of grey 114.
      const blackMean = (114 / 255) * (21 / 32);
      expect(ok(results[0]).probability).toBeCloseTo(1 / (1 + Math.exp(-4)), 5);
      expect(ok(results[0]).score).toBeCloseTo(1 / (1 + Math.exp(-4)), 5);
      expect(ok(results[1]).score).toBeCloseTo(1 / (1 + Math.exp(-(8 * blackMean - 4))), 5);
    } finally {
      await model.close();
      await remove();
    }
  });

  it('falls back to the CPU with a warning when the configured provider is missing', async () => {
    const warnings: string[] = [];
    const logger: InferenceLogger = { info: () => undefined, warn: (_details, message) => warnings.push(message) };
    const model = await DetectionModel.create(
      parseModelManifest(tinyProbabilityManifest()),
      tinyProbabilityGraph(1, 0),
      {
        // The npm package ships without the CUDA provider library, so this provider cannot start here.
        providers: ['cuda'],
        logger,
      },
    );
    try {
      expect(model.provider).toBe('cpu');
      expect(warnings).toEqual([
        'execution provider cuda is unavailable',
        'inference falls back to the cpu execution provider',
      ]);
    } finally {
      await model.close();
    }
  });

  it('refuses a manifest that does not describe the model', async () => {
    const wrongInput = parseModelManifest(
      tinyProbabilityManifest({ input: { name: 'pixels', shape: ['N', 3, 32, 32], resize: 'resize' } }),
    );
    await expect(DetectionModel.create(wrongInput, tinyProbabilityGraph(1, 0))).rejects.toThrow(ModelManifestError);
    const wrongOutput = parseModelManifest(tinyProbabilityManifest({ decoder: { type: 'probability', output: 'p' } }));
    await expect(DetectionModel.create(wrongOutput, tinyProbabilityGraph(1, 0))).rejects.toThrow(/no output p/);
    const wrongSize = parseModelManifest(
      tinyProbabilityManifest({ input: { name: 'image', shape: ['N', 3, 64, 64], resize: 'resize' } }),
    );
    await expect(DetectionModel.create(wrongSize, tinyProbabilityGraph(1, 0))).rejects.toThrow(
      /has shape \[N,3,32,32\]/,
    );
  });
});
