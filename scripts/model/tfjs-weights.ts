import * as path from 'node:path';

/**
 * Reads a TensorFlow.js layers model as nsfwjs ships it: `model.min.js` (a UMD bundle exporting
 * { modelTopology, weightsManifest }) and `group1-shardNofM.min.js` bundles exporting the weight bytes as base64.
 * Weights are uint8-quantized; they are dequantized exactly as tfjs does (value = q x scale + min).
 */
export interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, unknown][][];
}

export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

export interface TfjsLayersModel {
  layers: KerasLayer[];
  weights: Map<string, WeightTensor>;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { min?: number; scale?: number; dtype: string };
}

export function nsfwjsModelDirectory(model = 'mobilenet_v2'): string {
  // The package exports only its entry points; its CommonJS entry is dist/cjs/index.js.
  return path.join(path.dirname(require.resolve('nsfwjs')), '..', 'models', model);
}

export function loadTfjsLayersModel(directory: string): TfjsLayersModel {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundle = require(path.join(directory, 'model.min.js')) as {
    modelTopology: { model_config: { config: { layers: KerasLayer[] } } };
    weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  };
  const weights = new Map<string, WeightTensor>();
  for (const group of bundle.weightsManifest) {
    const bytes = Buffer.concat(
      group.paths.map((shard) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const base64 = require(path.join(directory, `${shard}.min.js`)) as string;
        return Buffer.from(base64, 'base64');
      }),
    );
    let offset = 0;
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(count);
      const q = spec.quantization;
      if (q?.dtype === 'uint8' && q.scale !== undefined && q.min !== undefined) {
        for (let i = 0; i < count; i++) data[i] = bytes[offset + i] * q.scale + q.min;
        offset += count;
      } else if (!q && spec.dtype === 'float32') {
        const copy = Buffer.from(bytes.subarray(offset, offset + count * 4));
        data.set(new Float32Array(copy.buffer, copy.byteOffset, count));
        offset += count * 4;
      } else {
        throw new Error(`weight ${spec.name}: unsupported storage ${spec.dtype}/${q?.dtype}`);
      }
      weights.set(spec.name, { shape: spec.shape, data });
    }
    if (offset !== bytes.length) throw new Error(`weights use ${offset} bytes of ${bytes.length}`);
  }
  return { layers: bundle.modelTopology.model_config.config.layers, weights };
}
