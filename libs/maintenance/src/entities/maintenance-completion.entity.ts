import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { MaintenanceTask } from './maintenance-task.entity';

/**
 * A task done on a printer: who, when, the checklist as ticked, notes, and the printer's counters at that moment
 * (the next due is counted from them).
 */
@Entity('maintenance_completions')
@Index('maintenance_completions_task_printer', ['taskId', 'printerId', 'completedAt'])
@Index('maintenance_completions_printer', ['printerId', 'completedAt'])
export class MaintenanceCompletion {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @Column({ type: 'uuid' })
  taskId!: string;

  @ManyToOne(() => MaintenanceTask, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id' })
  task?: MaintenanceTask;

  @Column({ type: 'uuid' })
  printerId!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  completedBy!: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  notes!: string | null;

  /** `[{ item, done }]`, the task's checklist as it was ticked. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  checklist!: { item: string; done: boolean }[];

  @Column({ type: 'double precision' })
  printSeconds!: number;

  @Column({ type: 'double precision' })
  filamentGrams!: number;

  @Column({ type: 'integer' })
  prints!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  completedAt!: Date;
}
