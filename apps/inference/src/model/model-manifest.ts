import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { logisticHeadSchema, type LogisticHead } from './heads/logistic-head';

/** A manifest larger than this is not a manifest; refuse before parsing. */
const MAX_MANIFEST_BYTES = 64 * 1024;
/** A head file (JSON weights of the default head) larger than this is refused. */
const MAX_HEAD_BYTES = 8 * 1024 * 1024;

const channelTriple = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);
const positiveTriple = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);
const colour = z.tuple(
  [0, 1, 2].map(() => z.number().int().min(0).max(255)) as [z.ZodNumber, z.ZodNumber, z.ZodNumber],
);
const side = z.number().int().min(1).max(4096);

/** value = (pixel x scale - mean[c]) / std[c], pixel in 0..255, channels in RGB order. */
export const normalizationSchema = z.strictObject({
  scale: z
    .number()
    .positive()
    .finite()
    .default(1 / 255),
  mean: channelTriple.default([0, 0, 0]),
  std: positiveTriple.default([1, 1, 1]),
});

export const modelInputSchema = z.strictObject({
  name: z.string().min(1),
  /** [N, 3, H, W]: N is a symbolic name (any batch size) or a fixed batch size. */
  shape: z.tuple([z.union([z.string().min(1), z.number().int().positive().max(1024)]), z.literal(3), side, side]),
  /** 'resize' stretches the region to H x W; 'letterbox' keeps its aspect ratio and pads. */
  resize: z.enum(['resize', 'letterbox']),
  letterboxColor: colour.default([114, 114, 114]),
  /** sharp's resampling kernel. */
  kernel: z.enum(['nearest', 'linear', 'cubic', 'mitchell', 'lanczos2', 'lanczos3']).default('linear'),
  normalization: normalizationSchema.default({ scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] }),
});

/** Obico's contract: boxes [N,K,1,4] as x1,y1,x2,y2 in 0..1 of the input, confs [N,K,C]. */
export const yoloObicoDecoderSchema = z.strictObject({
  type: z.literal('yolo-obico'),
  boxesOutput: z.string().min(1).default('boxes'),
  confsOutput: z.string().min(1).default('confs'),
  classNames: z.array(z.string().min(1)).min(1).default(['failure']),
  confidenceThreshold: z.number().min(0).max(1).default(0.08),
  nmsThreshold: z.number().min(0).max(1).default(0.45),
});

/** An image model whose output [N] or [N,C] holds the failure probability (or a logit, with an activation). */
export const probabilityDecoderSchema = z.strictObject({
  type: z.literal('probability'),
  output: z.string().min(1),
  index: z.number().int().nonnegative().default(0),
  activation: z.enum(['none', 'sigmoid', 'softmax']).default('none'),
});

const plainFileName = (extension: string) =>
  z
    .string()
    .regex(
      new RegExp(`^[A-Za-z0-9_][A-Za-z0-9_.-]*\\.${extension}$`),
      `a plain file name ending in .${extension}, inside the model directory`,
    );

/**
 * Schema 2: score a frame by tiles. The scored region (the region of interest, or the whole frame) is cut into a
 * cols x rows grid of overlapping tiles, each resized to the model input, plus (includeWhole) the whole region as
 * one more tile; the frame score is the maximum tile score and the hottest tile is where the model saw it.
 */
export const tilesSchema = z.strictObject({
  /** [columns, rows]. */
  grid: z.tuple([z.number().int().min(1).max(6), z.number().int().min(1).max(6)]),
  /** Fraction of a tile shared with its neighbour, 0 (side by side) .. 0.75. */
  overlap: z.number().min(0).max(0.75).default(0.5),
  includeWhole: z.boolean().default(true),
});

/** Schema 2: named outputs other than the decoder's. `embedding` [N, D] is what heads score. */
export const modelOutputsSchema = z.strictObject({
  embedding: z.string().min(1),
});

/** Schema 2: what the scoring over time needs to know about this model. */
export const scoringSchema = z.strictObject({
  /** Mean score of held-out clean frames: the starting long-run mean of a new printer. */
  cleanPrior: z.number().min(0).max(1),
  /** The frame score at the model's default alert point (how it was chosen: the model's README). */
  alertThreshold: z.number().min(0).max(1).optional(),
});

