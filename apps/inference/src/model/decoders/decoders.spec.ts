import { yoloObicoDecoderSchema, probabilityDecoderSchema } from '../model-manifest';
import { ModelOutputError } from './output-decoder';
import { ProbabilityDecoder } from './probability.decoder';
import { YoloObicoDecoder, nonMaximumSuppression } from './yolo-obico.decoder';

const tensor = (data: number[], dims: number[]) => ({ type: 'float32', dims, data: Float32Array.from(data) });

describe('nonMaximumSuppression', () => {
  it('keeps the best box, drops overlaps above the threshold, keeps overlaps at or below it', () => {
    const boxes = Float32Array.from([
      0,
      0,
      1,
      1, // 0
      0,
      0,
      1,
      0.9, // 1: IoU with 0 = 0.9
      0,
      0,
      0.5,
      1, // 2: IoU with 0 = 0.5
      2,
      2,
      3,
      3, // 3: disjoint
    ]);
    expect(nonMaximumSuppression(boxes, [0.5, 0.9, 0.4, 0.1], 0.5)).toEqual([1, 2, 3]);
    // 2 against 1: inter 0.45, union 0.95 -> 0.47, kept at 0.5; dropped at 0.45 with 0 already gone.
    expect(nonMaximumSuppression(boxes, [0.5, 0.9, 0.4, 0.1], 0.45)).toEqual([1, 3]);
  });
});

describe('YoloObicoDecoder', () => {
  const decoder = new YoloObicoDecoder(
    yoloObicoDecoderSchema.parse({ type: 'yolo-obico', classNames: ['failure', 'blob'] }),
  );

  it('takes the best class per box, applies NMS per class, and sums the kept confidences', () => {
    // batch of 2, K = 3, C = 2; frame 1 is the one decoded.
    const boxes = tensor(
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* frame 1 */ 0.1, 0.1, 0.3, 0.3, 0.1, 0.1, 0.3, 0.3, 0.5, 0.5, 0.9, 0.9],
      [2, 3, 1, 4],
    );
    const confs = tensor([0.9, 0, 0.9, 0, 0.9, 0, /* frame 1 */ 0.5, 0.2, 0.1, 0.6, 0.07, 0.08], [2, 3, 2]);
    const frame = decoder.decode({ boxes, confs }, 1);
    // box 0 -> failure 0.5, box 1 -> blob 0.6 (same place, other class: no suppression), box 2 -> 0.08 is not > 0.08.
    expect(frame.detections!.map((d) => [d.className, d.confidence])).toEqual([
      ['failure', expect.closeTo(0.5, 6)],
      ['blob', expect.closeTo(0.6, 6)],
    ]);
    expect(frame.score).toBeCloseTo(1.1, 6);
  });

  it('rejects outputs that break the contract', () => {
    const boxes = tensor([0, 0, 1, 1], [1, 1, 4]);
    const confs = tensor([0.5], [1, 1, 1]);
    expect(() => decoder.decode({ boxes, confs }, 0)).toThrow(ModelOutputError);
    expect(() => decoder.decode({ confs }, 0)).toThrow(/no output named "boxes"/);
    expect(() =>
      decoder.decode({ boxes: tensor([0, 0, 1, 1], [1, 1, 1, 4]), confs: tensor([0.5], [1, 1, 1]) }, 1),
    ).toThrow(/outside a batch/);
  });
});

describe('ProbabilityDecoder', () => {
  it('reads the configured column, with an optional activation', () => {
    const output = { head: tensor([0.1, 0.7, 2, -1], [2, 2]) };
    const plain = new ProbabilityDecoder(
      probabilityDecoderSchema.parse({ type: 'probability', output: 'head', index: 1 }),
    );
    expect(plain.decode(output, 0).score).toBeCloseTo(0.7, 6);
    const sigmoid = new ProbabilityDecoder(
      probabilityDecoderSchema.parse({ type: 'probability', output: 'head', index: 0, activation: 'sigmoid' }),
    );
    expect(sigmoid.decode(output, 1).probability).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    const softmax = new ProbabilityDecoder(
      probabilityDecoderSchema.parse({ type: 'probability', output: 'head', index: 1, activation: 'softmax' }),
    );
    expect(softmax.decode(output, 1).score).toBeCloseTo(Math.exp(-1) / (Math.exp(2) + Math.exp(-1)), 6);
  });

  it('refuses a non-finite output instead of passing it to the scoring', () => {
    const decoder = new ProbabilityDecoder(probabilityDecoderSchema.parse({ type: 'probability', output: 'p' }));
    expect(() => decoder.decode({ p: tensor([Number.NaN], [1, 1]) }, 0)).toThrow(ModelOutputError);
    expect(decoder.decode({ p: tensor([1.0000001], [1]) }, 0).score).toBe(1);
  });
});
