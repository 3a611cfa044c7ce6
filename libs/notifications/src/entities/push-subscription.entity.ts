import { Organization, User } from '@farmhand/accounts';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One browser's Web Push subscription for one person in one organization: the push service's endpoint and the
 * browser's keys (RFC 8291: the P-256 public key `p256dh` and the 16-byte `auth` secret), which are what encrypts a
 * message to that browser and nothing more (they cannot read or send anything). Gone with the user or organization,
 * and when the push service answers 404 / 410 (the browser dropped it).
 */
@Entity('push_subscriptions')
@Index('push_subscriptions_owner_endpoint', ['orgId', 'userId', 'endpoint'], { unique: true })
export class PushSubscription {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 2048 })
  endpoint!: string;

  @Column({ type: 'varchar', length: 100 })
  p256dh!: string;

  @Column({ type: 'varchar', length: 32 })
  auth!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
