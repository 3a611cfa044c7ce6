import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `maintenance.due` sent once per (task, printer, interval, level) (libs/maintenance): a row is the durable "told";
 * an interval starts at the pair's last completion (epoch when never done), so completing the task starts a new one.
 */
export class MaintenanceDueNotices1796609200000 implements MigrationInterface {
  name = 'MaintenanceDueNotices1796609200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "maintenance_due_notices" ("task_id" uuid NOT NULL, "printer_id" uuid NOT NULL,
        "interval_started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "level" character varying(8) NOT NULL,
        "notified_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_maintenance_due_notices" PRIMARY KEY ("task_id", "printer_id", "interval_started_at", "level"),
        CONSTRAINT "FK_maintenance_due_notices_task" FOREIGN KEY ("task_id") REFERENCES "maintenance_tasks"("id")
          ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "maintenance_due_notices"`);
  }
}
