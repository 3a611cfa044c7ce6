import { OnnxGraphBuilder, attribute } from '../../apps/inference/src/model/onnx-graph.builder';
import { convertKerasBackbone } from './keras-to-onnx';
import type { LogisticHead } from './logistic-regression';
import type { TfjsLayersModel } from './tfjs-weights';

export const INPUT_NAME = 'image';
export const INPUT_SIZE = 224;
/** nsfwjs's MobileNetV2: global average pooling of the last 1280-channel block, flattened. */
export const FEATURE_LAYER = 'flatten_1';
/**
 * Mid-level layers whose global averages would be appended to the features. None: adding block_13_expand_relu
 * (and block_6_expand_relu) raised held-out synthetic accuracy from 86 % to 88-91 % (1200 training / 600 held-out
 * frames), but scored a strand-free crop of the real reference photo (printer hardware only) 0.71-0.96 where the
 * final features alone gave 0.21: they learn the synthetic textures. See models/default/README.md.
 */
export const TAP_LAYERS: readonly string[] = [];
export const EMBEDDING_OUTPUT = 'embedding';
export const PROBABILITY_OUTPUT = 'failure_probability';

/**
 * MobileNetV2 from nsfwjs as ONNX, input [N,3,224,224] RGB in 0..1 (nsfwjs divides pixels by 255). Without a head
 * the output is the embedding (1280 final features, plus any TAP_LAYERS); with one, the failure probability
 * [N,1] = sigmoid(embedding . w + b).
 */
export function buildMobileNetGraph(model: TfjsLayersModel, head?: LogisticHead): Uint8Array {
  const graph = new OnnxGraphBuilder(head ? 'farmhand-failure-mobilenetv2' : 'mobilenetv2-embedding');
  const input = graph.input(INPUT_NAME, ['N', 3, INPUT_SIZE, INPUT_SIZE]);
  const backbone = convertKerasBackbone(
    model,
    graph,
    input,
    { channels: 3, height: INPUT_SIZE, width: INPUT_SIZE },
    FEATURE_LAYER,
    TAP_LAYERS,
  );
  const channels = backbone.channels + backbone.taps.reduce((sum, tap) => sum + tap.channels, 0);
  const features = graph.op('Concat', [backbone.features, ...backbone.taps.map((tap) => tap.features)], {
    axis: attribute.int(1),
  });
  if (!head) {
    graph.op('Identity', [features], {}, EMBEDDING_OUTPUT);
    graph.output(EMBEDDING_OUTPUT, ['N', channels]);
    return graph.toBytes({ docString: 'MobileNetV2 (nsfwjs weights) embedding' });
  }
  if (head.weights.length !== channels)
    throw new Error(`head has ${head.weights.length} weights for ${channels} features`);
  const logit = graph.op(
    'Gemm',
    [
      features,
      graph.floats('head_weight', Float32Array.from(head.weights), [channels, 1]),
      graph.floats('head_bias', Float32Array.of(head.bias), [1]),
    ],
    { alpha: attribute.float(1), beta: attribute.float(1) },
  );
  graph.op('Sigmoid', [logit], {}, PROBABILITY_OUTPUT);
  graph.output(PROBABILITY_OUTPUT, ['N', 1]);
  return graph.toBytes({
    docString:
      'Farmhand default failure model: MobileNetV2 (nsfwjs weights) + logistic failure head trained on synthetic frames',
  });
}
