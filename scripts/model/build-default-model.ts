/**
 * Builds models/default from what npm provides, reproducibly:
 *   npx tsx scripts/model/build-default-model.ts [--out models/default] [--train 3000] [--test 800] [--seed 20261126]
 * 1. MobileNetV2 weights from node_modules/nsfwjs (TF.js layers format) -> ONNX, checked against nsfwjs's own
 *    TensorFlow.js model on random images.
 * 2. Synthetic webcam frames (scripts/model/synthetic-frames.ts) -> embeddings through the inference preprocessing.
 * 3. A logistic failure head trained on the training split, evaluated on a held-out split, appended to the graph.
 * 4. model.onnx, manifest.json and README.md (what it was trained on, what was measured) written to --out.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { DetectionModel } from '../../apps/inference/src/model/detection-model';
import { FramePreprocessor } from '../../apps/inference/src/model/frame-preprocessor';
import { parseModelManifest, type ModelManifestInput } from '../../apps/inference/src/model/model-manifest';
import {
  binaryMetrics,
  chooseL2,
  DEFAULT_TRAINING,
  predict,
  trainLogisticRegression,
  type BinaryMetrics,
} from './logistic-regression';
import {
  EMBEDDING_OUTPUT,
  FEATURE_LAYER,
  INPUT_NAME,
  INPUT_SIZE,
  PROBABILITY_OUTPUT,
  TAP_LAYERS,
  buildMobileNetGraph,
} from './mobilenet-graph';
import { embedSplit, type EmbeddedFrame } from './synthetic-dataset';
import { loadTfjsLayersModel, nsfwjsModelDirectory } from './tfjs-weights';
import { verifyAgainstTfjs, type ConversionCheck } from './verify-conversion';

const SMOKE_PHOTO = '/work/shared/fixtures/photos/spaghetti-prusa-bed.jpg';

function log(message: string): void {
  process.stderr.write(`[build-default-model] ${message}\n`);
}

export const DEFAULT_MANIFEST: ModelManifestInput = {
  schemaVersion: 1,
  name: 'farmhand-default-mobilenetv2-synthetic',
  description:
    'MobileNetV2 (weights from nsfwjs, MIT) with a logistic failure head trained on synthetic frames only. ' +
    'Real-world accuracy is unmeasured: see README.md.',
  file: 'model.onnx',
  input: {
    name: INPUT_NAME,
    shape: ['N', 3, INPUT_SIZE, INPUT_SIZE],
    resize: 'resize',
    kernel: 'linear',
    normalization: { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] },
  },
  decoder: { type: 'probability', output: PROBABILITY_OUTPUT, index: 0, activation: 'none' },
};

interface ScenarioRate {
  scenario: string;
  label: 0 | 1;
  count: number;
  calledFailure: number;
}

function scenarioRates(frames: readonly EmbeddedFrame[], probabilities: readonly number[]): ScenarioRate[] {
  const rates = new Map<string, ScenarioRate>();
  frames.forEach((frame, i) => {
    const key = `${frame.label}:${frame.scenario}`;
    const rate = rates.get(key) ?? { scenario: frame.scenario, label: frame.label, count: 0, calledFailure: 0 };
    rate.count += 1;
    if (probabilities[i] >= 0.5) rate.calledFailure += 1;
    rates.set(key, rate);
  });
  return [...rates.values()].sort((a, b) => a.label - b.label || a.scenario.localeCompare(b.scenario));
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

function readme(report: {
  seed: number;
  train: EmbeddedFrame[];
  test: EmbeddedFrame[];
  conversion: ConversionCheck;
  l2: number;
  l2Losses: { l2: number; logLoss: number }[];
  trainMetrics: BinaryMetrics;
  testMetrics: BinaryMetrics;
  testScenarios: ScenarioRate[];
  graphCheck: number;
  smoke: { file: string; whole: number; printerPartOnly: number } | undefined;
  features: number;
  load: number;
  sha256: string;
  bytes: number;
  seconds: number;
}): string {
  const m = report.testMetrics;
  const trainScenarios = scenarioRates(
    report.train,
    report.train.map(() => 0),
  );
  return `# Default failure model

Farmhand's out-of-the-box detector: **MobileNetV2** (the ImageNet-pretrained backbone fine-tuned by nsfwjs, whose
weights ship inside the \`nsfwjs\` npm package, MIT) converted to ONNX, plus a **logistic failure head** trained on
**synthetic frames only**. Decoder \`probability\`: the frame score is the failure probability, 0..1.

> **Real-world accuracy is unknown.** Every figure below was measured on synthetic frames drawn by
> \`scripts/model/synthetic-frames.ts\`. Real accuracy needs real labelled frames: operators can label alerts
> (false alarm / confirmed failure), export them as a dataset, and train a better head or model. Until then, treat
> this model as a working default, and point \`--model\` at a better one (Obico's ONNX weights work with the
> \`yolo-obico\` decoder) where one is available.

## Contract
- \`model.onnx\`: input \`${INPUT_NAME}\` float32 [N,3,${INPUT_SIZE},${INPUT_SIZE}], RGB, pixel / 255; output \`${PROBABILITY_OUTPUT}\` [N,1].
- \`manifest.json\`: resize (stretch) to ${INPUT_SIZE}x${INPUT_SIZE} with the linear kernel, probability decoder.
- ${(report.bytes / 1024 / 1024).toFixed(1)} MB, sha256 \`${report.sha256}\`.

## How it is built
\`npx tsx scripts/model/build-default-model.ts\` (seed ${report.seed}; took ${Math.round(report.seconds)} s on a 2-core machine
shared with other work, load average ${report.load.toFixed(1)}). No download:
1. The TF.js layers model in \`node_modules/nsfwjs/dist/models/mobilenet_v2\` (topology in \`model.min.js\`, uint8-quantized
   weights as base64 in \`group1-shard1of1.min.js\`) is dequantized as tfjs does and written as an ONNX graph with
   onnx-proto: convolutions and depthwise convolutions with batch normalization folded in, ReLU6 as Clip, residual
   Add, global average pooling (layer \`${FEATURE_LAYER}\`, ${report.features} features)${
     TAP_LAYERS.length ? ` with the global averages of ${TAP_LAYERS.join(', ')}` : ''
   }. nsfwjs's own NSFW dense layers are dropped.
2. Conversion check against nsfwjs's TensorFlow.js model (CPU backend) on ${report.conversion.frames} random 224x224 images:
   max |ONNX - tfjs| = ${report.conversion.maxAbsoluteDifference.toExponential(2)} over ${report.conversion.values} values
   (largest feature ${report.conversion.maxReferenceMagnitude.toFixed(2)}; relative error ${report.conversion.relativeError.toExponential(2)}).
3. ${report.train.length} training and ${report.test.length} held-out frames (half clean, half failing; different seeds) rendered
   with sharp from SVG, JPEG-encoded, then preprocessed exactly as in inference and embedded by the backbone.
4. Logistic regression in TypeScript (standardized features, full-batch Adam, ${DEFAULT_TRAINING.steps} steps); L2 strength
   ${report.l2} chosen by 4-fold cross-validated log loss on the training split
   (${report.l2Losses.map((l) => `${l.l2}: ${l.logLoss.toFixed(3)}`).join(', ')}). Standardization is folded into
   one Gemm + Sigmoid appended to the graph.
5. The final graph is checked against the head computed in TypeScript on held-out frames through
   \`DetectionModel\` (max difference ${report.graphCheck.toExponential(2)}).

The build is deterministic: every random choice comes from the seed, so the same machine rebuilds the same bytes
(another CPU may differ in the last float bits of the embeddings, hence of the head).

## What it was trained on
Synthetic webcam views of a printer bed: the bed in perspective (textured/smooth PEI, glass, tape, grid and dashed-grid
sheets; specular glare, printed marks), a background room with clutter, parts growing layer by layer (boxes and
cylinders with layer lines, open tops showing infill, skirts, purge lines, faint stringing between parts), the print
head on its gantry above the current layer, and cables. Failing frames add tangles of thin strands in the filament
colour: nests on top of a part, nests over the bed with the part knocked loose, spaghetti hanging from the nozzle, and
small tangles. Every frame varies in colours, light level, spot light, vignette, colour cast, camera angle (perspective,
roll, zoom), blur, sensor noise, infrared greyscale (10 %) and JPEG quality (45-90), at 400x300 or 448x252.

| split | label | scenario | frames |
|---|---|---|---|
${trainScenarios.map((s) => `| train | ${s.label ? 'failure' : 'clean'} | ${s.scenario} | ${s.count} |`).join('\n')}

## Measured on the held-out synthetic set (${m.count} frames, threshold 0.5)
| metric | value |
|---|---|
| accuracy | ${pct(m.accuracy)} |
| precision (failure) | ${pct(m.precision)} |
| recall (failure) | ${pct(m.recall)} |
| specificity (clean called clean) | ${pct(m.specificity)} |
| ROC AUC | ${m.auc.toFixed(4)} |
| confusion | TP ${m.truePositives}, FP ${m.falsePositives}, TN ${m.trueNegatives}, FN ${m.falseNegatives} |

Training split, for comparison: accuracy ${pct(report.trainMetrics.accuracy)}, AUC ${report.trainMetrics.auc.toFixed(4)}.

| held-out label | scenario | frames | called failure |
|---|---|---|---|
${report.testScenarios.map((s) => `| ${s.label ? 'failure' : 'clean'} | ${s.scenario} | ${s.count} | ${pct(s.calledFailure / s.count)} |`).join('\n')}

## Why only the final features
Appending the global average of a mid-level layer (\`block_13_expand_relu\`, and \`block_6_expand_relu\`) raised
held-out synthetic accuracy from 86 % to 88-91 % in an experiment with 1200 training and 600 held-out frames, but the
same heads scored a strand-free crop of the reference photo below (printer hardware only) 0.71-0.96, where the final
features alone gave 0.21: the mid-level features fit the synthetic textures. The default keeps the final features.
This choice looked at the reference photo, so the smoke test below is not independent of the model's design.

## Smoke test (not an accuracy claim)
${
  report.smoke
    ? `\`${path.basename(report.smoke.file)}\`, one real photo of a spaghetti failure on a Prusa bed: whole frame ${report.smoke.whole.toFixed(3)};
the region of interest {x: 0, y: 0.05, w: 0.16, h: 0.55} of the same photo, which shows only the printer's orange
Z-axis part and no strands: ${report.smoke.printerPartOnly.toFixed(3)}. One photo says nothing about accuracy; it only
shows the model runs on a real JPEG and does not call everything real a failure.`
    : 'The reference photo was not available when this was built.'
}

## Licences
MobileNetV2 architecture and ImageNet weights: Keras Applications (Apache-2.0); fine-tuned weights: nsfwjs (MIT).
The failure head and this graph are generated by this repository's scripts.
`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'models/default' },
      train: { type: 'string', default: '3000' },
      test: { type: 'string', default: '800' },
      seed: { type: 'string', default: '20261126' },
      threads: { type: 'string', default: '0' },
      'smoke-photo': { type: 'string', default: SMOKE_PHOTO },
    },
  });
  const seed = Number(values.seed);
  const trainCount = Number(values.train);
  const testCount = Number(values.test);
  const threads = Number(values.threads);
  const out = path.resolve(values.out!);

  log('reading nsfwjs MobileNetV2 weights');
  const weights = loadTfjsLayersModel(nsfwjsModelDirectory('mobilenet_v2'));
  const backbone = buildMobileNetGraph(weights);

  log('checking the conversion against nsfwjs on TensorFlow.js (CPU)');
  const conversion = await verifyAgainstTfjs(
    backbone,
    INPUT_NAME,
    EMBEDDING_OUTPUT,
    FEATURE_LAYER,
    TAP_LAYERS,
    INPUT_SIZE,
    seed,
  );
  log(
    `conversion: max abs diff ${conversion.maxAbsoluteDifference.toExponential(2)}, relative ${conversion.relativeError.toExponential(2)}`,
  );
  if (!(conversion.relativeError < 1e-4)) throw new Error('the ONNX backbone does not match nsfwjs; refusing to build');

  const manifest = parseModelManifest(DEFAULT_MANIFEST);
  const preprocessor = new FramePreprocessor(manifest.input);
  const session = await ort.InferenceSession.create(backbone, threads > 0 ? { intraOpNumThreads: threads } : {});
  const progress = (split: string, total: number) => {
    let last = 0;
    return (done: number) => {
      if (done - last >= 200 || done === total) {
        last = done;
        log(
          `${split}: ${done}/${total} frames rendered and embedded (${Math.round((performance.now() - started) / 1000)} s)`,
        );
      }
    };
  };
  const train = await embedSplit(
    session,
    preprocessor,
    INPUT_NAME,
    EMBEDDING_OUTPUT,
    seed,
    'train',
    trainCount,
    progress('train', trainCount),
  );
  const test = await embedSplit(
    session,
    preprocessor,
    INPUT_NAME,
    EMBEDDING_OUTPUT,
    seed,
    'test',
    testCount,
    progress('test', testCount),
    32,
  );
  await session.release();

  log('training the logistic failure head');
  const trainFeatures = train.frames.map((f) => f.features);
  const trainLabels = train.frames.map((f) => f.label);
  const choice = chooseL2(trainFeatures, trainLabels, [0.01, 0.03, 0.1, 0.3, 1], 4);
  const head = trainLogisticRegression(trainFeatures, trainLabels, { ...DEFAULT_TRAINING, l2: choice.l2 });
  const trainMetrics = binaryMetrics(
    trainFeatures.map((x) => predict(head, x)),
    trainLabels,
  );
  const testProbabilities = test.frames.map((f) => predict(head, f.features));
  const testMetrics = binaryMetrics(
    testProbabilities,
    test.frames.map((f) => f.label),
  );
  log(
    `held-out: accuracy ${pct(testMetrics.accuracy)}, precision ${pct(testMetrics.precision)}, recall ${pct(testMetrics.recall)}, AUC ${testMetrics.auc.toFixed(4)}`,
  );

  const model = buildMobileNetGraph(weights, head);
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'model.onnx'), model);
  await writeFile(path.join(out, 'manifest.json'), `${JSON.stringify(DEFAULT_MANIFEST, null, 2)}\n`);

  log('checking the final graph through DetectionModel');
  const detector = await DetectionModel.load(out, { maxBatchSize: 16 });
  let graphCheck = 0;
  try {
    for (let start = 0; start < test.jpegs.length; start += 16) {
      const batch = test.jpegs
        .slice(start, start + 16)
        .map((frame, k) => ({ id: String(start + k), image: frame.jpeg }));
      for (const result of await detector.runBatch(batch)) {
        if (!result.ok) throw new Error(`held-out frame ${result.id} failed: ${result.error.message}`);
        graphCheck = Math.max(graphCheck, Math.abs(result.score - testProbabilities[Number(result.id)]));
      }
    }
    if (!(graphCheck < 1e-3)) throw new Error(`the final graph disagrees with the trained head by ${graphCheck}`);
    let smoke: { file: string; whole: number; printerPartOnly: number } | undefined;
    if (values['smoke-photo'] && existsSync(values['smoke-photo'])) {
      const image = await readFile(values['smoke-photo']);
      const [whole, part] = await detector.runBatch([
        { id: 'whole', image },
        { id: 'part', image, regionOfInterest: { x: 0, y: 0.05, w: 0.16, h: 0.55 } },
      ]);
      if (whole.ok && part.ok) smoke = { file: values['smoke-photo'], whole: whole.score, printerPartOnly: part.score };
    }
    const sha256 = createHash('sha256').update(model).digest('hex');
    const seconds = (performance.now() - started) / 1000;
    await writeFile(
      path.join(out, 'README.md'),
      readme({
        seed,
        train: train.frames,
        test: test.frames,
        conversion,
        l2: choice.l2,
        l2Losses: choice.losses,
        trainMetrics,
        testMetrics,
        testScenarios: scenarioRates(test.frames, testProbabilities),
        graphCheck,
        smoke,
        features: train.frames[0].features.length,
        load: os.loadavg()[0],
        sha256,
        bytes: model.byteLength,
        seconds,
      }),
    );
    log(
      `wrote ${out} (${(model.byteLength / 1024 / 1024).toFixed(1)} MB, sha256 ${sha256}) in ${Math.round(seconds)} s`,
    );
  } finally {
    await detector.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
