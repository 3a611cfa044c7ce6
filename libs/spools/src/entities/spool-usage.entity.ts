import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Spool } from './spool.entity';

/** The filament one print attempt took from one spool: one row per (copy, attempt, spool), written once. */
@Entity('spool_usages')
@Index('spool_usages_spool_recorded', ['spoolId', 'recordedAt'])
@Index('spool_usages_spoolman_state', ['orgId', 'spoolmanState'], { where: 'spoolman_state IS NOT NULL' })
@Index('spool_usages_attempt_unique', ['copyId', 'attempt', 'spoolId'], { unique: true })
export class SpoolUsage {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @Column({ type: 'uuid' })
  spoolId!: string;

  @ManyToOne(() => Spool, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'spool_id' })
  spool?: Spool;

  @Column({ type: 'uuid', nullable: true })
  printerId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  copyId!: string | null;

  @Column({ type: 'integer', nullable: true })
  attempt!: number | null;

  @Column({ type: 'real' })
  grams!: number;

  /** The share of the file's filament counted: 1 for a finished print, the progress for a failed or cancelled one. */
  @Column({ type: 'real' })
  fraction!: number;

  /** done, failed, cancelled; `adjustment` for a person's correction of the remaining weight. */
  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt!: Date;

  /**
   * For a Spoolman spool, where writing this usage to Spoolman stands: pending (queued or retrying), sent, failed
   * (given up; an operator may retry). Null for the built-in inventory.
   */
  @Column({ type: 'varchar', length: 16, nullable: true })
  spoolmanState!: 'pending' | 'sent' | 'failed' | null;

  /** Spoolman's `used_weight` of the spool just before the first `use` request was sent (see spoolman.jobs.ts). */
  @Column({ type: 'real', nullable: true })
  spoolmanBaselineUsed!: number | null;

  @Column({ type: 'integer', default: 0 })
  spoolmanTries!: number;

  @Column({ type: 'varchar', length: 300, nullable: true })
  spoolmanError!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  spoolmanSentAt!: Date | null;
}
