import { OnnxGraphBuilder, attribute } from '../../apps/inference/src/model/onnx-graph.builder';
import { convertKerasBackbone } from './keras-to-onnx';
import type { TfjsLayersModel } from './tfjs-weights';

export const INPUT_NAME = 'image';
export const INPUT_SIZE = 224;
/** nsfwjs's MobileNetV2: global average pooling of the last 1280-channel block, flattened. */
export const FEATURE_LAYER = 'flatten_1';
/**
 * Mid-level layers whose global averages are appended to the final features (multi-scale pooled features): thin
 * strands are a texture that the mid-level blocks see better than the final, object-level features. Chosen by
 * leave-one-source-out AUC on the real photos (see models/default/README.md).
 */
export const TAP_LAYERS: readonly string[] = ['block_6_expand_relu', 'block_13_expand_relu'];
export const EMBEDDING_OUTPUT = 'embedding';

/**
 * MobileNetV2 from nsfwjs as ONNX, input [N,3,224,224] RGB in 0..1 (nsfwjs divides pixels by 255), output the
 * embedding [N, 1280 + taps]: the final features and the global averages of `tapLayers`. The failure head is kept
 * outside the graph (head.json), so one backbone serves the default head and per-organization heads.
 */
export function buildMobileNetGraph(model: TfjsLayersModel, tapLayers: readonly string[] = TAP_LAYERS): Uint8Array {
  const graph = new OnnxGraphBuilder('mobilenetv2-embedding');
  const input = graph.input(INPUT_NAME, ['N', 3, INPUT_SIZE, INPUT_SIZE]);
  const backbone = convertKerasBackbone(
    model,
    graph,
    input,
    { channels: 3, height: INPUT_SIZE, width: INPUT_SIZE },
    FEATURE_LAYER,
    tapLayers,
  );
  const channels = backbone.channels + backbone.taps.reduce((sum, tap) => sum + tap.channels, 0);
  const features = graph.op('Concat', [backbone.features, ...backbone.taps.map((tap) => tap.features)], {
    axis: attribute.int(1),
  });
  graph.op('Identity', [features], {}, EMBEDDING_OUTPUT);
  graph.output(EMBEDDING_OUTPUT, ['N', channels]);
  return graph.toBytes({ docString: 'MobileNetV2 (nsfwjs weights) embedding' });
}
