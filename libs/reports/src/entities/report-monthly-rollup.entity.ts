import { Organization } from '@farmhand/accounts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export const ROLLUP_DIMENSIONS = ['printer', 'member', 'material', 'failure', 'tag'] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/**
 * Ended prints summed per UTC month, fleet and one dimension (printer, member, material + colour, failure reason,
 * tag): each dimension a small table where the daily rollups are nearly one row per print. Written from the daily
 * rollups of the month whenever a day of it is rebuilt (same transaction). Reports read these rows for the whole
 * months of a range without a member or tag filter, and the daily rows for the days at its edges.
 */
@Entity('report_monthly_rollups')
@Index('report_monthly_rollups_org_month', ['orgId', 'month'])
export class ReportMonthlyRollup {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  /** The first day of the UTC month. */
  @Column({ type: 'date' })
  month!: string;

  @Column({ type: 'varchar', length: 16 })
  dimension!: RollupDimension;

  /** The printer id ('' for a print without one), member id, material, failure reason or tag. */
  @Column({ type: 'text' })
  groupKey!: string;

  /** The colour beside a material, else ''. */
  @Column({ type: 'varchar', length: 64, default: '' })
  detail!: string;

  /** The attempt's fleet: the scope of fleet-limited readers and the fleet filter. */
  @Column({ type: 'uuid', nullable: true })
  fleetId!: string | null;

  /** Set on printer rows: the report joins the printer's current model for its watts. */
  @Column({ type: 'uuid', nullable: true })
  printerId!: string | null;

  /** Member, material and tag rows: the printers' model (lower-cased) when written, which prices their energy. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  model!: string | null;

  @Column({ type: 'integer' })
  prints!: number;

  @Column({ type: 'integer' })
  done!: number;

  @Column({ type: 'integer' })
  bad!: number;

  @Column({ type: 'integer' })
  failed!: number;

  @Column({ type: 'integer' })
  cancelled!: number;

  @Column({ type: 'double precision' })
  printSeconds!: number;

  @Column({ type: 'double precision' })
  bedClearSeconds!: number;

  @Column({ type: 'double precision' })
  filamentGrams!: number;

  @Column({ type: 'double precision' })
  materialCents!: number;
}
