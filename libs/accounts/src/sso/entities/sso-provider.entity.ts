import type { Role } from '@farmhand/authz';
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
import { Organization } from '../../entities/organization.entity';
import { User } from '../../entities/user.entity';

/**
 * An organization's OpenID Connect provider (one per organization). The client secret is stored encrypted
 * (`sso-secret.cipher.ts`) and never returned. `slug` names the organization's sign-in URL, `/sign-in/sso/<slug>`.
 */
@Entity('sso_providers')
@Index('sso_providers_org_unique', ['orgId'], { unique: true })
@Index('sso_providers_slug_unique', ['slug'], { unique: true })
export class SsoProvider {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 63 })
  slug!: string;

  /** "Sign in with <displayName>". */
  @Column({ type: 'varchar', length: 60 })
  displayName!: string;

  @Column({ type: 'varchar', length: 2048 })
  issuerUrl!: string;

  @Column({ type: 'varchar', length: 255 })
  clientId!: string;

  @Column({ type: 'varchar', length: 1024, select: false })
  clientSecretCiphertext!: string;

  /** Lower-cased email domains whose people may sign in; empty: any domain the provider vouches for. */
  @Column({ type: 'text', array: true })
  allowedDomains!: string[];

  @Column({ type: 'varchar', length: 16 })
  defaultRole!: Role;

  /** null: every fleet. */
  @Column({ type: 'uuid', array: true, nullable: true })
  defaultFleetIds!: string[] | null;

  /** The ID token claim that lists the person's groups; null: no mapping, everyone new gets `defaultRole`. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  groupClaim!: string | null;

  /** Group name → role; with a group claim, a person in none of these groups is refused. */
  @Column({ type: 'jsonb', nullable: true })
  groupRoles!: Record<string, Role> | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** Members must sign in through the provider; password sign-in is refused them (but the break-glass owner). */
  @Column({ type: 'boolean', default: false })
  requireSso!: boolean;

  @Column({ type: 'uuid', nullable: true })
  breakGlassUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'break_glass_user_id' })
  breakGlassUser?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
