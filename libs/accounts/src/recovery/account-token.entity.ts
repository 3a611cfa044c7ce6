import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../entities/user.entity';

export type AccountTokenPurpose = 'password_reset' | 'email_verification';

/** A single-use, short-lived link secret (password reset, email verification); only its SHA-256 is stored. */
@Entity('account_tokens')
@Index('account_tokens_user', ['userId'])
export class AccountToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 32 })
  purpose!: AccountTokenPurpose;

  @Column({ type: 'char', length: 64 })
  secretHash!: string;

  /** An owner's reset link for a member (no SMTP): who made it, in which organization. Null: sent by email. */
  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  orgId!: string | null;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
