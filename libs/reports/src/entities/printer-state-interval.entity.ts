import { Organization } from '@farmhand/accounts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A span of time a printer spent in one state, recorded from `printer.stateChanged`: the durable record that
 * utilisation (paused, offline) is computed from. The open span of a printer has no `endedAt`.
 */
@Entity('printer_state_intervals')
@Index('printer_state_intervals_org_started', ['orgId', 'startedAt'])
@Index('printer_state_intervals_open', ['printerId'], { unique: true, where: '"ended_at" IS NULL' })
export class PrinterStateInterval {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'uuid' })
  printerId!: string;

  @Column({ type: 'uuid', nullable: true })
  fleetId!: string | null;

  @Column({ type: 'varchar', length: 24 })
  state!: string;

  @Column({ type: 'timestamptz' })
  startedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
