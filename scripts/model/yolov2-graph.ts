import { OnnxGraphBuilder, attribute } from '../../apps/inference/src/model/onnx-graph.builder';
import { SeededRandom } from './seeded-random';

/**
 * A graph with Obico's detector architecture (darknet YOLOv2 at 416x416, one class, 5 anchors: 845 boxes) and random
 * weights, ending in Obico's ONNX output contract: boxes [N,845,1,4] (x1,y1,x2,y2 in 0..1) and confs [N,845,1].
 * For benchmarks: it costs what the real model costs; its detections mean nothing.
 */
export const YOLO_SIZE = 416;
const GRID = 13;
const ANCHORS = 5;
// yolov2-voc anchors, in grid cells.
const ANCHOR_SIZES: [number, number][] = [
  [1.3221, 1.73145],
  [3.19275, 4.00944],
  [5.05587, 8.09892],
  [9.47112, 4.84053],
  [11.2364, 10.0071],
];

export interface YoloGraph {
  bytes: Uint8Array;
  /** Multiply-accumulates per frame of the convolutions, times 2. */
  flops: number;
  parameters: number;
}

export function buildRandomYoloV2Graph(seed = 416): YoloGraph {
  const random = new SeededRandom(seed);
  const g = new OnnxGraphBuilder('yolov2-obico-random');
  let flops = 0;
  let parameters = 0;
  let size = YOLO_SIZE;
  let channels = 3;
  let x = g.input('input', ['N', 3, YOLO_SIZE, YOLO_SIZE]);

  const conv = (
    input: string,
    inChannels: number,
    outChannels: number,
    kernel: number,
    leaky: boolean,
    biasFill = 0,
  ): string => {
    const fanIn = inChannels * kernel * kernel;
    const std = Math.sqrt(2 / fanIn) * 0.5;
    const weights = new Float32Array(outChannels * fanIn);
    for (let i = 0; i < weights.length; i++) weights[i] = random.normal() * std;
    const bias = new Float32Array(outChannels).fill(biasFill);
    flops += 2 * fanIn * outChannels * size * size;
    parameters += weights.length + bias.length;
    const pad = Math.floor(kernel / 2);
    const out = g.op(
      'Conv',
      [input, g.floats('w', weights, [outChannels, inChannels, kernel, kernel]), g.floats('b', bias, [outChannels])],
      {
        kernel_shape: attribute.ints([kernel, kernel]),
        pads: attribute.ints([pad, pad, pad, pad]),
        strides: attribute.ints([1, 1]),
      },
    );
    return leaky ? g.op('LeakyRelu', [out], { alpha: attribute.float(0.1) }) : out;
  };
  const step = (outChannels: number, kernel: number) => {
    x = conv(x, channels, outChannels, kernel, true);
    channels = outChannels;
  };
  const pool = () => {
    x = g.op('MaxPool', [x], { kernel_shape: attribute.ints([2, 2]), strides: attribute.ints([2, 2]) });
    size /= 2;
  };

  // darknet yolov2.cfg up to the passthrough: [filters, kernel] convolutions and 'M' max pools.
  // prettier-ignore
  const layers: ([number, number] | 'M' | 'passthrough')[] = [
    [32, 3], 'M', [64, 3], 'M', [128, 3], [64, 1], [128, 3], 'M', [256, 3], [128, 1], [256, 3], 'M',
    [512, 3], [256, 1], [512, 3], [256, 1], [512, 3], 'passthrough', 'M',
    [1024, 3], [512, 1], [1024, 3], [512, 1], [1024, 3], [1024, 3], [1024, 3],
  ];
  let passthrough = x;
  for (const layer of layers) {
    if (layer === 'M') pool();
    else if (layer === 'passthrough') passthrough = x;
    else step(layer[0], layer[1]);
  }
  // Passthrough: 26x26x512 -> 1x1 conv to 64 -> reorg (space to depth) -> 13x13x256, concatenated.
  size = 26;
  const reduced = conv(passthrough, 512, 64, 1, true);
  size = GRID;
  const reorganized = g.op('SpaceToDepth', [reduced], { blocksize: attribute.int(2) });
  x = g.op('Concat', [reorganized, x], { axis: attribute.int(1) });
  channels = 256 + 1024;
  step(1024, 3);
  // Final 1x1 conv: 5 anchors x (4 box + 1 objectness + 1 class). Objectness biased low, like a quiet frame.
  const finalBias = -4;
  const head = conv(x, channels, ANCHORS * 6, 1, false, finalBias);

  // Region decoding to Obico's contract.
  const cells = GRID * GRID;
  const grouped = g.op('Reshape', [head, g.int64s('region_shape', [-1, ANCHORS, 6, cells])]);
  const [tx, ty, tw, th, objectness, classScore] = g.node(
    'Split',
    [grouped, g.int64s('split', [1, 1, 1, 1, 1, 1])],
    { axis: attribute.int(2) },
    6,
  );
  const gridX = new Float32Array(cells);
  const gridY = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    gridX[c] = c % GRID;
    gridY[c] = Math.floor(c / GRID);
  }
  const toUnit = g.floats('inverse_grid', Float32Array.of(1 / GRID), [1]);
  const cx = g.op('Mul', [g.op('Add', [g.op('Sigmoid', [tx]), g.floats('grid_x', gridX, [1, 1, 1, cells])]), toUnit]);
  const cy = g.op('Mul', [g.op('Add', [g.op('Sigmoid', [ty]), g.floats('grid_y', gridY, [1, 1, 1, cells])]), toUnit]);
  const anchorW = Float32Array.from(ANCHOR_SIZES, ([w]) => w / GRID / 2);
  const anchorH = Float32Array.from(ANCHOR_SIZES, ([, h]) => h / GRID / 2);
  const halfW = g.op('Mul', [g.op('Exp', [tw]), g.floats('anchor_w', anchorW, [1, ANCHORS, 1, 1])]);
  const halfH = g.op('Mul', [g.op('Exp', [th]), g.floats('anchor_h', anchorH, [1, ANCHORS, 1, 1])]);
  const corners = g.op(
    'Concat',
    [g.op('Sub', [cx, halfW]), g.op('Sub', [cy, halfH]), g.op('Add', [cx, halfW]), g.op('Add', [cy, halfH])],
    {
      axis: attribute.int(2),
    },
  ); // [N,5,4,169]
  const boxes = g.op('Transpose', [corners], { perm: attribute.ints([0, 1, 3, 2]) }); // [N,5,169,4]
  g.op('Reshape', [boxes, g.int64s('boxes_shape', [-1, ANCHORS * cells, 1, 4])], {}, 'boxes');
  // One class: softmax over one score is 1, so the confidence is the objectness (kept as a product for the cost).
  const classProbability = g.op('Softmax', [classScore], { axis: attribute.int(2) });
  const confidence = g.op('Mul', [g.op('Sigmoid', [objectness]), classProbability]);
  g.op('Reshape', [confidence, g.int64s('confs_shape', [-1, ANCHORS * cells, 1])], {}, 'confs');
  g.output('boxes', ['N', ANCHORS * cells, 1, 4]);
  g.output('confs', ['N', ANCHORS * cells, 1]);
  return { bytes: g.toBytes(), flops, parameters };
}
