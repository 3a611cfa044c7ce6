import { createHash } from 'node:crypto';
import {
  DEFAULT_HEAD_TRAINING,
  headLogit,
  shiftHead,
  sigmoid,
  trainLogisticHead,
  type LabelledEmbedding,
  type LogisticHead,
} from '../model';

/** One labelled frame with its per-tile embeddings (the whole region first, as the model orders its tiles). */
export interface EmbeddedFrame {
  id: string;
  label: 'failure' | 'ok';
  /** Frames of one group (one print, or one printer's hour when there is no print) stay on one side of the split. */
  group: string;
  tiles: Float32Array[];
}

export interface Metrics {
  precision: number | null;
  recall: number | null;
  falseAlarmRate: number | null;
}

/** Share of each class kept out of training to measure the heads on. */
export const HELD_OUT_SHARE = 0.25;
/**
 * The default model ships no training embeddings to mix in (models/default has head.json, not the photos' embeddings),
 * so the shipped training set enters as a prior: an L2 pull of the new weights toward the default head's (the
 * trainer's `prior`, which also keeps the default head's standardization), at the trainer's default strength, 0.03
 * (the shipped head was trained at 0.1 toward zero: that pull on a few dozen labels kept a farm's head from learning
 * its cameras in head-training.spec.ts). A few dozen labels correct the head for a farm's cameras; directions the
 * farm's frames say nothing about keep the default head's weights.
 */
export const ORGANIZATION_HEAD_TRAINING = { l2: DEFAULT_HEAD_TRAINING.l2 } as const;
/** Calibration: at most this share of the training's fine frames may score above the alert point. */
export const CALIBRATION_FALSE_ALARM_RATE = 0.05;

/** The group a frame belongs to: its print (copy or print key), else its printer and hour. */
export function groupOf(frame: {
  printerId: string;
  copyId: string | null;
  printKey: string | null;
  takenAt: Date;
}): string {
  if (frame.copyId) return `copy:${frame.copyId}`;
  if (frame.printKey) return frame.printKey;
  return `printer:${frame.printerId}:${Math.floor(new Date(frame.takenAt).getTime() / 3_600_000)}`;
}

/**
 * Deterministic split by group: groups in the order of a hash of their key go to the held-out side while it still
 * lacks its share of a class they hold, else to training. No group is on both sides; the same frames always split
 * the same way.
 */
export function splitByGroup<T extends { label: 'failure' | 'ok'; group: string }>(
  frames: readonly T[],
): { train: T[]; heldOut: T[] } {
  const groups = new Map<string, T[]>();
  for (const frame of frames) {
    const list = groups.get(frame.group);
    if (list) list.push(frame);
    else groups.set(frame.group, [frame]);
  }
  const hash = (key: string) => createHash('sha256').update(key).digest('hex');
  const ordered = [...groups.entries()].sort(([a], [b]) => (hash(a) < hash(b) ? -1 : hash(a) > hash(b) ? 1 : 0));
  const total = { failure: 0, ok: 0 };
  for (const frame of frames) total[frame.label] += 1;
  const wanted = { failure: Math.ceil(total.failure * HELD_OUT_SHARE), ok: Math.ceil(total.ok * HELD_OUT_SHARE) };
  const held = { failure: 0, ok: 0 };
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const [, members] of ordered) {
    const has = { failure: members.some((f) => f.label === 'failure'), ok: members.some((f) => f.label === 'ok') };
    const needed = (has.failure && held.failure < wanted.failure) || (has.ok && held.ok < wanted.ok);
    if (needed) {
      for (const frame of members) held[frame.label] += 1;
      heldOut.push(...members);
    } else train.push(...members);
  }
  return { train, heldOut };
}

/** The frame score a head gives: the hottest tile, as the detector scores frames. */
export function frameScore(head: LogisticHead, tiles: readonly Float32Array[]): number {
  let best = -Infinity;
  for (const tile of tiles) best = Math.max(best, headLogit(head, tile));
  return sigmoid(best);
}

/** Training rows: each frame's whole region and its hottest tile under the current head, half the frame's weight each. */
export function trainingRows(frames: readonly EmbeddedFrame[], current: LogisticHead): LabelledEmbedding[] {
  const rows: LabelledEmbedding[] = [];
  for (const frame of frames) {
    const label = frame.label === 'failure' ? 1 : 0;
    let hottest = 0;
    for (let k = 1; k < frame.tiles.length; k++) {
      if (headLogit(current, frame.tiles[k]) > headLogit(current, frame.tiles[hottest])) hottest = k;
    }
    if (hottest === 0) rows.push({ embedding: frame.tiles[0], label, weight: 1 });
    else {
      rows.push({ embedding: frame.tiles[0], label, weight: 0.5 });
      rows.push({ embedding: frame.tiles[hottest], label, weight: 0.5 });
    }
  }
  return rows;
}

/** Precision, recall and false alarm rate of a head at the alert point. */
export function measure(head: LogisticHead, frames: readonly EmbeddedFrame[], threshold: number): Metrics {
  let truePositives = 0;
  let falsePositives = 0;
  let failures = 0;
  let fine = 0;
  for (const frame of frames) {
    const flagged = frameScore(head, frame.tiles) >= threshold;
    if (frame.label === 'failure') {
      failures += 1;
      if (flagged) truePositives += 1;
    } else {
      fine += 1;
      if (flagged) falsePositives += 1;
    }
  }
  const flagged = truePositives + falsePositives;
  return {
    precision: flagged ? truePositives / flagged : null,
    recall: failures ? truePositives / failures : null,
    falseAlarmRate: fine ? falsePositives / fine : null,
  };
}

/**
 * At least as good: recall no lower, and false alarms no higher (a missing figure counts as 0). A head that catches
 * more failures at the cost of more false alarms is not called better here: people decide on the figures shown.
 */
export function atLeastAsGood(candidate: Metrics, current: Metrics): boolean {
  const recall = (m: Metrics) => m.recall ?? 0;
  const falseAlarms = (m: Metrics) => m.falseAlarmRate ?? 0;
  return recall(candidate) >= recall(current) && falseAlarms(candidate) <= falseAlarms(current);
}

/**
 * Calibration to the alert point: when more than CALIBRATION_FALSE_ALARM_RATE of the training's fine frames would
 * score at or above it, the bias moves down until they do not (never up: the prior's calibration stands otherwise).
 */
export function calibrate(head: LogisticHead, fine: readonly EmbeddedFrame[], threshold: number): LogisticHead {
  if (fine.length === 0) return head;
  const logits = fine
    .map((frame) => Math.max(...frame.tiles.map((tile) => headLogit(head, tile))))
    .sort((a, b) => b - a);
  const allowed = Math.floor(fine.length * CALIBRATION_FALSE_ALARM_RATE);
  const boundary = logits[allowed];
  const target = Math.log(threshold / (1 - threshold));
  return boundary >= target ? shiftHead(head, target - boundary - 1e-3) : head;
}

/** Trains the organization's head on its train frames, pulled toward the default head's weights, and calibrates it. */
export function trainOrganizationHead(
  train: readonly EmbeddedFrame[],
  prior: LogisticHead,
  threshold: number,
): LogisticHead {
  const trained = trainLogisticHead(trainingRows(train, prior), { ...ORGANIZATION_HEAD_TRAINING, prior });
  return calibrate(
    trained,
    train.filter((frame) => frame.label === 'ok'),
    threshold,
  );
}
