import { Organization } from '@farmhand/accounts';
import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * An organization's cost settings: what an hour of a printer costs (machine rate), what a kWh costs, and each
 * printer model's draw in watts. Applied when a report is read, so a changed price re-prices the past too.
 */
@Entity('report_settings')
export class ReportSettings {
  @PrimaryColumn({ type: 'uuid' })
  orgId!: string;

  @OneToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  /** ISO 4217 code, shown beside the figures; every amount is in cents of it. */
  @Column({ type: 'varchar', length: 3, default: 'EUR' })
  currency!: string;

  @Column({ type: 'double precision', default: 0 })
  energyCentsPerKwh!: number;

  @Column({ type: 'double precision', default: 0 })
  machineCentsPerHour!: number;

  /** The draw of a printer whose model has no entry in `modelWatts`. */
  @Column({ type: 'double precision', default: 0 })
  defaultWatts!: number;

  /** Printer model (as the printer reports it, lower-cased) -> average watts while printing. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  modelWatts!: Record<string, number>;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
