import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { createOutputDecoder, type Detection, type OutputDecoder, type OutputTensor } from './decoders';
import {
  FramePreprocessor,
  FrameRejectedError,
  type Box,
  type FrameGeometry,
  type PreprocessOptions,
  type RegionOfInterest,
} from './frame-preprocessor';
import { silentLogger, type InferenceLogger } from './inference-logger';
import { openInferenceSession, type ExecutionProvider } from './inference-session';
import { ModelManifestError, loadModelDirectory, type ModelManifest } from './model-manifest';

/** One frame to score. `id` routes the result back; it is echoed, never interpreted. */
export interface DetectionFrame {
  id: string;
  /** The encoded image (JPEG from the agent; PNG and WebP are accepted too). */
  image: Uint8Array;
  /** The printer's bed area; the whole frame when absent. */
  regionOfInterest?: RegionOfInterest;
}

export interface FrameDetection extends Detection {
  /** The box as fractions of the whole frame (not of the cropped region). */
  frameBox: Box;
}

export type DetectionResult =
  | { id: string; ok: true; score: number; probability?: number; detections?: FrameDetection[] }
  | { id: string; ok: false; error: { code: string; message: string } };

export interface DetectionModelOptions {
  providers?: readonly ExecutionProvider[];
  intraOpNumThreads?: number;
  /** Largest batch runBatch accepts; sizes the preallocated batch tensors. Capped by a fixed batch in the model. */
  maxBatchSize?: number;
  preprocess?: Partial<PreprocessOptions>;
  logger?: InferenceLogger;
}

/** Frames preprocessed into one batch tensor, ready for a single session run. */
export interface PreparedBatch {
  readonly frames: readonly DetectionFrame[];
  readonly tensor: Float32Array;
  readonly geometries: readonly (FrameGeometry | undefined)[];
  readonly rejections: readonly (FrameRejectedError | undefined)[];
}

export class BatchTooLargeError extends Error {
  readonly code = 'BATCH_TOO_LARGE';
  constructor(size: number, max: number) {
    super(`a batch of ${size} frames exceeds the maximum of ${max}`);
    this.name = 'BatchTooLargeError';
  }
}

/**
 * A loaded model: preprocessing, one onnxruntime session and the output decoder. prepare() (sharp, off the main
 * thread) and infer() (one session.run) are separate so a caller can prepare batch k+1 while batch k runs.
 */
export class DetectionModel {
  readonly maxBatchSize: number;
  private readonly pool: Float32Array[] = [];
  private readonly fixedBatch: number | undefined;
  private readonly decoder: OutputDecoder;
  readonly preprocessor: FramePreprocessor;

  private constructor(
    readonly manifest: ModelManifest,
    readonly session: ort.InferenceSession,
    readonly provider: ExecutionProvider,
    options: DetectionModelOptions,
  ) {
    this.decoder = createOutputDecoder(manifest.decoder);
    this.preprocessor = new FramePreprocessor(manifest.input, options.preprocess);
    const batchDimension = manifest.input.shape[0];
    this.fixedBatch = typeof batchDimension === 'number' ? batchDimension : undefined;
    const requested = Math.max(1, Math.floor(options.maxBatchSize ?? 16));
    this.maxBatchSize = this.fixedBatch ?? requested;
    checkSessionAgainstManifest(session, manifest, this.decoder);
  }

  /** Loads `<directory>/manifest.json` and the model it names. */
  static async load(directory: string, options: DetectionModelOptions = {}): Promise<DetectionModel> {
    const { manifest, modelPath } = await loadModelDirectory(directory);
    return DetectionModel.create(manifest, await readFile(modelPath), options);
  }

  /** Builds a model from a validated manifest and the ONNX bytes (or a path). */
  static async create(
    manifest: ModelManifest,
    model: Uint8Array | string,
    options: DetectionModelOptions = {},
  ): Promise<DetectionModel> {
    const logger = options.logger ?? silentLogger;
    const opened = await openInferenceSession(model, {
      providers: options.providers ?? ['cpu'],
      intraOpNumThreads: options.intraOpNumThreads,
      logger,
      modelName: manifest.name,
    });
    try {
      return new DetectionModel(manifest, opened.session, opened.provider, options);
    } catch (error) {
      await opened.session.release();
      throw error;
    }
  }

