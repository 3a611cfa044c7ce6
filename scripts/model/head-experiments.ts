/**
 * Leave-one-source-out evaluation of a head recipe on an embedded training set, and the shipped head: trained on
 * everything, calibrated by Platt scaling on the held-out scores, with the alert point at <= 5 % held-out clean
 * frames flagged.
 */
import {
  headLogit,
  sigmoid,
  trainLogisticHead,
  type LabelledEmbedding,
  type LogisticHead,
} from '../../apps/inference/src/model/heads';
import type { EmbeddedRow, TrainingSet } from './training-set';

export interface Recipe {
  /** L2 strength of the logistic head. */
  l2: number;
  /** Standardization floor (fraction of the median feature std). */
  varianceFloor: number;
  /** Weight of clean tiles cut from failure photos (outside the boxes) relative to other rows. */
  cleanTileWeight: number;
  /** Use only the first `features` values of each embedding (e.g. 1280 = final features only). Default all. */
  features?: number;
  /** Score frames by the whole-frame row only (no tiles). Default false. */
  wholeOnly?: boolean;
  /** Each (source, label) group weighs groupSize^groupPower in total. Default 0.5. */
  groupPower?: number;
  /**
   * Keep the rows of every n-th frame of a (source, label) group with more than 200 frames: the near-identical
   * frames of the one-printer clean folder (SOURCES.md: subsample it). Default 1 (all).
   */
  largeGroupStride?: number;
  /**
   * Multiple-instance rounds. A failure photo says that at least one of its tiles shows the failure, not which: the
   * tiles of failure photos without boxes (and those that only touch a box) carry no label. Each round scores those
   * tiles with the head trained so far, takes the hottest unlabelled tile of every failure photo as a failure row and
   * trains again: the head learns on tiles what inference scores (the hottest tile). Default 0.
   */
  milRounds?: number;
  /**
   * Share of the clean synthetic group's weight on its whole-frame rows, the rest on its tiles. Synthetic failures
   * are whole frames only (their tiles carry no label); with every tile of a clean frame in the same group, a 5x5 grid
   * left the clean whole frames 1/26 of it, and the head learned "a whole synthetic frame is a failure" (clean
   * synthetic frames scored up to 0.98 on the whole-region row). Default: the rows' natural share.
   */
  syntheticWhole?: number;
}

export interface FrameScore {
  name: string;
  source: string;
  label: 0 | 1;
  augmented: boolean;
  /** Max tile logit of the head that did not see this source. */
  logit: number;
  /** Index of the hottest tile. */
  hottest: number;
}

export interface ThresholdPoint {
  threshold: number;
  recall: number;
  fpr: number;
}

export interface Experiment {
  recipe: Recipe;
  /** Held-out scores of every original (not augmented) photo, each scored by the head that did not see its source. */
  loso: FrameScore[];
  /** The same for the webcam-like copies. */
  losoWebcam: FrameScore[];
  sources: string[];
  /** Pooled held-out AUC over original photos. */
  auc: number;
  aucWebcam: number;
  /** Held-out logit threshold flagging <= 5 % of clean photos, and the recall there. */
  atFivePercent: ThresholdPoint;
  calibration: { a: number; b: number };
  /** The shipped head: trained on everything, calibrated. */
  head: LogisticHead;
  /** Calibrated probability at the alert point. */
  alertThreshold: number;
  /** Mean calibrated held-out score of clean photos. */
  cleanPrior: number;
  trainingRows: number;
  trainingSeconds: number;
}

function slice(row: EmbeddedRow, recipe: Recipe): ArrayLike<number> {
  return recipe.features ? row.embedding.subarray(0, recipe.features) : row.embedding;
}

/**
 * Rows used for training (labelled, not from `heldOut`), weighted per (source, label) group. `extraFailures`: rows
 * without a label taken as failure rows (the multiple-instance step).
 */
