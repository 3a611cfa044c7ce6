import type { MigrationInterface, QueryRunner } from 'typeorm';

/** "Print on the selected printers": a job pinned to one printer (libs/jobs, the scheduler honours it). */
export class PinnedPrinter1796607000000 implements MigrationInterface {
  name = 'PinnedPrinter1796607000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "print_jobs" ADD "pinned_printer_id" uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "print_jobs" DROP COLUMN "pinned_printer_id"`);
  }
}
