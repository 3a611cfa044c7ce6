import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../entities/user.entity';
import { SsoProvider } from './sso-provider.entity';

/**
 * A Farmhand account linked to a person at a provider, by the provider's stable subject (`sub`), never by email
 * alone: an address can change hands at the provider, the subject does not.
 */
@Entity('sso_identities')
@Index('sso_identities_provider_subject_unique', ['providerId', 'subject'], { unique: true })
@Index('sso_identities_user', ['userId'])
export class SsoIdentity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @Column({ type: 'uuid' })
  providerId!: string;

  @ManyToOne(() => SsoProvider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'provider_id' })
  provider?: SsoProvider;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  lastSignInAt!: Date;
}
