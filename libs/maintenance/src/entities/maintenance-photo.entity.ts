import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { MaintenanceCompletion } from './maintenance-completion.entity';

/** A photo taken when a task was done (at most 5 per completion), re-encoded and stored under DATA_DIR. */
@Entity('maintenance_photos')
@Index('maintenance_photos_completion', ['completionId', 'createdAt'])
export class MaintenancePhoto {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @Column({ type: 'uuid' })
  completionId!: string;

  @ManyToOne(() => MaintenanceCompletion, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'completion_id' })
  completion?: MaintenanceCompletion;

  @Column({ type: 'uuid' })
  printerId!: string;

  /** Relative to DATA_DIR/maintenance (ids only). */
  @Column({ type: 'varchar', length: 200 })
  path!: string;

  @Column({ type: 'integer' })
  width!: number;

  @Column({ type: 'integer' })
  height!: number;

  @Column({ type: 'integer' })
  bytes!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
