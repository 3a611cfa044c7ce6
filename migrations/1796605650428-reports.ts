import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports (libs/reports): the organization's cost settings, the daily rollups that reports read, the printers'
 * state intervals for utilisation; job tags (print_jobs.tags) and an index to rebuild a day's rollups by end time.
 * The rollups start empty: the worker's periodic refresh fills them from the print history.
 */
export class Reports1796605650428 implements MigrationInterface {
  name = 'Reports1796605650428';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "report_settings" ("org_id" uuid NOT NULL, "currency" character varying(3) NOT NULL DEFAULT 'EUR', "energy_cents_per_kwh" double precision NOT NULL DEFAULT '0', "machine_cents_per_hour" double precision NOT NULL DEFAULT '0', "default_watts" double precision NOT NULL DEFAULT '0', "model_watts" jsonb NOT NULL DEFAULT '{}', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1984425a8e396d72383f4f46670" PRIMARY KEY ("org_id"))`);
    await queryRunner.query(`CREATE TABLE "report_daily_rollups" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "day" date NOT NULL, "printer_id" uuid, "fleet_id" uuid, "member_id" character varying(64) NOT NULL DEFAULT '', "tags" text array NOT NULL DEFAULT '{}', "material" character varying(50) NOT NULL DEFAULT '', "color" character varying(64) NOT NULL DEFAULT '', "result" character varying(16) NOT NULL, "failure_reason" character varying(64) NOT NULL DEFAULT '', "prints" integer NOT NULL, "print_seconds" double precision NOT NULL, "bed_clear_seconds" double precision NOT NULL, "filament_grams" double precision NOT NULL, "material_cents" double precision NOT NULL, CONSTRAINT "PK_9d0b0115d8e56ed7eb3333967bc" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "report_daily_rollups_org_day" ON "report_daily_rollups"  ("org_id", "day") `);
    await queryRunner.query(`CREATE TABLE "printer_state_intervals" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "printer_id" uuid NOT NULL, "fleet_id" uuid, "state" character varying(24) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_a287d18d775b3447571426d74da" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "printer_state_intervals_open" ON "printer_state_intervals"  ("printer_id") WHERE "ended_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "printer_state_intervals_org_started" ON "printer_state_intervals"  ("org_id", "started_at") `);
    await queryRunner.query(`ALTER TABLE "print_jobs" ADD "tags" text array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`CREATE INDEX "print_attempts_org_ended" ON "print_attempts"  ("org_id", "ended_at") `);
    await queryRunner.query(`ALTER TABLE "report_settings" ADD CONSTRAINT "FK_1984425a8e396d72383f4f46670" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "report_daily_rollups" ADD CONSTRAINT "FK_e332b3f8f938f556b83ea1d2e68" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "printer_state_intervals" ADD CONSTRAINT "FK_a103df9f51a7c23bafc467c9452" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "printer_state_intervals" DROP CONSTRAINT "FK_a103df9f51a7c23bafc467c9452"`);
    await queryRunner.query(`ALTER TABLE "report_daily_rollups" DROP CONSTRAINT "FK_e332b3f8f938f556b83ea1d2e68"`);
    await queryRunner.query(`ALTER TABLE "report_settings" DROP CONSTRAINT "FK_1984425a8e396d72383f4f46670"`);
    await queryRunner.query(`DROP INDEX "public"."print_attempts_org_ended"`);
    await queryRunner.query(`ALTER TABLE "print_jobs" DROP COLUMN "tags"`);
    await queryRunner.query(`DROP INDEX "public"."printer_state_intervals_org_started"`);
    await queryRunner.query(`DROP INDEX "public"."printer_state_intervals_open"`);
    await queryRunner.query(`DROP TABLE "printer_state_intervals"`);
    await queryRunner.query(`DROP INDEX "public"."report_daily_rollups_org_day"`);
    await queryRunner.query(`DROP TABLE "report_daily_rollups"`);
    await queryRunner.query(`DROP TABLE "report_settings"`);
  }
}
