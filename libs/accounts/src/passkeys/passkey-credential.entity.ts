import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../entities/user.entity';

/**
 * A WebAuthn credential (passkey) of one account: its id and COSE public key, as the authenticator made them at
 * registration, and the signature counter last seen. Nothing here is secret.
 */
@Entity('passkey_credentials')
@Index('passkey_credentials_user', ['userId'])
@Index('passkey_credentials_credential_id_unique', ['credentialId'], { unique: true })
export class PasskeyCredential {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** The credential id, base64url, as the authenticator gave it. */
  @Column({ type: 'varchar', length: 1400 })
  credentialId!: string;

  @Column({ type: 'bytea' })
  publicKey!: Buffer;

  /** The last signature counter accepted: an assertion must carry a greater one (or both stay 0). */
  @Column({ type: 'bigint', default: 0 })
  counter!: string;

  @Column({ type: 'text', array: true, nullable: true })
  transports!: string[] | null;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** `singleDevice` or `multiDevice` (synced passkey). */
  @Column({ type: 'varchar', length: 16 })
  deviceType!: string;

  @Column({ type: 'boolean' })
  backedUp!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
