import { Organization } from '@farmhand/accounts';
import { Printer } from '@farmhand/printers';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { DetectionFrame } from './detection-frame.entity';

export const FRAME_LABELS = ['failure', 'ok'] as const;
export type FrameLabel = (typeof FRAME_LABELS)[number];

/** A person's verdict on one frame ("this looks fine" / "this is a failure"): beats any label from an alert. */
@Entity('detection_frame_labels')
@Index('detection_frame_labels_org_labelled', ['orgId', 'labelledAt'])
export class DetectionFrameLabel {
  @PrimaryColumn({ type: 'uuid' })
  frameId!: string;

  @ManyToOne(() => DetectionFrame, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'frame_id' })
  frame?: DetectionFrame;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'uuid' })
  printerId!: string;

  @ManyToOne(() => Printer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'printer_id' })
  printer?: Printer;

  @Column({ type: 'varchar', length: 8 })
  label!: FrameLabel;

  /** Who labelled it, as the audit log names them (a person's name or e-mail, an API key's name). */
  @Column({ type: 'varchar', length: 200 })
  labelledBy!: string;

  @Column({ type: 'timestamptz' })
  labelledAt!: Date;
}

export const DETECTOR_HEAD_STATES = ['candidate', 'active', 'retired', 'rejected'] as const;
export type DetectorHeadState = (typeof DETECTOR_HEAD_STATES)[number];

export interface HeadMetrics {
  precision: number | null;
  recall: number | null;
  falseAlarmRate: number | null;
}

/** An organization's own logistic head, trained on its labelled frames by the inference role (`detector.train`). */
@Entity('detector_heads')
@Index('detector_heads_org_version', ['orgId', 'version'], { unique: true })
export class DetectorHead {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 16 })
  state!: DetectorHeadState;

  /** The backbone it was trained on (sha256 of model.onnx): a head only applies to the embedding it learned. */
  @Column({ type: 'varchar', length: 64 })
  modelSha!: string;

  /** The logistic head `{ kind, mean, std, weights, bias }` (apps/inference/src/model/heads). */
  @Column({ type: 'jsonb' })
  head!: unknown;

  /** The alert point both heads were measured at. */
  @Column({ type: 'real' })
  threshold!: number;

  @Column({ type: 'jsonb' })
  metrics!: { candidate: HeadMetrics; current: HeadMetrics };

  @Column({ type: 'jsonb' })
  counts!: { trainedOn: { failure: number; ok: number }; heldOut: { failure: number; ok: number } };

  @Column({ type: 'boolean' })
  better!: boolean;

  /** The head that was active when this one was activated (null: the shipped default): where a rollback goes. */
  @Column({ type: 'uuid', nullable: true })
  previousHeadId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  activatedAt!: Date | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  activatedBy!: string | null;
}

export const DETECTOR_TRAINING_STATES = ['idle', 'queued', 'running', 'failed'] as const;
export type DetectorTrainingState = (typeof DETECTOR_TRAINING_STATES)[number];

/** One row per organization that has touched its detector: the active head and the last training's progress. */
@Entity('detector_states')
export class DetectorStateRow {
  @PrimaryColumn({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  /** Null: the shipped default head scores this organization's frames. */
  @Column({ type: 'uuid', nullable: true })
  activeHeadId!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'idle' })
  trainingState!: DetectorTrainingState;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  @Column({ type: 'real', nullable: true })
  progress!: number | null;
}

/**
 * The backbone's per-tile embeddings of one frame (float32, tiles x size, row-major), cached so that retraining
 * embeds only new frames. Keyed by the model's sha: a new backbone embeds again.
 */
@Entity('detection_frame_embeddings')
@Index('detection_frame_embeddings_org', ['orgId'])
export class DetectionFrameEmbedding {
  @PrimaryColumn({ type: 'uuid' })
  frameId!: string;

  @ManyToOne(() => DetectionFrame, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'frame_id' })
  frame?: DetectionFrame;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  modelSha!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'smallint' })
  tiles!: number;

  @Column({ type: 'integer' })
  size!: number;

  @Column({ type: 'bytea' })
  data!: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
