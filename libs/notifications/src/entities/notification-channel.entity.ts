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
import type { ChannelKind, ChannelSettings } from '../channels/channel-kinds';
import type { SubscribableWebhookEvent } from '../webhook-events';

/**
 * An organization's chat or mail destination (Slack, Discord, Telegram, ntfy, email). What identifies the
 * destination without granting anything (a Slack channel id, a Telegram chat id, an ntfy topic, mail addresses) is in
 * `settings`; what grants posting (webhook URLs, bot tokens, an ntfy token) is one JSON object encrypted like webhook
 * secrets (channel-secret.cipher.ts) and never leaves the server after creation.
 */
@Entity('notification_channels')
@Index('notification_channels_org_created', ['orgId', 'createdAt'])
export class NotificationChannel {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 16 })
  kind!: ChannelKind;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'text', array: true })
  events!: SubscribableWebhookEvent[];

  /** Events of printers in these fleets only; null: every fleet. */
  @Column({ type: 'uuid', array: true, nullable: true })
  fleetIds!: string[] | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'jsonb' })
  settings!: ChannelSettings;

  /** `v1.<iv>.<tag>.<ciphertext>` of the secrets' JSON; never selected unless asked for. */
  @Column({ type: 'varchar', length: 4096, nullable: true, select: false })
  secretCiphertext!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastDeliveryAt!: Date | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  lastStatus!: 'delivered' | 'failed' | null;
}
