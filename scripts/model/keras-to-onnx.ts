import { attribute, type OnnxGraphBuilder } from '../../apps/inference/src/model/onnx-graph.builder';
import type { KerasLayer, TfjsLayersModel, WeightTensor } from './tfjs-weights';

/**
 * Converts the convolutional part of a Keras functional model (the layer kinds MobileNetV2 uses) to an ONNX graph in
 * NCHW: Conv2D and DepthwiseConv2D with the following BatchNormalization folded in, ZeroPadding2D folded into the
 * next convolution's pads, ReLU(max 6) as Clip, Add, a whole-map AveragePooling2D as GlobalAveragePool, Flatten.
 * Conversion stops at `untilLayer`, whose output becomes the graph's feature tensor [N, C].
 */
export interface ConvertedBackbone {
  /** Name of the [N, C] feature tensor. */
  features: string;
  channels: number;
  /** Global average pools [N, C] of the requested intermediate layers, in the order asked. */
  taps: { layer: string; features: string; channels: number }[];
}

interface Value {
  name: string;
  channels: number;
  height: number;
  width: number;
  /** Zero padding still to apply: top, left, bottom, right. */
  pad?: [number, number, number, number];
}

function weight(model: TfjsLayersModel, name: string): WeightTensor {
  const found = model.weights.get(name);
  if (!found) throw new Error(`missing weight ${name}`);
  return found;
}

