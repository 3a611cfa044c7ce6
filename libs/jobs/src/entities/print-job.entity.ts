import { Organization } from '@farmhand/accounts';
import { GcodeFile } from '@farmhand/files';
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

/**
 * A file to print `copies` times on any printer meeting the requirements. The queue order is priority (higher
 * first), then position (lower first: creation order unless an operator moved the job). Each copy is a
 * PrintCopy row; the job's own progress is derived from them.
 */
@Entity('print_jobs')
@Index('print_jobs_org_created', ['orgId', 'createdAt'])
@Index('print_jobs_org_order', ['orgId', 'priority', 'position'])
@Index('print_jobs_file', ['fileId'])
export class PrintJob {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'uuid' })
  fileId!: string;

  /** Files are soft-deleted, and never while a job still needs them; history keeps the reference. */
  @ManyToOne(() => GcodeFile, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'file_id' })
  file?: GcodeFile;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'integer' })
  copies!: number;

  @Column({ type: 'integer', default: 0 })
  priority!: number;

  @Column({ type: 'double precision' })
  position!: number;

  /** Required loaded material (case-insensitive); null: any. */
  @Column({ type: 'varchar', length: 50, nullable: true })
  material!: string | null;

  /** Required nozzle diameter in mm (matched to 0.01 mm); null: any. */
  @Column({ type: 'real', nullable: true })
  nozzleDiameter!: number | null;

  @Column({ type: 'real', nullable: true })
  minBuildX!: number | null;

  @Column({ type: 'real', nullable: true })
  minBuildY!: number | null;

  @Column({ type: 'real', nullable: true })
  minBuildZ!: number | null;

  /** The file's format when the job was created: only printers whose agent uploads it are matched. */
  @Column({ type: 'varchar', length: 8, default: 'gcode' })
  fileFormat!: 'gcode' | 'bgcode' | '3mf';

  /** The printer model the file was sliced for (matched loosely against the printer's model); null: any. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  printerModel!: string | null;

  /** The operator's override: send the file to printers whatever formats their agents announce. */
  @Column({ type: 'boolean', default: false })
  anyPrinterKind!: boolean;

  /** Bambu: the 3MF plate to print (null: the first sliced plate) and the AMS slot per filament (null: none). */
  @Column({ type: 'integer', nullable: true })
  plate!: number | null;

  @Column({ type: 'integer', array: true, nullable: true })
  amsMapping!: number[] | null;

  /** Empty: any fleet of the organization. */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  fleetIds!: string[];

  /**
   * "Print on the selected printers": this job's copy goes to this printer only. No foreign key on purpose: a
   * deleted printer must leave the pin in place, so the scheduler can cancel the copy with a reason instead of
   * printing it anywhere.
   */
  @Column({ type: 'uuid', nullable: true })
  pinnedPrinterId!: string | null;

  /** The printer must carry every one of these tags. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  requiredTags!: string[];

  /** Labels for reports and quotas (a project, a class, a customer), lower-cased; unlike requiredTags, they match nothing. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: 'timestamptz', nullable: true })
  earliestStartAt!: Date | null;

  @Column({ type: 'text', default: '' })
  notes!: string;

  /** Held jobs keep their place but none of their copies is assigned. */
  @Column({ type: 'boolean', default: false })
  held!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  /** Set when an operator deleted the job: it leaves the queue and lists; copies and attempts stay (history). */
  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 320, default: '' })
  createdByLabel!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
