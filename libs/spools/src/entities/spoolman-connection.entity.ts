import { Organization } from '@farmhand/accounts';
import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * An organization's Spoolman server: while it exists, spools are read from Spoolman and usage is written there.
 * The credential (API key or Basic password) is encrypted at rest (spoolman-secret.cipher.ts), never returned.
 */
@Entity('spoolman_connections')
export class SpoolmanConnection {
  @PrimaryColumn({ type: 'uuid' })
  orgId!: string;

  @OneToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  /** The server's root (`http://spoolman.lan:7912`); requests go to `<baseUrl>/api/v1/...`. */
  @Column({ type: 'varchar', length: 2048 })
  baseUrl!: string;

  /** none, apiKey (sent as `X-Api-Key`, for a reverse proxy in front of Spoolman), basic. */
  @Column({ type: 'varchar', length: 8 })
  authKind!: 'none' | 'apiKey' | 'basic';

  @Column({ type: 'varchar', length: 200, nullable: true })
  username!: string | null;

  @Column({ type: 'text', nullable: true })
  secretCiphertext!: string | null;

  /** The admin said the server is on the LAN (loopback, RFC 1918): allowed for this organization only. */
  @Column({ type: 'boolean', default: false })
  allowPrivateNetwork!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  lastSyncAt!: Date | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastErrorAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
