import { Organization, User } from '@farmhand/accounts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { SubscribableWebhookEvent } from '../webhook-events';

/**
 * One member's choice of what reaches them personally (by email to their account address, by browser push), per
 * organization. What is chosen here is a wish: delivery is clamped at send time to what the member may read.
 */
@Entity('notification_preferences')
@Index('notification_preferences_org_user', ['orgId', 'userId'], { unique: true })
export class NotificationPreference {
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

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  emailEvents!: SubscribableWebhookEvent[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  pushEvents!: SubscribableWebhookEvent[];

  /** Events delivered even in quiet hours and outside the digest. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  urgentEvents!: SubscribableWebhookEvent[];

  /** Events of printers in these fleets only; null: every fleet the member may read. */
  @Column({ type: 'uuid', array: true, nullable: true })
  fleetIds!: string[] | null;

  /** IANA name; quiet hours and the digest hour are read in it. */
  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timeZone!: string;

  /** Minutes after local midnight; both null: no quiet hours. */
  @Column({ type: 'smallint', nullable: true })
  quietStart!: number | null;

  @Column({ type: 'smallint', nullable: true })
  quietEnd!: number | null;

  /** Local hour (0–23) of the daily digest mail; null: mails go one by one. */
  @Column({ type: 'smallint', nullable: true })
  digestHour!: number | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
