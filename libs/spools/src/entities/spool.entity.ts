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

/** Real columns come back from pg as strings for numeric; grams and costs are `real`/`integer` to stay numbers. */
@Entity('spools')
@Index('spools_org_created', ['orgId', 'createdAt'])
// One spool per printer slot (slot 0 is the single extruder of a printer without an AMS/MMU).
@Index('spools_org_spoolman_unique', ['orgId', 'spoolmanId'], { unique: true, where: 'spoolman_id IS NOT NULL' })
@Index('spools_printer_slot_unique', ['printerId', 'slot'], { unique: true, where: 'printer_id IS NOT NULL' })
export class Spool {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 32 })
  material!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  colorName!: string | null;

  /** `#rrggbb`, lower case. */
  @Column({ type: 'varchar', length: 7, nullable: true })
  colorHex!: string | null;

  @Column({ type: 'varchar', length: 80, nullable: true })
  vendor!: string | null;

  @Column({ type: 'real' })
  diameterMm!: number;

  @Column({ type: 'real' })
  initialGrams!: number;

  @Column({ type: 'real' })
  remainingGrams!: number;

  /** What the whole spool cost, in cents of the organization's currency. */
  @Column({ type: 'integer', nullable: true })
  costCents!: number | null;

  @Column({ type: 'varchar', length: 80, nullable: true })
  location!: string | null;

  @Column({ type: 'varchar', length: 80, nullable: true })
  lot!: string | null;

  /** Below this, a low-stock warning goes out and the scheduler warns; it refuses only below what a file needs. */
  @Column({ type: 'real', default: 100 })
  lowStockGrams!: number;

  /** The printer it is loaded on (printers of the organization; the row is unloaded when the printer goes). */
  @Column({ type: 'uuid', nullable: true })
  printerId!: string | null;

  @Column({ type: 'integer', nullable: true })
  slot!: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  loadedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  /**
   * Set when the spool is a mirror of a Spoolman spool (its id there): Spoolman owns its weights, Farmhand only the
   * printer and slot it is loaded in. Null for the built-in inventory.
   */
  @Column({ type: 'integer', nullable: true })
  spoolmanId!: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
