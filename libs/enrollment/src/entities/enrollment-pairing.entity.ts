import { Organization } from '@farmhand/accounts';
import { Printer } from '@farmhand/printers';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export type PairingStatus = 'pending' | 'approved' | 'denied' | 'redeemed';

/**
 * A device-flow pairing (after RFC 8628). Only HMACs of the device code and of the user code are stored. The row
 * belongs to no organization until an admin claims it by typing the user code; it never holds a credential: the
 * agent's credential is issued when the agent redeems the approved pairing.
 */
@Entity('enrollment_pairings')
@Index('enrollment_pairings_device_code', ['deviceCodeHash'], { unique: true })
@Index('enrollment_pairings_pending_user_code', ['userCodeHash'], { unique: true, where: `status = 'pending'` })
@Index('enrollment_pairings_status_expires', ['status', 'expiresAt'])
export class EnrollmentPairing {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'char', length: 64, select: false })
  deviceCodeHash!: string;

  @Column({ type: 'char', length: 64, select: false })
  userCodeHash!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: PairingStatus;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastPolledAt!: Date | null;

  /** Grows by 5 s on every `slow_down`. */
  @Column({ type: 'smallint', default: 5 })
  pollIntervalSeconds!: number;

  @Column({ type: 'varchar', length: 64 })
  agentVersion!: string;

  @Column({ type: 'varchar', length: 255 })
  agentHostname!: string;

  /** Set when an admin claims (or denies) the pairing. */
  @Column({ type: 'uuid', nullable: true })
  orgId!: string | null;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'uuid', nullable: true })
  printerId!: string | null;

  @ManyToOne(() => Printer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'printer_id' })
  printer?: Printer;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  redeemedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
