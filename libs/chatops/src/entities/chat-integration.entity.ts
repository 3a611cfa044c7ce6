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
import type { ChatCommand, ChatPlatform } from '../chatops.vocabulary';

/**
 * One inbound chat integration of an organization: where Slack, Discord or Telegram send commands and button clicks.
 * The verification secret (Slack signing secret, Discord public key, Telegram secret token) is stored encrypted
 * (chat-secret.cipher.ts): it must be usable to verify, so it cannot be hashed.
 */
@Entity('chat_integrations')
@Index('chat_integrations_org_created', ['orgId', 'createdAt'])
export class ChatIntegration {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 16 })
  platform!: ChatPlatform;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** The commands this channel may run (`link` is always allowed). */
  @Column({ type: 'text', array: true })
  allowedCommands!: ChatCommand[];

  /** Requests per minute accepted from this integration, all chat users together. */
  @Column({ type: 'integer', default: 60 })
  rateLimitPerMinute!: number;

  /** `v1.<iv>.<tag>.<ciphertext>` (base64url); never selected unless asked for. */
  @Column({ type: 'varchar', length: 512, select: false })
  secretCiphertext!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
