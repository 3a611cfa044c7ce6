import { Printer } from '@farmhand/printers';
import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The bed-clear gate. After a print ends (done, failed, cancelled; or a manual print Farmhand did not start) the
 * bed is occupied until someone confirms it clear; printers with `autoEject` clear themselves after a good print.
 * No row means clear (a newly enrolled printer is assumed empty).
 */
@Entity('printer_beds')
export class PrinterBed {
  @PrimaryColumn({ type: 'uuid' })
  printerId!: string;

  @OneToOne(() => Printer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'printer_id' })
  printer?: Printer;

  @Column({ type: 'uuid' })
  orgId!: string;

  @Column({ type: 'boolean', default: true })
  clear!: boolean;

  /** The copy whose print is on the bed, when Farmhand started it. */
  @Column({ type: 'uuid', nullable: true })
  copyId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  reason!: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
