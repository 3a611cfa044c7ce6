import { Organization } from '@farmhand/accounts';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export type PersonalChannel = 'email' | 'push';
export type HoldReason = 'quiet' | 'digest';

/**
 * A personal notification waiting for its member's quiet hours to end or for their digest hour. Released by the
 * worker's `notification.release` tick, which checks the member's reach again before sending.
 */
@Entity('held_notifications')
@Index('held_notifications_release', ['releaseAt'])
export class HeldNotification {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 64 })
  event!: string;

  @Column({ type: 'varchar', length: 8 })
  channel!: PersonalChannel;

  @Column({ type: 'varchar', length: 8 })
  reason!: HoldReason;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  releaseAt!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