export function trainingExamples(
  set: TrainingSet,
  recipe: Recipe,
  heldOut?: string,
  extraFailures: ReadonlySet<number> = new Set(),
): LabelledEmbedding[] {
  const stride = recipe.largeGroupStride ?? 1;
  const frameKey = (frame: number) => `${set.frames[frame].source}:${set.frames[frame].label}`;
  const framesPerGroup = new Map<string, number>();
  const ordinal = set.frames.map((_, i) => {
    const key = frameKey(i);
    const k = framesPerGroup.get(key) ?? 0;
    framesPerGroup.set(key, k + 1);
    return k;
  });
  const keepFrame = (frame: number) =>
    stride <= 1 || framesPerGroup.get(frameKey(frame))! <= 200 || ordinal[frame] % stride === 0;
  const labelled = set.rows.map((row, i) => (extraFailures.has(i) ? { ...row, label: 1 as const } : row));
  const picked = labelled.filter(
    (row) =>
      row.label !== undefined &&
      row.source !== heldOut &&
      (!recipe.wholeOnly || row.kind !== 'tile') &&
      keepFrame(row.frame),
  );
  const groupOf = (row: EmbeddedRow) => `${row.source}:${row.label}`;
  const sizes = new Map<string, number>();
  for (const row of picked) sizes.set(groupOf(row), (sizes.get(groupOf(row)) ?? 0) + 1);
  const power = recipe.groupPower ?? 0.5;
  const syntheticClean = (row: EmbeddedRow) => row.source === 'synthetic' && row.label === 0;
  const syntheticWholeRows = picked.filter((row) => syntheticClean(row) && row.kind === 'whole').length;
  const syntheticTileRows = picked.filter((row) => syntheticClean(row) && row.kind !== 'whole').length;
  return picked.map((row) => {
    const size = sizes.get(groupOf(row))!;
    const fromFailurePhoto = row.label === 0 && set.frames[row.frame].label === 1;
    let weight = size ** (power - 1) * (fromFailurePhoto ? recipe.cleanTileWeight : 1);
    if (recipe.syntheticWhole !== undefined && syntheticClean(row)) {
      weight =
        row.kind === 'whole'
          ? (size ** power * recipe.syntheticWhole) / syntheticWholeRows
          : (size ** power * (1 - recipe.syntheticWhole)) / syntheticTileRows;
    }
    return { embedding: slice(row, recipe), label: row.label!, weight };
  });
}

export function scoreFrames(set: TrainingSet, head: LogisticHead, recipe: Recipe, source: string): FrameScore[] {
  return set.frames
    .filter((frame) => frame.source === source)
    .map((frame) => {
      const rows = recipe.wholeOnly ? frame.tileRows.slice(0, 1) : frame.tileRows;
      const logits = rows.map((r) => headLogit(head, slice(set.rows[r], recipe)));
      const logit = Math.max(...logits);
      return {
        name: frame.name,
        source: frame.source,
        label: frame.label,
        augmented: frame.augmented,
        logit,
        hottest: logits.indexOf(logit),
      };
    });
}

/** Area under the ROC curve (ties count half). NaN with one class. */
export function auc(scores: readonly { logit: number; label: 0 | 1 }[]): number {
  const order = [...scores].sort((a, b) => a.logit - b.logit);
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j].logit === order[i].logit) j++;
    for (let k = i; k < j; k++) if (order[k].label === 1) rankSum += (i + 1 + j) / 2;
    i = j;
  }
  const positives = scores.filter((s) => s.label === 1).length;
  const negatives = scores.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** The lowest threshold flagging at most `maxFpr` of the clean scores (score >= threshold flags). */
export function thresholdAtFpr(scores: readonly { logit: number; label: 0 | 1 }[], maxFpr: number): ThresholdPoint {
  const clean = scores
    .filter((s) => s.label === 0)
    .map((s) => s.logit)
    .sort((a, b) => b - a);
  const allowed = Math.floor(maxFpr * clean.length);
  // Flag strictly above the (allowed+1)-th highest clean score.
  const threshold = clean.length > allowed ? clean[allowed] + 1e-9 : -Infinity;
  return pointAt(scores, threshold);
}

export function pointAt(scores: readonly { logit: number; label: 0 | 1 }[], threshold: number): ThresholdPoint {
  const failures = scores.filter((s) => s.label === 1);
  const clean = scores.filter((s) => s.label === 0);
  return {
    threshold,
    recall: failures.filter((s) => s.logit >= threshold).length / Math.max(1, failures.length),
    fpr: clean.filter((s) => s.logit >= threshold).length / Math.max(1, clean.length),
  };
}

/**
 * Platt scaling: p = sigmoid(a x logit + b) fitted by class-balanced log loss: Newton steps with backtracking (the
 * loss never increases), deterministic.
 */
export function plattScaling(scores: readonly { logit: number; label: 0 | 1 }[]): { a: number; b: number } {
  const positives = scores.filter((s) => s.label === 1).length;
  const negatives = scores.length - positives;
  const weightOf = (label: 0 | 1) => (label === 1 ? 0.5 / positives : 0.5 / negatives);
  const loss = (a: number, b: number) => {
    let total = 0;
    for (const s of scores) {
      const z = a * s.logit + b;
      // log(1 + e^-z) for label 1, log(1 + e^z) for label 0, computed stably.
      const t = s.label === 1 ? -z : z;
      total += weightOf(s.label) * (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));
    }
    return total;
  };
  const spread = Math.sqrt(scores.reduce((sum, s) => sum + s.logit * s.logit, 0) / scores.length) || 1;
  let a = 1 / spread;
  let b = 0;
  let current = loss(a, b);
  for (let step = 0; step < 200; step++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (const s of scores) {
      const w = weightOf(s.label);
      const p = sigmoid(a * s.logit + b);
      const e = w * (p - s.label);
      const h = w * p * (1 - p);
      ga += e * s.logit;
      gb += e;
      haa += h * s.logit * s.logit;
      hab += h * s.logit;
      hbb += h;
    }
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let t = 1;
    while (t > 1e-6 && !(loss(a - t * da, b - t * db) <= current)) t /= 2;
    if (t <= 1e-6) break;
    a -= t * da;
    b -= t * db;
    const next = loss(a, b);
    const improved = current - next;
    current = next;
    if (improved < 1e-12) break;
  }
  return { a, b };
}

