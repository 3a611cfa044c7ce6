import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Print formats and printer kinds in the queue (issue 14 point 5): the formats each printer's agent uploads
 * (from its hello; null until it said), and on each job its file's format, the printer model it was sliced for,
 * the operator's override of the format rule, and Bambu's plate and AMS mapping.
 */
export class PrintFormats1795841207355 implements MigrationInterface {
  name = 'PrintFormats1795841207355';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "printers" ADD "upload_formats" text array`);
    await queryRunner.query(`ALTER TABLE "print_jobs" ADD "file_format" character varying(8) NOT NULL DEFAULT 'gcode'`);
    await queryRunner.query(`ALTER TABLE "print_jobs" ADD "printer_model" character varying(100)`);
    await queryRunner.query(`ALTER TABLE "print_jobs" ADD "any_printer_kind" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "print_jobs" ADD "plate" integer`);
    await queryRunner.query(`ALTER TABLE "print_jobs" ADD "ams_mapping" integer array`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "print_jobs" DROP COLUMN "ams_mapping"`);
    await queryRunner.query(`ALTER TABLE "print_jobs" DROP COLUMN "plate"`);
    await queryRunner.query(`ALTER TABLE "print_jobs" DROP COLUMN "any_printer_kind"`);
    await queryRunner.query(`ALTER TABLE "print_jobs" DROP COLUMN "printer_model"`);
    await queryRunner.query(`ALTER TABLE "print_jobs" DROP COLUMN "file_format"`);
    await queryRunner.query(`ALTER TABLE "printers" DROP COLUMN "upload_formats"`);
  }
}
