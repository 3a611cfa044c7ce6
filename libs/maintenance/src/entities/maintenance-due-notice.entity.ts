import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MaintenanceTask } from './maintenance-task.entity';

/**
 * `maintenance.due` told for one task on one printer in one interval at one level (`due` at 90 %, `overdue` at
 * 100 %). An interval starts at the pair's last completion (epoch when never done), so completing starts a new one.
 */
@Entity('maintenance_due_notices')
export class MaintenanceDueNotice {
  @PrimaryColumn({ type: 'uuid' })
  taskId!: string;

  @ManyToOne(() => MaintenanceTask, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id', foreignKeyConstraintName: 'FK_maintenance_due_notices_task' })
  task?: MaintenanceTask;

  @PrimaryColumn({ type: 'uuid' })
  printerId!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  intervalStartedAt!: Date;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  level!: 'due' | 'overdue';

  @Column({ type: 'timestamptz', default: () => 'now()' })
  notifiedAt!: Date;
}