export function trainHead(set: TrainingSet, recipe: Recipe, heldOut?: string): LogisticHead {
  const options = { l2: recipe.l2, varianceFloor: recipe.varianceFloor };
  let head = trainLogisticHead(trainingExamples(set, recipe, heldOut), options);
  for (let round = 0; round < (recipe.milRounds ?? 0); round++) {
    const extra = hottestUnlabelledTiles(set, head, recipe, heldOut);
    head = trainLogisticHead(trainingExamples(set, recipe, heldOut, extra), options);
  }
  return head;
}

/** The multiple-instance step: for each real failure photo (not from `heldOut`), its hottest tile without a label. */
export function hottestUnlabelledTiles(
  set: TrainingSet,
  head: LogisticHead,
  recipe: Recipe,
  heldOut?: string,
): Set<number> {
  const picked = new Set<number>();
  for (const frame of set.frames) {
    if (frame.label !== 1 || frame.source === heldOut || frame.source === 'synthetic') continue;
    let best = -1;
    let bestLogit = -Infinity;
    for (const r of frame.tileRows) {
      if (set.rows[r].label !== undefined) continue;
      const logit = headLogit(head, slice(set.rows[r], recipe));
      if (logit > bestLogit) {
        bestLogit = logit;
        best = r;
      }
    }
    if (best >= 0) picked.add(best);
  }
  return picked;
}

/** What leave-one-source-out produced: the held-out scores and the head trained on everything (uncalibrated). */
export interface LosoResult {
  loso: FrameScore[];
  losoWebcam: FrameScore[];
  sources: string[];
  rawHead: LogisticHead;
  trainingRows: number;
  trainingSeconds: number;
}

export function runLoso(set: TrainingSet, recipe: Recipe, log: (message: string) => void = () => {}): LosoResult {
  const started = performance.now();
  const sources = [...new Set(set.frames.map((f) => f.source))].filter((s) => s !== 'synthetic').sort();
  const all: FrameScore[] = [];
  for (const source of sources) {
    const head = trainHead(set, recipe, source);
    const scores = scoreFrames(set, head, recipe, source);
    all.push(...scores);
    const original = scores.filter((s) => !s.augmented);
    const mean = (label: number) => {
      const picked = original.filter((s) => s.label === label).map((s) => sigmoid(s.logit));
      return picked.length ? (picked.reduce((x, y) => x + y, 0) / picked.length).toFixed(3) : '-';
    };
    log(`held out ${source}: ${original.length} photos, mean raw score failure ${mean(1)}, clean ${mean(0)}`);
  }
  return {
    loso: all.filter((s) => !s.augmented),
    losoWebcam: all.filter((s) => s.augmented),
    sources,
    rawHead: trainHead(set, recipe),
    trainingRows: trainingExamples(set, recipe).length,
    trainingSeconds: (performance.now() - started) / 1000,
  };
}

/** Calibrates the head on the held-out scores and picks the alert point (<= 5 % of held-out clean photos). */
export function finishExperiment(result: LosoResult, recipe: Recipe): Experiment {
  const { loso, losoWebcam, rawHead: raw } = result;
  const calibration = plattScaling(loso);
  const atFivePercent = thresholdAtFpr(loso, 0.05);
  const head: LogisticHead = {
    ...raw,
    weights: raw.weights.map((w) => w * calibration.a),
    bias: raw.bias * calibration.a + calibration.b,
  };
  const calibrated = (logit: number) => sigmoid(calibration.a * logit + calibration.b);
  const clean = loso.filter((s) => s.label === 0);
  const cleanPrior = clean.reduce((sum, s) => sum + calibrated(s.logit), 0) / clean.length;
  return {
    recipe,
    loso,
    losoWebcam,
    sources: result.sources,
    auc: auc(loso),
    aucWebcam: auc(losoWebcam),
    atFivePercent,
    calibration,
    head,
    alertThreshold: calibrated(atFivePercent.threshold),
    cleanPrior,
    trainingRows: result.trainingRows,
    trainingSeconds: result.trainingSeconds,
  };
}

export function runExperiment(set: TrainingSet, recipe: Recipe, log: (message: string) => void = () => {}): Experiment {
  return finishExperiment(runLoso(set, recipe, log), recipe);
}