  /** Preprocesses the frames into one batch tensor. Unreadable frames are marked, never thrown. */
  async prepare(frames: readonly DetectionFrame[]): Promise<PreparedBatch> {
    if (frames.length > this.maxBatchSize) throw new BatchTooLargeError(frames.length, this.maxBatchSize);
    const tensor = this.pool.pop() ?? new Float32Array(this.maxBatchSize * this.preprocessor.frameLength);
    const geometries: (FrameGeometry | undefined)[] = new Array(frames.length).fill(undefined);
    const rejections: (FrameRejectedError | undefined)[] = new Array(frames.length).fill(undefined);
    await Promise.all(
      frames.map(async (frame, slot) => {
        try {
          geometries[slot] = await this.preprocessor.preprocessInto(frame.image, tensor, slot, frame.regionOfInterest);
        } catch (error) {
          rejections[slot] =
            error instanceof FrameRejectedError ? error : new FrameRejectedError('FRAME_UNREADABLE', String(error));
        }
      }),
    );
    return { frames, tensor, geometries, rejections };
  }

  /** Exactly one session.run for the whole batch, then per-frame decoding. Returns results in frame order. */
  async infer(batch: PreparedBatch): Promise<DetectionResult[]> {
    try {
      const count = batch.frames.length;
      if (count === 0 || batch.rejections.every((r) => r !== undefined)) return this.resultsWithoutRun(batch);
      const rows = this.fixedBatch ?? count;
      const [, channels, height, width] = this.manifest.input.shape;
      const input = new ort.Tensor('float32', batch.tensor.subarray(0, rows * this.preprocessor.frameLength), [
        rows,
        channels,
        height,
        width,
      ]);
      const outputs = (await this.session.run({ [this.manifest.input.name]: input }, [
        ...this.decoder.outputNames,
      ])) as Record<string, OutputTensor>;
      return batch.frames.map((frame, slot): DetectionResult => {
        const rejection = batch.rejections[slot];
        if (rejection) return { id: frame.id, ok: false, error: { code: rejection.code, message: rejection.message } };
        try {
          const decoded = this.decoder.decode(outputs, slot);
          const geometry = batch.geometries[slot]!;
          const detections = decoded.detections?.map((d) => ({
            ...d,
            frameBox: this.preprocessor.toFrameBox(d.box, geometry),
          }));
          return { id: frame.id, ok: true, score: decoded.score, probability: decoded.probability, detections };
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'MODEL_OUTPUT_INVALID';
          return { id: frame.id, ok: false, error: { code, message: (error as Error).message } };
        }
      });
    } finally {
      this.pool.push(batch.tensor);
    }
  }

  async runBatch(frames: readonly DetectionFrame[]): Promise<DetectionResult[]> {
    return this.infer(await this.prepare(frames));
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  private resultsWithoutRun(batch: PreparedBatch): DetectionResult[] {
    return batch.frames.map((frame, slot) => {
      const rejection = batch.rejections[slot]!;
      return { id: frame.id, ok: false, error: { code: rejection.code, message: rejection.message } };
    });
  }
}

/** Catches a manifest that does not describe its model at load time rather than on the first frame. */
function checkSessionAgainstManifest(
  session: ort.InferenceSession,
  manifest: ModelManifest,
  decoder: OutputDecoder,
): void {
  const input = session.inputMetadata.find((m) => m.name === manifest.input.name);
  if (!input) {
    throw new ModelManifestError(
      `the model has no input "${manifest.input.name}" (it has ${session.inputNames.join(', ')})`,
    );
  }
  if (input.isTensor) {
    if (input.type !== 'float32')
      throw new ModelManifestError(`input "${input.name}" is ${input.type}, expected float32`);
    const shape = input.shape;
    const expected = manifest.input.shape;
    const mismatch =
      shape.length !== 4 ||
      expected.some((dim, i) => typeof dim === 'number' && typeof shape[i] === 'number' && shape[i] !== dim);
    if (mismatch) {
      throw new ModelManifestError(
        `input "${input.name}" has shape [${shape.join(',')}], manifest says [${expected.join(',')}]`,
      );
    }
    if (typeof expected[0] === 'string' && typeof shape[0] === 'number') {
      throw new ModelManifestError(
        `input "${input.name}" has a fixed batch of ${shape[0]}; set input.shape[0] to ${shape[0]} in the manifest`,
      );
    }
  }
  const missing = decoder.outputNames.filter((name) => !session.outputNames.includes(name));
  if (missing.length > 0) {
    throw new ModelManifestError(
      `the model has no output ${missing.join(', ')} (it has ${session.outputNames.join(', ')})`,
    );
  }
}