function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export function convertKerasBackbone(
  model: TfjsLayersModel,
  graph: OnnxGraphBuilder,
  input: string,
  inputShape: { channels: number; height: number; width: number },
  untilLayer: string,
  tapLayers: readonly string[] = [],
): ConvertedBackbone {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const consumers = new Map<string, KerasLayer[]>();
  for (const layer of model.layers) {
    for (const node of layer.inbound_nodes)
      for (const [source] of node) consumers.set(source, [...(consumers.get(source) ?? []), layer]);
  }
  const values = new Map<string, Value>();
  const folded = new Set<string>();
  const inputsOf = (layer: KerasLayer): Value[] =>
    layer.inbound_nodes[0].map(([source]) => {
      const value = values.get(source);
      if (!value) throw new Error(`${layer.name}: input ${source} not converted yet`);
      return value;
    });

  for (const layer of model.layers) {
    if (folded.has(layer.name)) continue;
    const config = layer.config;
    switch (layer.class_name) {
      case 'InputLayer':
        values.set(layer.name, { name: input, ...inputShape });
        break;
      case 'ZeroPadding2D': {
        const [[top, bottom], [left, right]] = config.padding as [[number, number], [number, number]];
        const [source] = inputsOf(layer);
        const [t, l, b, r] = source.pad ?? [0, 0, 0, 0];
        values.set(layer.name, {
          ...source,
          pad: [t + top, l + left, b + bottom, r + right],
          height: source.height + top + bottom,
          width: source.width + left + right,
        });
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const [source] = inputsOf(layer);
        const depthwise = layer.class_name === 'DepthwiseConv2D';
        const kernel = weight(model, `${layer.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`);
        const [kh, kw, cin, last] = kernel.shape;
        const cout = depthwise ? cin * last : last;
        const [sh, sw] = config.strides as [number, number];
        if ((config.dilation_rate as number[]).some((d) => d !== 1))
          throw new Error(`${layer.name}: dilation unsupported`);
        // TF [kh, kw, cin, cout|multiplier] -> ONNX [cout, cin/group, kh, kw]
        const w = new Float32Array(cout * (depthwise ? 1 : cin) * kh * kw);
        for (let y = 0; y < kh; y++) {
          for (let x = 0; x < kw; x++) {
            for (let i = 0; i < cin; i++) {
              for (let j = 0; j < last; j++) {
                const value = kernel.data[((y * kw + x) * cin + i) * last + j];
                if (depthwise) w[((i * last + j) * kh + y) * kw + x] = value;
                else w[((j * cin + i) * kh + y) * kw + x] = value;
              }
            }
          }
        }
        const bias = new Float32Array(cout);
        if (config.use_bias) bias.set(weight(model, `${layer.name}/bias`).data);
        let outputLayer = layer;
        const next = consumers.get(layer.name) ?? [];
        if (next.length === 1 && next[0].class_name === 'BatchNormalization') {
          const bn = next[0];
          const epsilon = bn.config.epsilon as number;
          const gamma = bn.config.scale === false ? undefined : weight(model, `${bn.name}/gamma`).data;
          const beta = bn.config.center === false ? undefined : weight(model, `${bn.name}/beta`).data;
          const mean = weight(model, `${bn.name}/moving_mean`).data;
          const variance = weight(model, `${bn.name}/moving_variance`).data;
          const per = w.length / cout;
          for (let o = 0; o < cout; o++) {
            const scale = (gamma ? gamma[o] : 1) / Math.sqrt(variance[o] + epsilon);
            for (let k = 0; k < per; k++) w[o * per + k] *= scale;
            bias[o] = (bias[o] - mean[o]) * scale + (beta ? beta[o] : 0);
          }
          folded.add(bn.name);
          outputLayer = bn;
        }
        let pads = source.pad ?? [0, 0, 0, 0];
        let height = source.height;
        let width = source.width;
        if (config.padding === 'same') {
          const [pt, pb] = samePadding(height, kh, sh);
          const [pl, pr] = samePadding(width, kw, sw);
          pads = [pads[0] + pt, pads[1] + pl, pads[2] + pb, pads[3] + pr];
          height += pt + pb;
          width += pl + pr;
        } else if (config.padding !== 'valid') {
          throw new Error(`${layer.name}: padding ${String(config.padding)} unsupported`);
        }
        const name = graph.op(
          'Conv',
          [
            source.name,
            graph.floats(`${layer.name}_weight`, w, [cout, depthwise ? 1 : cin, kh, kw]),
            graph.floats(`${layer.name}_bias`, bias, [cout]),
          ],
          {
            kernel_shape: attribute.ints([kh, kw]),
            strides: attribute.ints([sh, sw]),
            pads: attribute.ints([pads[0], pads[1], pads[2], pads[3]]),
            group: attribute.int(depthwise ? cin : 1),
          },
        );
        values.set(outputLayer.name, {
          name,
          channels: cout,
          height: Math.floor((height - kh) / sh) + 1,
          width: Math.floor((width - kw) / sw) + 1,
        });
        break;
      }
      case 'BatchNormalization':
        throw new Error(`${layer.name}: a batch normalization that does not follow a convolution is unsupported`);
      case 'ReLU': {
        const [source] = inputsOf(layer);
        const max = config.max_value as number | null;
        if ((config.negative_slope as number) !== 0 || (config.threshold as number) !== 0) {
          throw new Error(`${layer.name}: leaky or thresholded ReLU unsupported`);
        }
        const name =
          max === null || max === undefined
            ? graph.op('Relu', [source.name])
            : graph.op('Clip', [
                source.name,
                graph.floats(`${layer.name}_min`, Float32Array.of(0), []),
                graph.floats(`${layer.name}_max`, Float32Array.of(max), []),
              ]);
        values.set(layer.name, { ...source, name, pad: undefined });
        break;
      }
      case 'Add': {
        const sources = inputsOf(layer);
        let name = sources[0].name;
        for (const other of sources.slice(1)) name = graph.op('Add', [name, other.name]);
        values.set(layer.name, { ...sources[0], name, pad: undefined });
        break;
      }
      case 'AveragePooling2D':
      case 'GlobalAveragePooling2D': {
        const [source] = inputsOf(layer);
        if (layer.class_name === 'AveragePooling2D') {
          const [ph, pw] = config.pool_size as [number, number];
          if (ph !== source.height || pw !== source.width)
            throw new Error(`${layer.name}: only whole-map pooling is supported`);
        }
        values.set(layer.name, {
          name: graph.op('GlobalAveragePool', [source.name]),
          channels: source.channels,
          height: 1,
          width: 1,
        });
        break;
      }
      case 'Flatten': {
        const [source] = inputsOf(layer);
        values.set(layer.name, {
          ...source,
          name: graph.op('Flatten', [source.name], { axis: attribute.int(1) }),
          height: 1,
          width: 1,
        });
        break;
      }
      default:
        throw new Error(`${layer.name}: layer ${layer.class_name} unsupported`);
    }
    if (layer.name === untilLayer || (folded.has(untilLayer) && values.has(untilLayer))) break;
  }
  const result = values.get(untilLayer);
  if (!result || !byName.has(untilLayer)) throw new Error(`layer ${untilLayer} was not reached`);
  if (result.height !== 1 || result.width !== 1) throw new Error(`${untilLayer} is not a feature vector`);
  const taps = tapLayers.map((layer) => {
    const value = values.get(layer);
    if (!value) throw new Error(`tap ${layer} was not converted`);
    const pooled = graph.op('GlobalAveragePool', [value.name]);
    return { layer, features: graph.op('Flatten', [pooled], { axis: attribute.int(1) }), channels: value.channels };
  });
  return { features: result.name, channels: result.channels, taps };
}
