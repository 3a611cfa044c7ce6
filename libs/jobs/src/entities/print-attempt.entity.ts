import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { CopyOutcome, CopyState } from '../copy-state';
import { PrintCopy } from './print-copy.entity';

/**
 * History: one row per assignment of a copy to a printer, written when it is assigned and completed as it moves.
 * The fleet is copied so utilization per fleet stays true after a printer moves; the stagger counts these rows
 * (started in the last minute, by fleet and start time); libs/reports rebuilds a day's rollups by end time.
 */
@Entity('print_attempts')
@Index('print_attempts_copy_attempt_unique', ['copyId', 'attempt'], { unique: true })
@Index('print_attempts_fleet_assigned', ['fleetId', 'assignedAt'])
@Index('print_attempts_fleet_started', ['fleetId', 'startedAt'])
@Index('print_attempts_printer_assigned', ['printerId', 'assignedAt'])
@Index('print_attempts_org_assigned', ['orgId', 'assignedAt'])
@Index('print_attempts_org_ended', ['orgId', 'endedAt'])
export class PrintAttempt {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @Column({ type: 'uuid' })
  copyId!: string;

  @ManyToOne(() => PrintCopy, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'copy_id' })
  copy?: PrintCopy;

  @Column({ type: 'uuid' })
  jobId!: string;

  @Column({ type: 'uuid', nullable: true })
  printerId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  fleetId!: string | null;

  @Column({ type: 'integer' })
  attempt!: number;

  /** The copy's state when this attempt ended (or its current state while it runs). */
  @Column({ type: 'varchar', length: 24 })
  state!: CopyState;

  @Column({ type: 'timestamptz' })
  assignedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  outcome!: CopyOutcome | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  failureReason!: string | null;

  /** From the file's slicer metadata, counted for finished prints (a failed print's share is unknown). */
  @Column({ type: 'real', nullable: true })
  filamentMm!: number | null;

  @Column({ type: 'real', nullable: true })
  filamentGrams!: number | null;
}
