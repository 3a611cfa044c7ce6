import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A printer's lifetime counters, added to in the transaction that ends each print (libs/jobs calls
 * MaintenanceCounters) and backfilled from the print history when the table was made: they survive restarts.
 */
@Entity('printer_usage_totals')
export class PrinterUsageTotal {
  @PrimaryColumn({ type: 'uuid' })
  printerId!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @Column({ type: 'double precision', default: 0 })
  printSeconds!: number;

  @Column({ type: 'double precision', default: 0 })
  filamentGrams!: number;

  @Column({ type: 'integer', default: 0 })
  prints!: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
