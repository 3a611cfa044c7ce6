import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { OnnxGraphBuilder, attribute } from '../onnx-graph.builder';
import type { ModelManifestInput } from '../model-manifest';

/**
 * Tiny ONNX graphs with the real I/O contracts whose outputs are simple functions of the input image, so a test can
 * know what the decoders must find. m below is the mean of the input tensor over channels, height and width.
 */

export interface TinyYoloCandidate {
  /** confs[k] = weight x m. */
  weight: number;
  box: [number, number, number, number];
}

/** Obico's contract: input [N,3,S,S], boxes [N,K,1,4] (constant), confs [N,K,1] = m x weight[k]. */
export function tinyYoloObicoGraph(candidates: readonly TinyYoloCandidate[], anchors = 845, size = 416): Uint8Array {
  if (candidates.length > anchors) throw new Error('more candidates than anchors');
  const g = new OnnxGraphBuilder('tiny-yolo-obico');
  const x = g.input('input', ['N', 3, size, size]);
  const weights = new Float32Array(anchors);
  const boxes = new Float32Array(anchors * 4);
  candidates.forEach((c, k) => {
    weights[k] = c.weight;
    boxes.set(c.box, k * 4);
  });
  const mean = g.op('ReduceMean', [x], { axes: attribute.ints([1, 2, 3]), keepdims: attribute.int(1) }); // [N,1,1,1]
  const column = g.op('Reshape', [mean, g.int64s('column_shape', [-1, 1])]);
  const flat = g.op('MatMul', [column, g.floats('weights', weights, [1, anchors])]); // [N,K]
  g.op('Reshape', [flat, g.int64s('confs_shape', [-1, anchors, 1])], {}, 'confs');
  const zeros = g.op('Mul', [mean, g.floats('zeros', new Float32Array(anchors * 4), [1, anchors, 1, 4])]);
  g.op('Add', [zeros, g.floats('boxes_constant', boxes, [1, anchors, 1, 4])], {}, 'boxes');
  g.output('boxes', ['N', anchors, 1, 4]);
  g.output('confs', ['N', anchors, 1]);
  return g.toBytes();
}

/** A failure head: input [N,3,H,W], output failure_probability [N,1] = sigmoid(slope x m + intercept). */
export function tinyProbabilityGraph(slope: number, intercept: number, size = 32): Uint8Array {
  const g = new OnnxGraphBuilder('tiny-probability');
  const x = g.input('image', ['N', 3, size, size]);
  const mean = g.op('ReduceMean', [x], { axes: attribute.ints([1, 2, 3]), keepdims: attribute.int(0) }); // [N]
  const column = g.op('Unsqueeze', [mean, g.int64s('axes', [1])]);
  const logit = g.op('Add', [
    g.op('Mul', [column, g.floats('slope', Float32Array.of(slope), [1])]),
    g.floats('intercept', Float32Array.of(intercept), [1]),
  ]);
  g.op('Sigmoid', [logit], {}, 'failure_probability');
  g.output('failure_probability', ['N', 1]);
  return g.toBytes();
}

/** An embedding model: input [N,3,S,S], output embedding [N,3] = the mean of each channel (0..1). */
export function tinyEmbeddingGraph(size = 32): Uint8Array {
  const g = new OnnxGraphBuilder('tiny-embedding');
  const x = g.input('image', ['N', 3, size, size]);
  g.op('ReduceMean', [x], { axes: attribute.ints([2, 3]), keepdims: attribute.int(0) }, 'embedding');
  g.output('embedding', ['N', 3]);
  return g.toBytes();
}

/** Schema 2: tiles and a head on the embedding of tinyEmbeddingGraph (no decoder). */
export function tinyEmbeddingManifest(overrides: Partial<ModelManifestInput> = {}): ModelManifestInput {
  return {
    schemaVersion: 2,
    name: 'tiny-embedding',
    file: 'model.onnx',
    input: { name: 'image', shape: ['N', 3, 32, 32], resize: 'resize' },
    tiles: { grid: [2, 1], overlap: 0, includeWhole: true },
    outputs: { embedding: 'embedding' },
    // p = sigmoid(8 x (red mean - 0.5)): red tiles score high, black ones low.
    head: { kind: 'logistic', mean: [0.5, 0, 0], std: [1, 1, 1], weights: [8, 0, 0], bias: 0 },
    scoring: { cleanPrior: 0.05 },
    ...overrides,
  };
}

export function tinyYoloManifest(overrides: Partial<ModelManifestInput> = {}): ModelManifestInput {
  return {
    schemaVersion: 1,
    name: 'tiny-yolo-obico',
    file: 'model.onnx',
    input: { name: 'input', shape: ['N', 3, 416, 416], resize: 'resize', normalization: { scale: 1 / 255 } },
    decoder: { type: 'yolo-obico' },
    ...overrides,
  };
}

export function tinyProbabilityManifest(overrides: Partial<ModelManifestInput> = {}): ModelManifestInput {
  return {
    schemaVersion: 1,
    name: 'tiny-probability',
    file: 'model.onnx',
    input: { name: 'image', shape: ['N', 3, 32, 32], resize: 'letterbox' },
    decoder: { type: 'probability', output: 'failure_probability' },
    ...overrides,
  };
}

/** Writes a model directory (manifest.json + model.onnx) into a fresh temporary folder. */
export async function writeModelDirectory(
  manifest: unknown,
  model: Uint8Array,
  extraFiles: Record<string, string> = {},
): Promise<{ directory: string; remove: () => Promise<void> }> {
  const directory = await mkdtemp(path.join(tmpdir(), 'farmhand-model-'));
  await writeFile(path.join(directory, 'manifest.json'), JSON.stringify(manifest));
  await writeFile(path.join(directory, 'model.onnx'), model);
  for (const [name, content] of Object.entries(extraFiles)) await writeFile(path.join(directory, name), content);
  return { directory, remove: () => rm(directory, { recursive: true, force: true }) };
}