export const modelManifestSchema = z
  .strictObject({
    schemaVersion: z.union([z.literal(1), z.literal(2)]),
    name: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    /** The ONNX file, a plain name inside the model directory. */
    file: plainFileName('onnx'),
    input: modelInputSchema,
    /** Required unless the model scores with a head on its embedding (schema 2). */
    decoder: z.discriminatedUnion('type', [yoloObicoDecoderSchema, probabilityDecoderSchema]).optional(),
    tiles: tilesSchema.optional(),
    /** The default head on `outputs.embedding`: inline, or a plain JSON file name inside the model directory. */
    head: z.union([logisticHeadSchema, plainFileName('json')]).optional(),
    outputs: modelOutputsSchema.optional(),
    scoring: scoringSchema.optional(),
  })
  .superRefine((m, context) => {
    const issue = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
    if (m.schemaVersion === 1) {
      if (!m.decoder) issue('decoder', 'schemaVersion 1 needs a decoder');
      for (const key of ['tiles', 'head', 'outputs', 'scoring'] as const) {
        if (m[key] !== undefined) issue(key, `${key} needs schemaVersion 2`);
      }
      return;
    }
    if (!m.decoder && !m.head) issue('decoder', 'a model needs a decoder or a head');
    if (m.head && !m.outputs?.embedding) issue('outputs', 'a head needs outputs.embedding');
    if (m.tiles && m.input.resize !== 'resize') issue('tiles', 'tiles need input.resize "resize"');
    if (m.tiles && m.decoder?.type === 'yolo-obico') issue('tiles', 'tiles do not combine with the yolo-obico decoder');
  });

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ModelInput = ModelManifest['input'];
export type ModelDecoderConfig = NonNullable<ModelManifest['decoder']>;
export type YoloObicoDecoderConfig = z.infer<typeof yoloObicoDecoderSchema>;
export type ProbabilityDecoderConfig = z.infer<typeof probabilityDecoderSchema>;
export type TilesConfig = z.infer<typeof tilesSchema>;
export type ScoringConfig = z.infer<typeof scoringSchema>;
export type ModelManifestInput = z.input<typeof modelManifestSchema>;

export class ModelManifestError extends Error {
  readonly code = 'MODEL_MANIFEST_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ModelManifestError';
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Validates a parsed manifest; throws ModelManifestError naming every offending field. */
export function parseModelManifest(value: unknown, source = 'manifest'): ModelManifest {
  const result = modelManifestSchema.safeParse(value);
  if (!result.success) throw new ModelManifestError(`${source} is invalid: ${describeIssues(result.error)}`);
  return result.data;
}

export interface ModelDirectory {
  directory: string;
  manifest: ModelManifest;
  /** Absolute path of the .onnx file. */
  modelPath: string;
  /** The default head (read from its file when the manifest names one). */
  head?: LogisticHead;
}

/** Reads and validates a head JSON file (size-limited). */
export async function loadHeadFile(headPath: string): Promise<LogisticHead> {
  let text: string;
  try {
    const info = await stat(headPath);
    if (info.size > MAX_HEAD_BYTES) throw new ModelManifestError(`${headPath} is larger than 8 MiB`);
    text = await readFile(headPath, 'utf8');
  } catch (error) {
    if (error instanceof ModelManifestError) throw error;
    throw new ModelManifestError(`cannot read head ${headPath}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelManifestError(`${headPath} is not JSON: ${(error as Error).message}`);
  }
  const result = logisticHeadSchema.safeParse(json);
  if (!result.success) throw new ModelManifestError(`${headPath} is invalid: ${describeIssues(result.error)}`);
  return result.data;
}

/** Reads `<directory>/manifest.json`, validates it and checks that the model file is there. */
export async function loadModelDirectory(directory: string): Promise<ModelDirectory> {
  const absolute = path.resolve(directory);
  const manifestPath = path.join(absolute, 'manifest.json');
  let text: string;
  try {
    const info = await stat(manifestPath);
    if (info.size > MAX_MANIFEST_BYTES) throw new ModelManifestError(`${manifestPath} is larger than 64 KiB`);
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    if (error instanceof ModelManifestError) throw error;
    throw new ModelManifestError(`cannot read ${manifestPath}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelManifestError(`${manifestPath} is not JSON: ${(error as Error).message}`);
  }
  const manifest = parseModelManifest(json, manifestPath);
  const modelPath = path.join(absolute, manifest.file);
  try {
    const info = await stat(modelPath);
    if (!info.isFile()) throw new Error('not a file');
  } catch (error) {
    throw new ModelManifestError(
      `model file ${modelPath} named by ${manifestPath} is missing: ${(error as Error).message}`,
    );
  }
  const head =
    typeof manifest.head === 'string' ? await loadHeadFile(path.join(absolute, manifest.head)) : manifest.head;
  return { directory: absolute, manifest, modelPath, head };
}
