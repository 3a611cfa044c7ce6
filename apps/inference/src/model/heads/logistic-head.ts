import { z } from 'zod';
import { minimizeLbfgs } from './lbfgs';

/**
 * A logistic failure head on a backbone's embedding: p = sigmoid(sum_j weights[j] * (x[j] - mean[j]) / std[j] + bias).
 * Kept outside the ONNX graph so one backbone serves many heads (the default one, one per organization).
 */
export interface LogisticHead {
  kind: 'logistic';
  /** Per-feature mean of the training embeddings. */
  mean: number[];
  /** Per-feature standard deviation of the training embeddings (floored, never 0). */
  std: number[];
  /** Weights on standardized features. */
  weights: number[];
  bias: number;
}

/** Heads larger than this are not heads (an embedding of 64k floats is far beyond any backbone we ship). */
export const MAX_HEAD_FEATURES = 65_536;

const finite = z.number().finite();

export const logisticHeadSchema = z
  .strictObject({
    kind: z.literal('logistic'),
    mean: z.array(finite).min(1).max(MAX_HEAD_FEATURES),
    std: z.array(z.number().positive().finite()).min(1).max(MAX_HEAD_FEATURES),
    weights: z.array(finite).min(1).max(MAX_HEAD_FEATURES),
    bias: finite,
  })
  .refine(
    (h) => h.mean.length === h.weights.length && h.std.length === h.weights.length,
    'mean, std and weights must have the same length',
  );

