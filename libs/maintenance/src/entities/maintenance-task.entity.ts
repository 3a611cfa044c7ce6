import { Organization } from '@farmhand/accounts';
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

/** What a task's interval counts: print hours, grams of filament, prints, or calendar days since the last time. */
export const INTERVAL_KINDS = ['print_hours', 'filament_grams', 'prints', 'days'] as const;
export type IntervalKind = (typeof INTERVAL_KINDS)[number];

/** A recurring maintenance task for one printer, or for every printer of a model (each printer keeps its own due). */
@Entity('maintenance_tasks')
@Index('maintenance_tasks_org_created', ['orgId', 'createdAt'])
export class MaintenanceTask {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Column({ type: 'uuid', nullable: true })
  printerId!: string | null;

  /** Every printer whose model is this (case-insensitive), when the task is not for one printer. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  printerModel!: string | null;

  @Column({ type: 'varchar', length: 16 })
  intervalKind!: IntervalKind;

  @Column({ type: 'real' })
  intervalValue!: number;

  /** The scheduler starts nothing on a printer while this task is overdue there. */
  @Column({ type: 'boolean', default: false })
  holdWhenOverdue!: boolean;

  @Column({ type: 'text', array: true, default: '{}' })
  checklist!: string[];

  @Column({ type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
