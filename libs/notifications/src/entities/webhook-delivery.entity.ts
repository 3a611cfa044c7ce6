import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { DeliveryStatus, WebhookEvent } from '../webhook-events';
import { Webhook } from './webhook.entity';

/** One event sent (or to send) to one webhook: the delivery log, and the job's state between tries. */
@Entity('webhook_deliveries')
@Index('webhook_deliveries_webhook_created', ['webhookId', 'createdAt'])
@Index('webhook_deliveries_created', ['createdAt'])
@Index('webhook_deliveries_pending', ['createdAt'], { where: `status = 'pending'` })
export class WebhookDelivery {
  /** Also the BullMQ job id and the `X-Farmhand-Delivery` header: receivers deduplicate on it. */
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @Column({ type: 'uuid' })
  webhookId!: string;

  @ManyToOne(() => Webhook, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id' })
  webhook?: Webhook;

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
}
