import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deleted jobs leave the queue and lists but keep their row, so copies and attempts (history) stay. The stagger
 * counts prints started per fleet in the last minute (print_attempts by fleet and start time).
 */
export class PrintQueueLooseEnds1795724648481 implements MigrationInterface {
  name = 'PrintQueueLooseEnds1795724648481';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "print_jobs" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE INDEX "print_attempts_fleet_started" ON "print_attempts" ("fleet_id", "started_at") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."print_attempts_fleet_started"`);
    await queryRunner.query(`ALTER TABLE "print_jobs" DROP COLUMN "deleted_at"`);
  }
}
