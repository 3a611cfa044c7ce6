import { Printer } from '@farmhand/printers';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CopyOutcome, CopyState } from '../copy-state';
import { PrintJob } from './print-job.entity';

/**
 * One copy of a job, moving queued -> assigned -> uploading -> printing -> awaiting_bed_clear -> done (or failed,
 * cancelled). `attempt` counts assignments: each one is also a PrintAttempt row (history) and names the dispatch
 * command, so a retried dispatch of the same attempt is the same command to the agent.
 */
@Entity('print_copies')
@Index('print_copies_job_number_unique', ['jobId', 'number'], { unique: true })
// The hard guarantee behind the scheduler's locks: a printer never holds two active copies.
@Index('print_copies_printer_active_unique', ['printerId'], {
  unique: true,
  where: `state IN ('assigned', 'uploading', 'printing', 'awaiting_bed_clear')`,
})
@Index('print_copies_queued', ['orgId', 'jobId', 'number'], { where: `state = 'queued'` })
@Index('print_copies_org_state', ['orgId', 'state'])
export class PrintCopy {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @Column({ type: 'uuid' })
  jobId!: string;

  @ManyToOne(() => PrintJob, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job?: PrintJob;

  /** 1..copies within the job. */
  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'varchar', length: 24, default: 'queued' })
  state!: CopyState;

  @Column({ type: 'uuid', nullable: true })
  printerId!: string | null;

  @ManyToOne(() => Printer, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'printer_id' })
  printer?: Printer;

  @Column({ type: 'integer', default: 0 })
  attempt!: number;

  /** The agent went offline while this copy was uploading or printing: its fate is unknown until it returns. */
  @Column({ type: 'boolean', default: false })
  lost!: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  queuedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  assignedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  /** The print ended (done, failed or cancelled on the printer). */
  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** Someone confirmed the plate clear (or the printer ejected it). */
  @Column({ type: 'timestamptz', nullable: true })
  clearedAt!: Date | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  outcome!: CopyOutcome | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  failureReason!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  failureDetail!: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
