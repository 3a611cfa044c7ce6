import { Fleet, Organization } from '@farmhand/accounts';
import { Printer } from '@farmhand/printers';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** What a printer enrolled with a token starts with (the admin's template, or a CSV row). */
export interface PrinterTemplate {
  model?: string;
  nozzleDiameter?: number | null;
  buildX?: number | null;
  buildY?: number | null;
  buildZ?: number | null;
  material?: string | null;
  tags?: string[];
}

export type EnrollmentTokenSource = 'admin' | 'import';

/**
 * An enrollment token (`fh_enr_<id>_<secret>`): bound to one organization and fleet, N uses (1 by default), always
 * expiring. Only its SHA-256 is stored; `id` is the token's public id part. A bulk CSV import binds each token to the
 * printer it created (`printerId`).
 */
@Entity('enrollment_tokens')
@Index('enrollment_tokens_org_created', ['orgId', 'createdAt'])
@Index('enrollment_tokens_printer', ['printerId'])
@Check('enrollment_tokens_uses', '"uses_left" >= 0 AND "uses_left" <= "uses_allowed"')
export class EnrollmentToken {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'uuid' })
  fleetId!: string;

  @ManyToOne(() => Fleet, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'fleet_id' })
  fleet?: Fleet;

  /** The printer this token enrolls (bulk CSV); null: redeeming creates a new printer. */
  @Column({ type: 'uuid', nullable: true })
  printerId!: string | null;

  @ManyToOne(() => Printer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'printer_id' })
  printer?: Printer;

  @Column({ type: 'char', length: 64, select: false })
  tokenHash!: string;

  @Column({ type: 'varchar', length: 8 })
  source!: EnrollmentTokenSource;

  /** Name for the printer a redemption creates; null: the agent's host name. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  printerName!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  template!: PrinterTemplate;

  /** Written into the agent's config on redemption (a CSV row's `octoprint_url`). */
  @Column({ type: 'varchar', length: 2048, nullable: true })
  octoprintUrl!: string | null;

  @Column({ type: 'int' })
  usesAllowed!: number;

  @Column({ type: 'int' })
  usesLeft!: number;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
