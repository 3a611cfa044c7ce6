import type { ProbabilityDecoderConfig } from '../model-manifest';
import {
  ModelOutputError,
  floatOutput,
  type DecodedFrame,
  type OutputDecoder,
  type OutputTensor,
} from './output-decoder';

/** An image model's failure head: output [N] or [N,C]; the frame score is the failure probability. */
export class ProbabilityDecoder implements OutputDecoder {
  readonly outputNames: readonly string[];

  constructor(private readonly config: ProbabilityDecoderConfig) {
    this.outputNames = [config.output];
  }

  decode(outputs: Readonly<Record<string, OutputTensor>>, index: number): DecodedFrame {
    const tensor = floatOutput(outputs, this.config.output);
    const [batch, ...rest] = tensor.dims;
    const columns = rest.reduce((a, b) => a * b, 1);
    if (tensor.dims.length < 1 || tensor.data.length !== batch * columns) {
      throw new ModelOutputError(`output "${this.config.output}" has dims [${tensor.dims.join(',')}]`);
    }
    if (index < 0 || index >= batch) throw new ModelOutputError(`frame ${index} is outside a batch of ${batch}`);
    if (this.config.index >= columns) {
      throw new ModelOutputError(`index ${this.config.index} is outside ${columns} columns of "${this.config.output}"`);
    }
    const row = tensor.data.subarray(index * columns, (index + 1) * columns);
    let probability: number;
    switch (this.config.activation) {
      case 'none':
        probability = row[this.config.index];
        break;
      case 'sigmoid':
        probability = 1 / (1 + Math.exp(-row[this.config.index]));
        break;
      case 'softmax': {
        const max = Math.max(...row);
        let total = 0;
        for (const v of row) total += Math.exp(v - max);
        probability = Math.exp(row[this.config.index] - max) / total;
        break;
      }
    }
    if (!Number.isFinite(probability)) throw new ModelOutputError(`output "${this.config.output}" is not finite`);
    // A tiny excursion outside [0, 1] from float arithmetic must not reach the scoring as a negative score.
    probability = Math.min(1, Math.max(0, probability));
    return { score: probability, probability };
  }
}
