import type {
  DetectorHead,
  DetectorHeadState,
  DetectorTrainingState,
  FrameLabel,
  HeadMetrics,
} from '../entities/detector.entity';

export interface FrameLabelView {
  frameId: string;
  label: FrameLabel | null;
  labelledBy: string | null;
  labelledAt: string | null;
}

export interface DetectorHeadView {
  id: string;
  version: number;
  state: DetectorHeadState;
  createdAt: string;
  activatedAt: string | null;
  activatedBy: string | null;
  trainedOn: { failure: number; ok: number };
  heldOut: { failure: number; ok: number };
  threshold: number;
  metrics: { candidate: HeadMetrics; current: HeadMetrics };
  better: boolean;
}

export interface DetectorView {
  activeHeadId: string | null;
  labelled: { failure: number; ok: number; fromVerdicts: number; fromPeople: number };
  minimum: { failure: number; ok: number };
  training: {
    state: DetectorTrainingState;
    startedAt: string | null;
    finishedAt: string | null;
    error: string | null;
    progress: number | null;
  };
  heads: DetectorHeadView[];
}

export function toHeadView(head: DetectorHead): DetectorHeadView {
  return {
    id: head.id,
    version: head.version,
    state: head.state,
    createdAt: new Date(head.createdAt).toISOString(),
    activatedAt: head.activatedAt ? new Date(head.activatedAt).toISOString() : null,
    activatedBy: head.activatedBy,
    trainedOn: head.counts.trainedOn,
    heldOut: head.counts.heldOut,
    threshold: head.threshold,
    metrics: head.metrics,
    better: head.better,
  };
}
