import { Organization } from '@farmhand/accounts';
import { Printer } from '@farmhand/printers';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * An agent's credential: one live per printer (a rotated one keeps working until `expiresAt`, its grace window).
 * Only the SHA-256 of the token is stored; `id` is the token's public id part, used for the lookup.
 */
@Entity('printer_credentials')
@Index('printer_credentials_printer', ['printerId'])
export class PrinterCredential {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'uuid' })
  printerId!: string;

  @ManyToOne(() => Printer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'printer_id' })
  printer?: Printer;

  @Column({ type: 'char', length: 64, select: false })
  secretHash!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  /** Set on rotation: the old credential works until then. */
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
