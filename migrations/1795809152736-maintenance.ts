import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Maintenance (libs/maintenance): tasks, their completions, and each printer's lifetime counters, backfilled here
 * from the print history so that tasks count prints made before this release.
 */
export class Maintenance1795809152736 implements MigrationInterface {
  name = 'Maintenance1795809152736';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "maintenance_tasks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL,
        "name" character varying(120) NOT NULL, "printer_id" uuid, "printer_model" character varying(128),
        "interval_kind" character varying(16) NOT NULL, "interval_value" real NOT NULL,
        "hold_when_overdue" boolean NOT NULL DEFAULT false, "checklist" text array NOT NULL DEFAULT '{}',
        "archived_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_maintenance_tasks_id" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "maintenance_tasks_org_created" ON "maintenance_tasks" ("org_id", "created_at") `);
    await queryRunner.query(
      `CREATE TABLE "maintenance_completions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL,
        "task_id" uuid NOT NULL, "printer_id" uuid NOT NULL, "completed_by" character varying(64),
        "notes" character varying(2000), "checklist" jsonb NOT NULL DEFAULT '[]',
        "print_seconds" double precision NOT NULL, "filament_grams" double precision NOT NULL,
        "prints" integer NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_maintenance_completions_id" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "maintenance_completions_task_printer" ON "maintenance_completions" ("task_id", "printer_id", "completed_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "maintenance_completions_printer" ON "maintenance_completions" ("printer_id", "completed_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "printer_usage_totals" ("printer_id" uuid NOT NULL, "org_id" uuid NOT NULL,
        "print_seconds" double precision NOT NULL DEFAULT '0', "filament_grams" double precision NOT NULL DEFAULT '0',
        "prints" integer NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_printer_usage_totals_printer_id" PRIMARY KEY ("printer_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "maintenance_tasks" ADD CONSTRAINT "FK_e458f23d4801506cfb08725d99b" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "maintenance_completions" ADD CONSTRAINT "FK_76c8602941453e0aef5cbd9d83b" FOREIGN KEY ("task_id") REFERENCES "maintenance_tasks"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Backfill: every print that started and ended, as the counters would have counted it.
    await queryRunner.query(
      `INSERT INTO printer_usage_totals (printer_id, org_id, print_seconds, filament_grams, prints)
       SELECT printer_id, org_id, SUM(GREATEST(0, EXTRACT(EPOCH FROM ended_at - started_at))),
              SUM(COALESCE(filament_grams, 0)), COUNT(*)
         FROM print_attempts
        WHERE printer_id IS NOT NULL AND started_at IS NOT NULL AND ended_at IS NOT NULL
        GROUP BY printer_id, org_id`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "printer_usage_totals"`);
    await queryRunner.query(`DROP TABLE "maintenance_completions"`);
    await queryRunner.query(`DROP TABLE "maintenance_tasks"`);
  }
}