export class HeadMismatchError extends Error {
  readonly code = 'HEAD_MISMATCH';
  constructor(message: string) {
    super(message);
    this.name = 'HeadMismatchError';
  }
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** The head's logit for one embedding. Throws HeadMismatchError when the sizes differ. */
export function headLogit(head: LogisticHead, embedding: ArrayLike<number>): number {
  const n = head.weights.length;
  if (embedding.length !== n) {
    throw new HeadMismatchError(`the head has ${n} weights for an embedding of ${embedding.length} values`);
  }
  let z = head.bias;
  for (let j = 0; j < n; j++) z += (head.weights[j] * (embedding[j] - head.mean[j])) / head.std[j];
  return z;
}

/** The failure probability (0..1) the head gives one embedding. */
export function applyHead(head: LogisticHead, embedding: ArrayLike<number>): number {
  return sigmoid(headLogit(head, embedding));
}

export interface LabelledEmbedding {
  embedding: ArrayLike<number>;
  /** 1 = failure, 0 = clean. */
  label: 0 | 1;
  /** Example weight (default 1). */
  weight?: number;
}

export interface TrainLogisticHeadOptions {
  /** L2 strength on the standardized weights (toward `prior` when given, toward 0 otherwise). Default 0.03. */
  l2?: number;
  /** L-BFGS iterations at most (it converges in about 100 on the default model's training set). Default 1000. */
  maxIterations?: number;
  /**
   * Standardization floor: std[j] = max(std[j], varianceFloor x median std). Features that barely vary in the
   * training set would otherwise be blown up and dominate the head on new cameras. Default 0.1.
   */
  varianceFloor?: number;
  /** Reweight so each class carries half the total weight. Default true. */
  balanceClasses?: boolean;
  /**
   * Pull the weights toward another head's (e.g. the default head, for a per-organization head trained on few
   * frames). The prior's mean and std are reused, so both heads see the same standardized features.
   */
  prior?: LogisticHead;
}

export const DEFAULT_HEAD_TRAINING = { l2: 0.03, maxIterations: 1000, varianceFloor: 0.1 } as const;

/** Per-feature mean and floored standard deviation, weighted. */
export function standardizationOf(
  examples: readonly LabelledEmbedding[],
  varianceFloor: number = DEFAULT_HEAD_TRAINING.varianceFloor,
): { mean: number[]; std: number[] } {
  const dims = examples[0].embedding.length;
  const mean = new Float64Array(dims);
  const variance = new Float64Array(dims);
  let total = 0;
  for (const e of examples) {
    const w = e.weight ?? 1;
    total += w;
    for (let j = 0; j < dims; j++) mean[j] += w * e.embedding[j];
  }
  for (let j = 0; j < dims; j++) mean[j] /= total;
  for (const e of examples) {
    const w = e.weight ?? 1;
    for (let j = 0; j < dims; j++) variance[j] += w * (e.embedding[j] - mean[j]) ** 2;
  }
  const std = Array.from(variance, (v) => Math.sqrt(v / total));
  const sorted = [...std].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const floor = Math.max(1e-6, varianceFloor * median);
  return { mean: Array.from(mean), std: std.map((s) => Math.max(s, floor)) };
}

/**
 * L2-regularized logistic regression trained to its minimum (the loss is convex, so the minimum is unique) by L-BFGS:
 * no randomness and no stopping point to tune, so the same examples always give the same head, and a small change of
 * recipe moves the head by a small amount. Throws on empty input, mismatched sizes or a single class without a prior.
 */
export function trainLogisticHead(
  examples: readonly LabelledEmbedding[],
  options: TrainLogisticHeadOptions = {},
): LogisticHead {
  if (examples.length === 0) throw new HeadMismatchError('no examples to train on');
  const dims = examples[0].embedding.length;
  if (examples.some((e) => e.embedding.length !== dims)) throw new HeadMismatchError('embeddings differ in size');
  const prior = options.prior;
  if (prior && prior.weights.length !== dims) {
    throw new HeadMismatchError(`the prior head has ${prior.weights.length} weights for embeddings of ${dims}`);
  }
  const positives = examples.filter((e) => e.label === 1).length;
  if (!prior && (positives === 0 || positives === examples.length)) {
    throw new HeadMismatchError('training a head needs both failure and clean examples (or a prior head)');
  }
  const l2 = options.l2 ?? DEFAULT_HEAD_TRAINING.l2;
  const { mean, std } = prior
    ? { mean: prior.mean, std: prior.std }
    : standardizationOf(examples, options.varianceFloor ?? DEFAULT_HEAD_TRAINING.varianceFloor);

  const n = examples.length;
  const weights = new Float64Array(n);
  let positiveWeight = 0;
  let negativeWeight = 0;
  examples.forEach((e) => {
    if (e.label === 1) positiveWeight += e.weight ?? 1;
    else negativeWeight += e.weight ?? 1;
  });
  const totalWeight = positiveWeight + negativeWeight;
  const balance = (options.balanceClasses ?? true) && positiveWeight > 0 && negativeWeight > 0;
  examples.forEach((e, i) => {
    const w = e.weight ?? 1;
    weights[i] = balance ? (w * totalWeight) / (2 * (e.label === 1 ? positiveWeight : negativeWeight)) : w;
  });
  const weightSum = weights.reduce((a, b) => a + b, 0);
  // Standardized features in one contiguous matrix (n x dims): the two passes per evaluation stay in cache order.
  const x = new Float64Array(n * dims);
  examples.forEach((e, i) => {
    const offset = i * dims;
    for (let j = 0; j < dims; j++) x[offset + j] = (e.embedding[j] - mean[j]) / std[j];
  });
  const labels = Float64Array.from(examples, (e) => e.label);
  const target = Float64Array.from({ length: dims }, (_, j) => prior?.weights[j] ?? 0);
  // Parameters: dims weights, then the bias. Loss: weighted mean log loss + l2 / 2 x |w - target|^2 (bias free).
  const objective = (theta: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    const b = theta[dims];
    let loss = 0;
    let biasGradient = 0;
    for (let i = 0, offset = 0; i < n; i++, offset += dims) {
      if (weights[i] === 0) continue;
      let z = b;
      for (let j = 0; j < dims; j++) z += theta[j] * x[offset + j];
      // log(1 + e^z) - y z, computed without overflow.
      loss += weights[i] * (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - labels[i] * z);
      const error = weights[i] * (sigmoid(z) - labels[i]);
      for (let j = 0; j < dims; j++) gradient[j] += error * x[offset + j];
      biasGradient += error;
    }
    let penalty = 0;
    for (let j = 0; j < dims; j++) {
      const d = theta[j] - target[j];
      penalty += d * d;
      gradient[j] = gradient[j] / weightSum + l2 * d;
    }
    gradient[dims] = biasGradient / weightSum;
    return loss / weightSum + 0.5 * l2 * penalty;
  };
  const start = new Float64Array(dims + 1);
  start.set(target);
  start[dims] = prior?.bias ?? 0;
  const { x: theta } = minimizeLbfgs(objective, start, {
    maxIterations: options.maxIterations ?? DEFAULT_HEAD_TRAINING.maxIterations,
  });
  return {
    kind: 'logistic',
    mean: [...mean],
    std: [...std],
    weights: Array.from(theta.subarray(0, dims)),
    bias: theta[dims],
  };
}

/** Shifts the bias so that the head's logit moves by `delta` (used to calibrate the alert point). */
export function shiftHead(head: LogisticHead, delta: number): LogisticHead {
  return { ...head, bias: head.bias + delta };
}
