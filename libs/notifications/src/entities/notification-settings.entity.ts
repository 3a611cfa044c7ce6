import { Organization } from '@farmhand/accounts';
import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An organization's notification settings (admins); no row: the defaults. */
@Entity('notification_settings')
export class NotificationSettings {
  @PrimaryColumn({ type: 'uuid' })
  orgId!: string;

  @OneToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  /** How long a finished print's plate may wait to be cleared before `bed.waiting`. */
  @Column({ type: 'smallint', default: 15 })
  bedWaitingMinutes!: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
