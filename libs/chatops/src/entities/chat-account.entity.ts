import { Membership } from '@farmhand/accounts';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ChatIntegration } from './chat-integration.entity';

/** A chat user (one platform user id in one integration) linked to a membership: who acts when they type a command. */
@Entity('chat_accounts')
@Index('chat_accounts_integration_user_unique', ['integrationId', 'platformUserId'], { unique: true })
@Index('chat_accounts_membership', ['membershipId'])
export class ChatAccount {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @Column({ type: 'uuid' })
  integrationId!: string;

  @ManyToOne(() => ChatIntegration, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'integration_id' })
  integration?: ChatIntegration;

  @Column({ type: 'uuid' })
  membershipId!: string;

  @ManyToOne(() => Membership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'membership_id' })
  membership?: Membership;

  @Column({ type: 'varchar', length: 64 })
  platformUserId!: string;

  @Column({ type: 'varchar', length: 100 })
  platformUserName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
