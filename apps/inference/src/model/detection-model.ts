import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import {
  ModelOutputError,
  createOutputDecoder,
  type Detection,
  type OutputDecoder,
  type OutputTensor,
} from './decoders';
import {
  FramePreprocessor,
  FrameRejectedError,
  tileLayout,
  type Box,
  type FrameGeometry,
  type PreprocessOptions,
  type RegionOfInterest,
  type TileBox,
} from './frame-preprocessor';
import { HeadMismatchError, applyHead, type LogisticHead } from './heads/logistic-head';
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
  /**
   * Scores this frame with this head (e.g. its organization's own) instead of the call's or the model's default head.
   * Frames with different heads still share the batch: one session.run, then each frame's head on its own rows.
   */
  head?: LogisticHead;
}

export interface FrameDetection extends Detection {
  /** The box as fractions of the whole frame (not of the cropped region). */
  frameBox: Box;
}

/** One scored tile: the box in 0..1 of the scored region (the region of interest, or the whole frame). */
export interface TileScore extends TileBox {
  score: number;
}

export type DetectionResult =
  | {
      id: string;
      ok: true;
      score: number;
      probability?: number;
      detections?: FrameDetection[];
      /** Every tile scored, in the model's tile order (the whole region first); the frame score is their maximum. */
      tiles?: TileScore[];
    }
  | { id: string; ok: false; error: { code: string; message: string } };

export type EmbeddingResult =
  | {
      id: string;
      ok: true;
      /** One embedding per tile, in the order of `tiles`. Copies: the caller may keep them. */
      embeddings: Float32Array[];
      embeddingSize: number;
      tiles: TileBox[];
    }
  | { id: string; ok: false; error: { code: string; message: string } };

export interface DetectOptions {
  /** Score the embedding with this head instead of the model's default head or decoder. */
  head?: LogisticHead;
}

export class EmbeddingUnavailableError extends Error {
  readonly code = 'EMBEDDING_UNAVAILABLE';
  constructor(model: string) {
    super(`model ${model} declares no embedding output (manifest outputs.embedding)`);
    this.name = 'EmbeddingUnavailableError';
  }
}

export interface DetectionModelOptions {
  providers?: readonly ExecutionProvider[];
  intraOpNumThreads?: number;
  /** Largest batch runBatch accepts; sizes the preallocated batch tensors. Capped by a fixed batch in the model. */
  maxBatchSize?: number;
  preprocess?: Partial<PreprocessOptions>;
  logger?: InferenceLogger;
  /** The default head when the manifest names a head file (DetectionModel.load reads it). */
  head?: LogisticHead;
}

/** Frames preprocessed into one batch tensor, ready for a single session run. */
export interface PreparedBatch {
  readonly frames: readonly DetectionFrame[];
  /** Rows: frames x tilesPerFrame, frame by frame. */
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
  /** The tiles each frame is scored on, in row order (one whole-region tile for a model without tiles). */
  readonly tiles: readonly TileBox[];
  /** The model's default head (scores `outputs.embedding`); undefined for decoder-only models. */
  readonly defaultHead: LogisticHead | undefined;
  private readonly pool: Float32Array[] = [];
  private readonly fixedBatch: number | undefined;
  private readonly decoder: OutputDecoder | undefined;
  readonly preprocessor: FramePreprocessor;

  private constructor(
    readonly manifest: ModelManifest,
    readonly session: ort.InferenceSession,
    readonly provider: ExecutionProvider,
    options: DetectionModelOptions,
  ) {
    this.decoder = manifest.decoder ? createOutputDecoder(manifest.decoder) : undefined;
    this.defaultHead = typeof manifest.head === 'object' ? manifest.head : options.head;
    if (manifest.head && !this.defaultHead) {
      throw new ModelManifestError(`the head file ${String(manifest.head)} was not loaded (use DetectionModel.load)`);
    }
    if (!this.decoder && !this.defaultHead) throw new ModelManifestError('the model has neither a decoder nor a head');
    this.preprocessor = new FramePreprocessor(manifest.input, options.preprocess);
    this.tiles = tileLayout(manifest.tiles, this.preprocessor.width, this.preprocessor.height);
    const batchDimension = manifest.input.shape[0];
    this.fixedBatch = typeof batchDimension === 'number' ? batchDimension : undefined;
    if (this.fixedBatch !== undefined && this.fixedBatch % this.tiles.length !== 0) {
      throw new ModelManifestError(
        `a fixed batch of ${this.fixedBatch} rows does not hold whole frames of ${this.tiles.length} tiles`,
      );
    }
    const requested = Math.max(1, Math.floor(options.maxBatchSize ?? 16));
    this.maxBatchSize = this.fixedBatch !== undefined ? this.fixedBatch / this.tiles.length : requested;
    checkSessionAgainstManifest(session, manifest, this.decoder);
  }

