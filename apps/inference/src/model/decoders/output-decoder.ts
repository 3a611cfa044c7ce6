import type { Box } from '../frame-preprocessor';

/** The part of an onnxruntime Tensor a decoder reads; kept structural so decoders stay free of the runtime. */
export interface OutputTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

export interface Detection {
  className: string;
  confidence: number;
  /** x1, y1, x2, y2 as fractions of the model input (the frame mapping happens later). */
  box: Box;
}

export interface DecodedFrame {
  /** Frame score p for the scoring over time: sum of kept confidences, or the failure probability. */
  score: number;
  probability?: number;
  detections?: Detection[];
}

export interface OutputDecoder {
  /** Session outputs this decoder needs. */
  readonly outputNames: readonly string[];
  /** Decodes frame `index` of the batch from the session's outputs. */
  decode(outputs: Readonly<Record<string, OutputTensor>>, index: number): DecodedFrame;
}

export class ModelOutputError extends Error {
  readonly code = 'MODEL_OUTPUT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ModelOutputError';
  }
}

export function floatOutput(
  outputs: Readonly<Record<string, OutputTensor>>,
  name: string,
): OutputTensor & { data: Float32Array } {
  const tensor = outputs[name];
  if (!tensor) throw new ModelOutputError(`the model produced no output named "${name}"`);
  if (tensor.type !== 'float32' || !(tensor.data instanceof Float32Array)) {
    throw new ModelOutputError(`output "${name}" is ${tensor.type}, expected float32`);
  }
  return tensor as OutputTensor & { data: Float32Array };
}
