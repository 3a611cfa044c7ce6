import { Organization } from '@farmhand/accounts';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export const QUOTA_SCOPES = ['member', 'tag'] as const;
export type QuotaScope = (typeof QUOTA_SCOPES)[number];
export const QUOTA_METRICS = ['print_hours', 'filament_grams'] as const;
export type QuotaMetric = (typeof QUOTA_METRICS)[number];
export const QUOTA_PERIODS = ['month'] as const;
export type QuotaPeriod = (typeof QUOTA_PERIODS)[number];

/**
 * A limit an organization sets on what one member (the user id who queues) or one job tag may print per calendar
 * month (UTC): print hours or filament grams. Checked when a job is queued (libs/jobs' JobAdmissionRegistry).
 */
@Entity('report_quotas')
@Index('report_quotas_org_scope_target_metric', ['orgId', 'scope', 'target', 'metric'], { unique: true })
export class Quota {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 16 })
  scope!: QuotaScope;

  /** The member's user id (scope `member`) or the tag, lower-cased (scope `tag`). */
  @Column({ type: 'varchar', length: 64 })
  target!: string;

  @Column({ type: 'varchar', length: 24 })
  metric!: QuotaMetric;

  @Column({ type: 'double precision' })
  limit!: number;

  @Column({ type: 'varchar', length: 16, default: 'month' })
  period!: QuotaPeriod;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
