import { Organization } from '@farmhand/accounts';
import { Printer } from '@farmhand/printers';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { AlertBox } from '../alerts/alert-boxes';
import { DetectionFrame } from './detection-frame.entity';

export const ALERT_LEVELS = ['warning', 'pause'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];
export const ALERT_STATES = ['open', 'acknowledged', 'false_alarm', 'confirmed'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** A failure the detector saw on a printer: a warning, or a pause when the printer's settings let it pause. */
@Entity('detection_alerts')
@Index('detection_alerts_printer_created', ['printerId', 'createdAt'])
@Index('detection_alerts_org_created', ['orgId', 'createdAt'])
export class DetectionAlert {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

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

  @Column({ type: 'uuid', nullable: true })
  copyId!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  printKey!: string | null;

  /** The frame that raised it (the last one that escalated it). */
  @Column({ type: 'uuid', nullable: true })
  frameId!: string | null;

  @ManyToOne(() => DetectionFrame, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'frame_id' })
  frame?: DetectionFrame;

  @Column({ type: 'varchar', length: 16 })
  level!: AlertLevel;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  state!: AlertState;

  /** The frame score p of the frame that raised it. */
  @Column({ type: 'real' })
  score!: number;

  /** The detector asked the printer to pause (at most once per print). */
  /** Where the model saw it: the hottest tiles of the alert's frame, in fractions of the frame. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  boxes!: AlertBox[];

  @Column({ type: 'timestamptz', nullable: true })
  pauseRequestedAt!: Date | null;

  /** The printer confirmed the pause. */
  @Column({ type: 'boolean', default: false })
  paused!: boolean;

  /** Why the pause did not happen (offline, refused, no answer), for the operator. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  pauseError!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  /** Who acknowledged, marked a false alarm or confirmed it (the audit log's actor label). */
  @Column({ type: 'varchar', length: 320, nullable: true })
  resolvedBy!: string | null;
}
