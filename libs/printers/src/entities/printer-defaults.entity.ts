import { Fleet, Organization } from '@farmhand/accounts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * What a newly enrolled printer starts with, for the organization (`fleet_id` null) or one fleet. Each field null:
 * not set here (a fleet's falls back to the organization's, the organization's to the built-in default).
 */
@Entity('printer_defaults')
@Index('printer_defaults_org_unique', ['orgId'], { unique: true, where: 'fleet_id IS NULL' })
@Index('printer_defaults_fleet_unique', ['orgId', 'fleetId'], { unique: true, where: 'fleet_id IS NOT NULL' })
export class PrinterDefaults {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'uuid', nullable: true })
  fleetId!: string | null;

  @ManyToOne(() => Fleet, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'fleet_id' })
  fleet?: Fleet;

  @Column({ type: 'varchar', length: 50, nullable: true })
  material!: string | null;

  @Column({ type: 'boolean', nullable: true })
  autoPause!: boolean | null;

  @Column({ type: 'real', nullable: true })
  sensitivity!: number | null;

  @Column({ type: 'integer', nullable: true })
  frameIntervalSeconds!: number | null;

  /** On: a finished print waits for a person to confirm the plate clear (off: the printer ejects, `auto_eject`). */
  @Column({ type: 'boolean', nullable: true })
  bedClearGate!: boolean | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
