import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { DeliveryStatus, WebhookEvent } from '../webhook-events';
import { NotificationChannel } from './notification-channel.entity';
import { Webhook } from './webhook.entity';

/**
 * One event sent (or to send) to one webhook or one notification channel (exactly one of the two): the delivery log,
 * and the job's state between tries. Channels ride the same rows, job and retries as webhooks.
 */
@Entity('webhook_deliveries')
@Check('webhook_deliveries_one_target', '(webhook_id IS NULL) <> (channel_id IS NULL)')
@Index('webhook_deliveries_channel_created', ['channelId', 'createdAt'])
@Index('webhook_deliveries_webhook_created', ['webhookId', 'createdAt'])
@Index('webhook_deliveries_created', ['createdAt'])
@Index('webhook_deliveries_pending', ['createdAt'], { where: `status = 'pending'` })
export class WebhookDelivery {
  /** Also the BullMQ job id and the `X-Farmhand-Delivery` header: receivers deduplicate on it. */
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @Column({ type: 'uuid', nullable: true })
  webhookId!: string | null;

  @ManyToOne(() => Webhook, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id' })
  webhook?: Webhook;

  @Column({ type: 'uuid', nullable: true })
  channelId!: string | null;

  @ManyToOne(() => NotificationChannel, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'channel_id' })
  channel?: NotificationChannel;

  @Column({ type: 'varchar', length: 64 })
  event!: WebhookEvent;

  /** The `data` of the body; the body itself is rebuilt identically on every try. */
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  error!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  /** Email channels: each address's outcome so far; a retry mails only the addresses not yet accepted. */
  @Column({ type: 'jsonb', nullable: true })
  recipients!: Record<string, RecipientOutcome> | null;
}

export interface RecipientOutcome {
  /** The SMTP server accepted the mail for this address. */
  sent: boolean;
  /** Why it was refused (the SMTP answer), when it was. */
  error?: string;
  attempt: number;
}
