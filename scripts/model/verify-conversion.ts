import * as ort from 'onnxruntime-node';
import { SeededRandom } from './seeded-random';

export interface ConversionCheck {
  frames: number;
  values: number;
  maxAbsoluteDifference: number;
  maxReferenceMagnitude: number;
  /** max |onnx - tfjs| / max |tfjs| */
  relativeError: number;
}

/**
 * Runs nsfwjs's own TensorFlow.js model (CPU backend, from node_modules) and the converted ONNX graph on the same
 * random images and compares the features of `layerName` and the spatial means of `tapLayers`. tfjs is only needed
 * here, at build time.
 */
export async function verifyAgainstTfjs(
  onnxModel: Uint8Array,
  inputName: string,
  outputName: string,
  layerName: string,
  tapLayers: readonly string[],
  size: number,
  seed: number,
): Promise<ConversionCheck> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const nsfwjs = require('nsfwjs') as {
    load: (name: string) => Promise<{ model: import('@tensorflow/tfjs').LayersModel }>;
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  await tf.setBackend('cpu');
  const loaded = await nsfwjs.load('MobileNetV2');
  const layers = [layerName, ...tapLayers];
  const reference = tf.model({
    inputs: loaded.model.inputs,
    outputs: layers.map((name) => loaded.model.getLayer(name).output as import('@tensorflow/tfjs').SymbolicTensor),
  });

  const frames = 2;
  const random = new SeededRandom(seed);
  const nhwc = new Float32Array(frames * size * size * 3);
  for (let i = 0; i < nhwc.length; i++) nhwc[i] = random.next();
  const nchw = new Float32Array(nhwc.length);
  for (let n = 0; n < frames; n++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          nchw[((n * 3 + c) * size + y) * size + x] = nhwc[((n * size + y) * size + x) * 3 + c];
        }
      }
    }
  }
  const input = tf.tensor4d(nhwc, [frames, size, size, 3]);
  // predict returns one tensor for one output, an array for several.
  const predicted = [reference.predict(input)].flat() as import('@tensorflow/tfjs').Tensor[];
  // The graph's embedding is [final features, spatial mean of each tap], per frame.
  const parts = predicted.map((tensor, i) => (i === 0 ? tensor.reshape([frames, -1]) : tensor.mean([1, 2])));
  const expected = (await tf.concat(parts, 1).data()) as Float32Array;
  tf.dispose([input, ...predicted, ...parts]);

  const session = await ort.InferenceSession.create(onnxModel);
  const outputs = await session.run({ [inputName]: new ort.Tensor('float32', nchw, [frames, 3, size, size]) });
  const actual = outputs[outputName].data as Float32Array;
  await session.release();
  if (actual.length !== expected.length) throw new Error(`onnx gives ${actual.length} values, tfjs ${expected.length}`);

  let maxAbsoluteDifference = 0;
  let maxReferenceMagnitude = 0;
  for (let i = 0; i < actual.length; i++) {
    maxAbsoluteDifference = Math.max(maxAbsoluteDifference, Math.abs(actual[i] - expected[i]));
    maxReferenceMagnitude = Math.max(maxReferenceMagnitude, Math.abs(expected[i]));
  }
  return {
    frames,
    values: actual.length,
    maxAbsoluteDifference,
    maxReferenceMagnitude,
    relativeError: maxAbsoluteDifference / maxReferenceMagnitude,
  };
}
