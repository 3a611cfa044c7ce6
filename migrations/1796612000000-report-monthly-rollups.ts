import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports (libs/reports): rollups per month, fleet and one dimension (printer, member, material, failure, tag), so a
 * report reads small tables instead of the daily rows (nearly one per print). Filled here from the daily rollups
 * already written (the same sums the worker writes on each rebuild); afterwards the worker keeps them.
 */
export class ReportMonthlyRollups1796612000000 implements MigrationInterface {
  name = 'ReportMonthlyRollups1796612000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "report_monthly_rollups" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "month" date NOT NULL, "dimension" character varying(16) NOT NULL, "group_key" text NOT NULL, "detail" character varying(64) NOT NULL DEFAULT '', "fleet_id" uuid, "printer_id" uuid, "model" character varying(100), "prints" integer NOT NULL, "done" integer NOT NULL, "bad" integer NOT NULL, "failed" integer NOT NULL, "cancelled" integer NOT NULL, "print_seconds" double precision NOT NULL, "bed_clear_seconds" double precision NOT NULL, "filament_grams" double precision NOT NULL, "material_cents" double precision NOT NULL, CONSTRAINT "PK_report_monthly_rollups" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "report_monthly_rollups_org_month" ON "report_monthly_rollups"  ("org_id", "month") `);
    await queryRunner.query(`ALTER TABLE "report_monthly_rollups" ADD CONSTRAINT "FK_a5b6d748919c3a5d68d8ad536b3" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    const sums = `SUM(r.prints)::int, COALESCE(SUM(r.prints) FILTER (WHERE r.result = 'done'), 0)::int,
      COALESCE(SUM(r.prints) FILTER (WHERE r.result = 'bad'), 0)::int,
      COALESCE(SUM(r.prints) FILTER (WHERE r.result = 'failed'), 0)::int,
      COALESCE(SUM(r.prints) FILTER (WHERE r.result = 'cancelled'), 0)::int,
      SUM(r.print_seconds)::float8, SUM(r.bed_clear_seconds)::float8, SUM(r.filament_grams)::float8,
      SUM(r.material_cents)::float8`;
    const source = `(SELECT r.*, lower(p.model) AS model FROM report_daily_rollups r LEFT JOIN printers p ON p.id = r.printer_id)`;
    await queryRunner.query(`INSERT INTO report_monthly_rollups (org_id, month, dimension, group_key, detail, fleet_id,
        printer_id, model, prints, done, bad, failed, cancelled, print_seconds, bed_clear_seconds, filament_grams,
        material_cents)
      SELECT r.org_id, date_trunc('month', r.day::timestamp)::date,
             CASE WHEN GROUPING(r.printer_id) = 0 THEN 'printer' WHEN GROUPING(r.member_id) = 0 THEN 'member'
                  WHEN GROUPING(r.material) = 0 THEN 'material' ELSE 'failure' END,
             CASE WHEN GROUPING(r.printer_id) = 0 THEN COALESCE(r.printer_id::text, '')
                  WHEN GROUPING(r.member_id) = 0 THEN r.member_id
                  WHEN GROUPING(r.material) = 0 THEN r.material ELSE r.failure_reason END,
             CASE WHEN GROUPING(r.material) = 0 THEN r.color ELSE '' END,
             r.fleet_id, r.printer_id, r.model, ${sums}
        FROM ${source} r
       GROUP BY r.org_id, date_trunc('month', r.day::timestamp), r.fleet_id,
                GROUPING SETS ((r.printer_id), (r.member_id, r.model), (r.material, r.color, r.model), (r.failure_reason))
      UNION ALL
      SELECT r.org_id, date_trunc('month', r.day::timestamp)::date, 'tag', tag, '', r.fleet_id, NULL::uuid, r.model, ${sums}
        FROM ${source} r CROSS JOIN LATERAL unnest(r.tags) tag
       GROUP BY r.org_id, date_trunc('month', r.day::timestamp), tag, r.fleet_id, r.model`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "report_monthly_rollups" DROP CONSTRAINT "FK_a5b6d748919c3a5d68d8ad536b3"`);
    await queryRunner.query(`DROP INDEX "public"."report_monthly_rollups_org_month"`);
    await queryRunner.query(`DROP TABLE "report_monthly_rollups"`);
  }
}
