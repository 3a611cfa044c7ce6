import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';

/** A manifest larger than this is not a manifest; refuse before parsing. */
const MAX_MANIFEST_BYTES = 64 * 1024;

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

export const modelManifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  name: z.string().min(1).max(200),
  description: z.string().max(4000).optional(),
  /** The ONNX file, a plain name inside the model directory. */
  file: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.onnx$/, 'a plain file name ending in .onnx, inside the model directory'),
  input: modelInputSchema,
  decoder: z.discriminatedUnion('type', [yoloObicoDecoderSchema, probabilityDecoderSchema]),
});

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ModelInput = ModelManifest['input'];
export type ModelDecoderConfig = ModelManifest['decoder'];
export type YoloObicoDecoderConfig = z.infer<typeof yoloObicoDecoderSchema>;
export type ProbabilityDecoderConfig = z.infer<typeof probabilityDecoderSchema>;
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
  return { directory: absolute, manifest, modelPath };
}
