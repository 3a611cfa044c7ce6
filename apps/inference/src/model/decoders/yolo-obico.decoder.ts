import type { YoloObicoDecoderConfig } from '../model-manifest';
import {
  ModelOutputError,
  floatOutput,
  type DecodedFrame,
  type Detection,
  type OutputDecoder,
  type OutputTensor,
} from './output-decoder';

/**
 * Greedy non-maximum suppression over x1,y1,x2,y2 boxes, as Obico's nms_cpu: visit by descending confidence, keep
 * a box, drop the others whose IoU with it is above the threshold. Returns kept indices in visiting order.
 */
export function nonMaximumSuppression(
  boxes: Float32Array,
  confidences: readonly number[],
  threshold: number,
): number[] {
  const order = confidences.map((_, i) => i).sort((a, b) => confidences[b] - confidences[a] || a - b);
  const area = (i: number) => (boxes[i * 4 + 2] - boxes[i * 4]) * (boxes[i * 4 + 3] - boxes[i * 4 + 1]);
  const kept: number[] = [];
  let remaining = order;
  while (remaining.length > 0) {
    const self = remaining[0];
    kept.push(self);
    const next: number[] = [];
    for (let k = 1; k < remaining.length; k++) {
      const other = remaining[k];
      const w = Math.max(
        0,
        Math.min(boxes[self * 4 + 2], boxes[other * 4 + 2]) - Math.max(boxes[self * 4], boxes[other * 4]),
      );
      const h = Math.max(
        0,
        Math.min(boxes[self * 4 + 3], boxes[other * 4 + 3]) - Math.max(boxes[self * 4 + 1], boxes[other * 4 + 1]),
      );
      const intersection = w * h;
      const overlap = intersection / (area(self) + area(other) - intersection);
      // NaN (two empty boxes) compares false and is dropped, like numpy's `over <= thresh`.
      if (overlap <= threshold) next.push(other);
    }
    remaining = next;
  }
  return kept;
}

/**
 * Obico's post_processing: boxes [N,K,1,4], confs [N,K,C]; per box the best class, keep confidence > threshold,
 * NMS per class; frame score = sum of the kept confidences (Obico's sum_p_in_detections).
 */
export class YoloObicoDecoder implements OutputDecoder {
  readonly outputNames: readonly string[];

  constructor(private readonly config: YoloObicoDecoderConfig) {
    this.outputNames = [config.boxesOutput, config.confsOutput];
  }

  decode(outputs: Readonly<Record<string, OutputTensor>>, index: number): DecodedFrame {
    const boxes = floatOutput(outputs, this.config.boxesOutput);
    const confs = floatOutput(outputs, this.config.confsOutput);
    const [batch, count] = boxes.dims;
    if (boxes.dims.length !== 4 || boxes.dims[2] !== 1 || boxes.dims[3] !== 4) {
      throw new ModelOutputError(`boxes output has dims [${boxes.dims.join(',')}], expected [N,K,1,4]`);
    }
    if (confs.dims.length !== 3 || confs.dims[0] !== batch || confs.dims[1] !== count) {
      throw new ModelOutputError(`confs output has dims [${confs.dims.join(',')}], expected [${batch},${count},C]`);
    }
    if (index < 0 || index >= batch) throw new ModelOutputError(`frame ${index} is outside a batch of ${batch}`);
    const classes = confs.dims[2];
    if (classes > this.config.classNames.length) {
      throw new ModelOutputError(
        `the model has ${classes} classes but the manifest names ${this.config.classNames.length}`,
      );
    }

    const candidatesByClass = new Map<number, { boxIndex: number; confidence: number }[]>();
    const confBase = index * count * classes;
    for (let k = 0; k < count; k++) {
      let best = 0;
      let bestConfidence = confs.data[confBase + k * classes];
      for (let c = 1; c < classes; c++) {
        const value = confs.data[confBase + k * classes + c];
        if (value > bestConfidence) {
          best = c;
          bestConfidence = value;
        }
      }
      if (!(bestConfidence > this.config.confidenceThreshold)) continue;
      const list = candidatesByClass.get(best) ?? [];
      list.push({ boxIndex: k, confidence: bestConfidence });
      candidatesByClass.set(best, list);
    }

    const detections: Detection[] = [];
    const classOrder = [...candidatesByClass.keys()].sort((a, b) => a - b);
    for (const classIndex of classOrder) {
      const candidates = candidatesByClass.get(classIndex)!;
      const local = new Float32Array(candidates.length * 4);
      candidates.forEach((candidate, i) => {
        local.set(
          boxes.data.subarray((index * count + candidate.boxIndex) * 4, (index * count + candidate.boxIndex + 1) * 4),
          i * 4,
        );
      });
      const keep = nonMaximumSuppression(
        local,
        candidates.map((c) => c.confidence),
        this.config.nmsThreshold,
      );
      for (const i of keep) {
        detections.push({
          className: this.config.classNames[classIndex],
          confidence: candidates[i].confidence,
          box: { x1: local[i * 4], y1: local[i * 4 + 1], x2: local[i * 4 + 2], y2: local[i * 4 + 3] },
        });
      }
    }
    const score = detections.reduce((sum, d) => sum + d.confidence, 0);
    if (!Number.isFinite(score)) throw new ModelOutputError('the model produced a non-finite confidence');
    return { score, detections };
  }
}
