/**
 * L2-regularized logistic regression on standardized features, trained by full-batch Adam for a fixed number of
 * steps (no randomness, so the same data always gives the same weights). The returned head works on raw features:
 * standardization is folded into the weights, ready to become one Gemm in the graph.
 */
export interface LogisticHead {
  /** Weights on raw features. */
  weights: Float64Array;
  bias: number;
}

export interface TrainingOptions {
  l2: number;
  steps: number;
  learningRate: number;
}

export const DEFAULT_TRAINING: TrainingOptions = { l2: 1e-2, steps: 300, learningRate: 0.05 };

export interface Standardization {
  mean: Float64Array;
  scale: Float64Array;
}

export function standardization(features: readonly Float32Array[]): Standardization {
  const dims = features[0].length;
  const mean = new Float64Array(dims);
  const scale = new Float64Array(dims);
  for (const row of features) for (let j = 0; j < dims; j++) mean[j] += row[j];
  for (let j = 0; j < dims; j++) mean[j] /= features.length;
  for (const row of features) for (let j = 0; j < dims; j++) scale[j] += (row[j] - mean[j]) ** 2;
  for (let j = 0; j < dims; j++) scale[j] = Math.max(Math.sqrt(scale[j] / features.length), 1e-6);
  return { mean, scale };
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function trainLogisticRegression(
  features: readonly Float32Array[],
  labels: readonly number[],
  options: TrainingOptions = DEFAULT_TRAINING,
): LogisticHead {
  const n = features.length;
  const dims = features[0].length;
  const { mean, scale } = standardization(features);
  const x = features.map((row) => Float64Array.from(row, (v, j) => (v - mean[j]) / scale[j]));
  const w = new Float64Array(dims);
  let b = 0;
  const m = new Float64Array(dims + 1);
  const v = new Float64Array(dims + 1);
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  const gradient = new Float64Array(dims + 1);
  for (let step = 1; step <= options.steps; step++) {
    gradient.fill(0);
    for (let i = 0; i < n; i++) {
      const row = x[i];
      let z = b;
      for (let j = 0; j < dims; j++) z += w[j] * row[j];
      const error = sigmoid(z) - labels[i];
      for (let j = 0; j < dims; j++) gradient[j] += error * row[j];
      gradient[dims] += error;
    }
    for (let j = 0; j <= dims; j++) {
      let g = gradient[j] / n;
      if (j < dims) g += options.l2 * w[j];
      m[j] = beta1 * m[j] + (1 - beta1) * g;
      v[j] = beta2 * v[j] + (1 - beta2) * g * g;
      const update =
        (options.learningRate * (m[j] / (1 - beta1 ** step))) / (Math.sqrt(v[j] / (1 - beta2 ** step)) + epsilon);
      if (j < dims) w[j] -= update;
      else b -= update;
    }
  }
  const weights = Float64Array.from(w, (value, j) => value / scale[j]);
  let bias = b;
  for (let j = 0; j < dims; j++) bias -= (w[j] * mean[j]) / scale[j];
  return { weights, bias };
}

export function predict(head: LogisticHead, row: Float32Array): number {
  let z = head.bias;
  for (let j = 0; j < row.length; j++) z += head.weights[j] * row[j];
  return sigmoid(z);
}

export function logLoss(head: LogisticHead, features: readonly Float32Array[], labels: readonly number[]): number {
  let total = 0;
  features.forEach((row, i) => {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, predict(head, row)));
    total -= labels[i] * Math.log(p) + (1 - labels[i]) * Math.log(1 - p);
  });
  return total / features.length;
}

/** Picks the L2 strength with the lowest k-fold log loss (folds by index modulo k, deterministic). */
export function chooseL2(
  features: readonly Float32Array[],
  labels: readonly number[],
  candidates: readonly number[],
  folds: number,
  base: TrainingOptions = DEFAULT_TRAINING,
): { l2: number; losses: { l2: number; logLoss: number }[] } {
  const losses = candidates.map((l2) => {
    let total = 0;
    for (let k = 0; k < folds; k++) {
      const trainIdx = features.map((_, i) => i).filter((i) => i % folds !== k);
      const validIdx = features.map((_, i) => i).filter((i) => i % folds === k);
      const head = trainLogisticRegression(
        trainIdx.map((i) => features[i]),
        trainIdx.map((i) => labels[i]),
        { ...base, l2 },
      );
      total += logLoss(
        head,
        validIdx.map((i) => features[i]),
        validIdx.map((i) => labels[i]),
      );
    }
    return { l2, logLoss: total / folds };
  });
  const best = losses.reduce((a, b) => (b.logLoss < a.logLoss ? b : a));
  return { l2: best.l2, losses };
}

export interface BinaryMetrics {
  count: number;
  positives: number;
  threshold: number;
  accuracy: number;
  precision: number;
  recall: number;
  /** Share of clean frames called clean. */
  specificity: number;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
  /** Area under the ROC curve (rank statistic). */
  auc: number;
}

export function binaryMetrics(
  probabilities: readonly number[],
  labels: readonly number[],
  threshold = 0.5,
): BinaryMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  probabilities.forEach((p, i) => {
    const predicted = p >= threshold;
    if (predicted && labels[i] === 1) tp++;
    else if (predicted) fp++;
    else if (labels[i] === 1) fn++;
    else tn++;
  });
  const positives = labels.filter((l) => l === 1);
  // AUC = P(score of a random positive > score of a random negative), ties count half.
  const order = probabilities.map((p, i) => ({ p, label: labels[i] })).sort((a, b) => a.p - b.p);
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j].p === order[i].p) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (order[k].label === 1) rankSum += averageRank;
    i = j;
  }
  const nPos = positives.length;
  const nNeg = labels.length - nPos;
  const auc = (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
  return {
    count: labels.length,
    positives: nPos,
    threshold,
    accuracy: (tp + tn) / labels.length,
    precision: tp + fp > 0 ? tp / (tp + fp) : 0,
    recall: tp + fn > 0 ? tp / (tp + fn) : 0,
    specificity: tn + fp > 0 ? tn / (tn + fp) : 0,
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
    auc,
  };
}