  /** Loads `<directory>/manifest.json`, the model it names and its head file, if any. */
  static async load(directory: string, options: DetectionModelOptions = {}): Promise<DetectionModel> {
    const { manifest, modelPath, head } = await loadModelDirectory(directory);
    return DetectionModel.create(manifest, await readFile(modelPath), { head, ...options });
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

  /** Name of the embedding output, when the model has one. */
  get embeddingOutput(): string | undefined {
    return this.manifest.outputs?.embedding;
  }

  /** Preprocesses the frames into one batch tensor (tiles included). Unreadable frames are marked, never thrown. */
  async prepare(frames: readonly DetectionFrame[]): Promise<PreparedBatch> {
    if (frames.length > this.maxBatchSize) throw new BatchTooLargeError(frames.length, this.maxBatchSize);
    const perFrame = this.tiles.length;
    const tensor = this.pool.pop() ?? new Float32Array(this.maxBatchSize * perFrame * this.preprocessor.frameLength);
    const geometries: (FrameGeometry | undefined)[] = new Array(frames.length).fill(undefined);
    const rejections: (FrameRejectedError | undefined)[] = new Array(frames.length).fill(undefined);
    const tiles = this.manifest.tiles;
    await Promise.all(
      frames.map(async (frame, slot) => {
        try {
          geometries[slot] = tiles
            ? await this.preprocessor.preprocessTilesInto(
                frame.image,
                tensor,
                slot * perFrame,
                tiles,
                frame.regionOfInterest,
              )
            : await this.preprocessor.preprocessInto(frame.image, tensor, slot, frame.regionOfInterest);
        } catch (error) {
          rejections[slot] =
            error instanceof FrameRejectedError ? error : new FrameRejectedError('FRAME_UNREADABLE', String(error));
        }
      }),
    );
    return { frames, tensor, geometries, rejections };
  }

  /**
   * Exactly one session.run for the whole batch, then per-frame scoring: with a head (the frame's own, else the one
   * passed, else the model's default head) on the embedding of every tile, otherwise with the decoder. Results in
   * frame order.
   */
  async infer(batch: PreparedBatch, options: DetectOptions = {}): Promise<DetectionResult[]> {
    try {
      // Each frame's head: its own, else the call's, else (for a model without a decoder) the model's default head.
      const headOf = (frame: DetectionFrame): LogisticHead | undefined =>
        frame.head ?? options.head ?? (this.decoder ? undefined : this.defaultHead);
      const usable = batch.frames.filter((_, slot) => !batch.rejections[slot]);
      const anyHead = usable.some((frame) => headOf(frame) !== undefined);
      const anyDecoder = usable.some((frame) => headOf(frame) === undefined);
      if (anyHead && !this.embeddingOutput) throw new EmbeddingUnavailableError(this.manifest.name);
      const names = [...(anyHead ? [this.embeddingOutput!] : []), ...(anyDecoder ? this.decoder!.outputNames : [])];
      const outputs = await this.run(batch, names);
      if (!outputs) return this.resultsWithoutRun(batch);
      return batch.frames.map((frame, slot): DetectionResult => {
        const rejection = batch.rejections[slot];
        if (rejection) return { id: frame.id, ok: false, error: { code: rejection.code, message: rejection.message } };
        try {
          const head = headOf(frame);
          return head
            ? this.scoreWithHead(frame.id, head, outputs[this.embeddingOutput!], slot)
            : this.scoreWithDecoder(frame.id, outputs, slot, batch.geometries[slot]!);
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'MODEL_OUTPUT_INVALID';
          return { id: frame.id, ok: false, error: { code, message: (error as Error).message } };
        }
      });
    } finally {
      this.pool.push(batch.tensor);
    }
  }

  /** Scores frames (prepare + infer), with an optional head in place of the default one. */
  async detect(frames: readonly DetectionFrame[], options: DetectOptions = {}): Promise<DetectionResult[]> {
    return this.infer(await this.prepare(frames), options);
  }

  async runBatch(frames: readonly DetectionFrame[]): Promise<DetectionResult[]> {
    return this.detect(frames);
  }

  /** One embedding per tile of every frame (one session.run). Throws EmbeddingUnavailableError without one. */
  async embed(frames: readonly DetectionFrame[]): Promise<EmbeddingResult[]> {
    const name = this.embeddingOutput;
    if (!name) throw new EmbeddingUnavailableError(this.manifest.name);
    const batch = await this.prepare(frames);
    try {
      const outputs = await this.run(batch, [name]);
      return batch.frames.map((frame, slot): EmbeddingResult => {
        const rejection = batch.rejections[slot];
        if (rejection || !outputs) {
          return { id: frame.id, ok: false, error: { code: rejection!.code, message: rejection!.message } };
        }
        try {
          const { rows, size } = this.embeddingRows(outputs[name], slot);
          return {
            id: frame.id,
            ok: true,
            embeddings: rows.map((row) => row.slice()),
            embeddingSize: size,
            tiles: this.tiles.map((t) => ({ ...t })),
          };
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'MODEL_OUTPUT_INVALID';
          return { id: frame.id, ok: false, error: { code, message: (error as Error).message } };
        }
      });
    } finally {
      this.pool.push(batch.tensor);
    }
  }

  /** Returns a prepared batch's tensor to the pool without running it (infer and embed do this themselves). */
  release(batch: PreparedBatch): void {
    this.pool.push(batch.tensor);
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  /** One session.run over every row of the batch; undefined when no frame is usable. */
  private async run(batch: PreparedBatch, names: string[]): Promise<Record<string, OutputTensor> | undefined> {
    const count = batch.frames.length;
    if (count === 0 || batch.rejections.every((r) => r !== undefined)) return undefined;
    const rows = this.fixedBatch ?? count * this.tiles.length;
    const [, channels, height, width] = this.manifest.input.shape;
    const input = new ort.Tensor('float32', batch.tensor.subarray(0, rows * this.preprocessor.frameLength), [
      rows,
      channels,
      height,
      width,
    ]);
    return (await this.session.run({ [this.manifest.input.name]: input }, names)) as Record<string, OutputTensor>;
  }

  private embeddingRows(tensor: OutputTensor | undefined, slot: number): { rows: Float32Array[]; size: number } {
    const name = this.embeddingOutput!;
    if (!tensor) throw new ModelOutputError(`the model produced no output named "${name}"`);
    if (tensor.type !== 'float32' || !(tensor.data instanceof Float32Array)) {
      throw new ModelOutputError(`output "${name}" is ${tensor.type}, expected float32`);
    }
    const [total, ...rest] = tensor.dims;
    const size = rest.reduce((a, b) => a * b, 1);
    const perFrame = this.tiles.length;
    if (tensor.data.length !== total * size || (slot + 1) * perFrame > total) {
      throw new ModelOutputError(`output "${name}" has dims [${tensor.dims.join(',')}]`);
    }
    const data = tensor.data;
    const rows = this.tiles.map((_, k) =>
      data.subarray((slot * perFrame + k) * size, (slot * perFrame + k + 1) * size),
    );
    return { rows, size };
  }

  private scoreWithHead(
    id: string,
    head: LogisticHead,
    tensor: OutputTensor | undefined,
    slot: number,
  ): DetectionResult {
    const { rows, size } = this.embeddingRows(tensor, slot);
    if (head.weights.length !== size) {
      throw new HeadMismatchError(`the head has ${head.weights.length} weights for an embedding of ${size} values`);
    }
    const tiles = rows.map((row, k) => {
      const score = applyHead(head, row);
      if (!Number.isFinite(score)) throw new ModelOutputError(`tile ${k} scored a non-finite value`);
      return { ...this.tiles[k], score };
    });
    const score = Math.max(...tiles.map((t) => t.score));
    return { id, ok: true, score, probability: score, tiles };
  }

  private scoreWithDecoder(
    id: string,
    outputs: Record<string, OutputTensor>,
    slot: number,
    geometry: FrameGeometry,
  ): DetectionResult {
    const decoder = this.decoder!;
    const perFrame = this.tiles.length;
    const decodedTiles = this.tiles.map((_, k) => decoder.decode(outputs, slot * perFrame + k));
    const tiles = decodedTiles.map((d, k) => ({ ...this.tiles[k], score: d.score }));
    if (perFrame > 1) {
      const score = Math.max(...tiles.map((t) => t.score));
      return { id, ok: true, score, probability: score, tiles };
    }
    const decoded = decodedTiles[0];
    const detections = decoded.detections?.map((d) => ({
      ...d,
      frameBox: this.preprocessor.toFrameBox(d.box, geometry),
    }));
    return { id, ok: true, score: decoded.score, probability: decoded.probability, detections, tiles };
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
  decoder: OutputDecoder | undefined,
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
  const needed = [...(decoder?.outputNames ?? []), ...(manifest.outputs ? [manifest.outputs.embedding] : [])];
  const missing = needed.filter((name) => !session.outputNames.includes(name));
  if (missing.length > 0) {
    throw new ModelManifestError(
      `the model has no output ${missing.join(', ')} (it has ${session.outputNames.join(', ')})`,
    );
  }
}
