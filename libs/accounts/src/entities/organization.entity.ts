import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('organizations')
export class Organization {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Owners and admins must have a second factor before anything of this organization works for them. */
  @Column({ type: 'boolean', default: false })
  requireTwoFactor!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
