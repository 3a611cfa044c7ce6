import { z } from 'zod';

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
  /** L2 strength on the standardized weights (toward `prior` when given, toward 0 otherwise). Default 0.01. */
  l2?: number;
  /** Full-batch Adam steps (deterministic). Default 300. */
  steps?: number;
  learningRate?: number;
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

export const DEFAULT_HEAD_TRAINING = { l2: 0.01, steps: 300, learningRate: 0.05, varianceFloor: 0.1 } as const;

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
 * L2-regularized logistic regression by full-batch Adam for a fixed number of steps: no randomness, so the same
 * examples always give the same head. Throws on empty input, mismatched sizes or a single class without a prior.
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
  const steps = options.steps ?? DEFAULT_HEAD_TRAINING.steps;
  const learningRate = options.learningRate ?? DEFAULT_HEAD_TRAINING.learningRate;
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
  // Standardized features in one contiguous matrix (n x dims): the two passes per step stay in cache order.
  const x = new Float64Array(n * dims);
  examples.forEach((e, i) => {
    const offset = i * dims;
    for (let j = 0; j < dims; j++) x[offset + j] = (e.embedding[j] - mean[j]) / std[j];
  });
  const labels = Float64Array.from(examples, (e) => e.label);
  const target = Float64Array.from({ length: dims }, (_, j) => prior?.weights[j] ?? 0);
  const w = Float64Array.from(target);
  let b = prior?.bias ?? 0;
  const m = new Float64Array(dims + 1);
  const v = new Float64Array(dims + 1);
  const gradient = new Float64Array(dims + 1);
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  for (let step = 1; step <= steps; step++) {
    gradient.fill(0);
    let biasGradient = 0;
    for (let i = 0, offset = 0; i < n; i++, offset += dims) {
      let z = b;
      for (let j = 0; j < dims; j++) z += w[j] * x[offset + j];
      const error = weights[i] * (sigmoid(z) - labels[i]);
      if (error === 0) continue;
      for (let j = 0; j < dims; j++) gradient[j] += error * x[offset + j];
      biasGradient += error;
    }
    gradient[dims] = biasGradient;
    const correction1 = 1 - beta1 ** step;
    const correction2 = 1 - beta2 ** step;
    for (let j = 0; j <= dims; j++) {
      let g = gradient[j] / weightSum;
      if (j < dims) g += l2 * (w[j] - target[j]);
      m[j] = beta1 * m[j] + (1 - beta1) * g;
      v[j] = beta2 * v[j] + (1 - beta2) * g * g;
      const update = (learningRate * (m[j] / correction1)) / (Math.sqrt(v[j] / correction2) + epsilon);
      if (j < dims) w[j] -= update;
      else b -= update;
    }
  }
  return { kind: 'logistic', mean: [...mean], std: [...std], weights: Array.from(w), bias: b };
}

/** Shifts the bias so that the head's logit moves by `delta` (used to calibrate the alert point). */
export function shiftHead(head: LogisticHead, delta: number): LogisticHead {
  return { ...head, bias: head.bias + delta };
}
