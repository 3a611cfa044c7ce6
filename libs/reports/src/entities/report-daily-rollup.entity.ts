import { Organization } from '@farmhand/accounts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export const PRINT_RESULTS = ['done', 'bad', 'failed', 'cancelled'] as const;
export type PrintResult = (typeof PRINT_RESULTS)[number];

/**
 * Ended prints summed per day (UTC), printer, member, tag set, material, colour and result: what reports read
 * instead of scanning the print history. Rebuilt per (organization, day) by the worker (`reports.refresh`), on
 * every print's end and by a periodic pass, from print_attempts, print_jobs, spool_usages and spools.
 */
@Entity('report_daily_rollups')
@Index('report_daily_rollups_org_day', ['orgId', 'day'])
export class ReportDailyRollup {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'date' })
  day!: string;

  @Column({ type: 'uuid', nullable: true })
  printerId!: string | null;

  /** The printer's fleet when it printed (print_attempts keeps it), so a moved printer's past stays where it was. */
  @Column({ type: 'uuid', nullable: true })
  fleetId!: string | null;

  /** The user id of whoever queued the job ('' for an API key or the system). */
  @Column({ type: 'varchar', length: 64, default: '' })
  memberId!: string;

  /** The job's tags, sorted: one row per distinct set, so a print is counted once however many tags it has. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: 'varchar', length: 50, default: '' })
  material!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  color!: string;

  @Column({ type: 'varchar', length: 16 })
  result!: PrintResult;

  @Column({ type: 'varchar', length: 64, default: '' })
  failureReason!: string;

  @Column({ type: 'integer' })
  prints!: number;

  @Column({ type: 'double precision' })
  printSeconds!: number;

  /** From the print's end to the person's "bed clear": the printer waited with a full plate. */
  @Column({ type: 'double precision' })
  bedClearSeconds!: number;

  @Column({ type: 'double precision' })
  filamentGrams!: number;

  /** Filament at its spool's price per gram (prints from spools without a cost count 0). */
  @Column({ type: 'double precision' })
  materialCents!: number;
}
