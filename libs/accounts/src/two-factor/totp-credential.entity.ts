import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../entities/user.entity';

/** One TOTP authenticator per user; `enabledAt` null while enrolment waits for its first code. */
@Entity('totp_credentials')
export class TotpCredential {
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** AES-256-GCM under a key derived from SECRET_KEY, the user id as associated data (totp-secret.cipher.ts). */
  @Column({ type: 'text', select: false })
  secretEncrypted!: string;

  @Column({ type: 'timestamptz', nullable: true })
  enabledAt!: Date | null;

  /** The RFC 6238 time step of the last accepted code: a code of this step or an earlier one is refused (replay). */
  @Column({ type: 'bigint', nullable: true })
  lastUsedStep!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
