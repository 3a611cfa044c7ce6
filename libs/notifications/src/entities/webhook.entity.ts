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
import type { SubscribableWebhookEvent } from '../webhook-events';

/**
 * An organization's HTTP endpoint for events. The signing secret is stored encrypted (AES-256-GCM under a key
 * derived from SECRET_KEY, see webhook-secret.cipher.ts): it must be usable to sign, so it cannot be hashed.
 */
@Entity('webhooks')
@Index('webhooks_org_created', ['orgId', 'createdAt'])
export class Webhook {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'text', array: true })
  events!: SubscribableWebhookEvent[];

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  /** `v1.<iv>.<tag>.<ciphertext>` (base64url); never selected unless asked for. */
  @Column({ type: 'varchar', length: 255, select: false })
  secretCiphertext!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  /** When the latest delivery ended (delivered, or failed for good), and how. */
  @Column({ type: 'timestamptz', nullable: true })
  lastDeliveryAt!: Date | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  lastStatus!: 'delivered' | 'failed' | null;
}
