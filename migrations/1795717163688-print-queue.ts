import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PrintQueue1795717163688 implements MigrationInterface {
  name = 'PrintQueue1795717163688';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "gcode_files" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "name" character varying(255) NOT NULL, "sha256" character(64) NOT NULL, "size_bytes" bigint NOT NULL, "line_count" integer NOT NULL DEFAULT '0', "metadata" jsonb NOT NULL, "thumbnails" jsonb NOT NULL DEFAULT '[]', "uploaded_by" character varying(64), "uploaded_by_label" character varying(320) NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_61253784f8b9ff97cebf4054a18" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "gcode_files_sha256" ON "gcode_files"  ("sha256") `);
    await queryRunner.query(`CREATE INDEX "gcode_files_org_created" ON "gcode_files"  ("org_id", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "gcode_files_org_sha256_unique" ON "gcode_files"  ("org_id", "sha256") WHERE deleted_at IS NULL`);
    await queryRunner.query(`CREATE TABLE "print_jobs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "file_id" uuid NOT NULL, "name" character varying(255) NOT NULL, "copies" integer NOT NULL, "priority" integer NOT NULL DEFAULT '0', "position" double precision NOT NULL, "material" character varying(50), "nozzle_diameter" real, "min_build_x" real, "min_build_y" real, "min_build_z" real, "fleet_ids" uuid array NOT NULL DEFAULT '{}', "required_tags" text array NOT NULL DEFAULT '{}', "earliest_start_at" TIMESTAMP WITH TIME ZONE, "notes" text NOT NULL DEFAULT '', "held" boolean NOT NULL DEFAULT false, "cancelled_at" TIMESTAMP WITH TIME ZONE, "created_by" character varying(64), "created_by_label" character varying(320) NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a581cb9acbf52d919f86445434e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "print_jobs_file" ON "print_jobs"  ("file_id") `);
    await queryRunner.query(`CREATE INDEX "print_jobs_org_order" ON "print_jobs"  ("org_id", "priority", "position") `);
    await queryRunner.query(`CREATE INDEX "print_jobs_org_created" ON "print_jobs"  ("org_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "print_copies" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "job_id" uuid NOT NULL, "number" integer NOT NULL, "state" character varying(24) NOT NULL DEFAULT 'queued', "printer_id" uuid, "attempt" integer NOT NULL DEFAULT '0', "lost" boolean NOT NULL DEFAULT false, "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "assigned_at" TIMESTAMP WITH TIME ZONE, "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "cleared_at" TIMESTAMP WITH TIME ZONE, "outcome" character varying(8), "failure_reason" character varying(64), "failure_detail" character varying(500), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_51471427b6672324c4cf6d287d6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "print_copies_org_state" ON "print_copies"  ("org_id", "state") `);
    await queryRunner.query(`CREATE INDEX "print_copies_queued" ON "print_copies"  ("org_id", "job_id", "number") WHERE state = 'queued'`);
    await queryRunner.query(`CREATE UNIQUE INDEX "print_copies_printer_active_unique" ON "print_copies"  ("printer_id") WHERE state IN ('assigned', 'uploading', 'printing', 'awaiting_bed_clear')`);
    await queryRunner.query(`CREATE UNIQUE INDEX "print_copies_job_number_unique" ON "print_copies"  ("job_id", "number") `);
    await queryRunner.query(`CREATE TABLE "print_attempts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "copy_id" uuid NOT NULL, "job_id" uuid NOT NULL, "printer_id" uuid, "fleet_id" uuid, "attempt" integer NOT NULL, "state" character varying(24) NOT NULL, "assigned_at" TIMESTAMP WITH TIME ZONE NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, "outcome" character varying(8), "failure_reason" character varying(64), "filament_mm" real, "filament_grams" real, CONSTRAINT "PK_20fee6faa3dd2c17faae57aa255" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "print_attempts_org_assigned" ON "print_attempts"  ("org_id", "assigned_at") `);
    await queryRunner.query(`CREATE INDEX "print_attempts_printer_assigned" ON "print_attempts"  ("printer_id", "assigned_at") `);
    await queryRunner.query(`CREATE INDEX "print_attempts_fleet_assigned" ON "print_attempts"  ("fleet_id", "assigned_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "print_attempts_copy_attempt_unique" ON "print_attempts"  ("copy_id", "attempt") `);
    await queryRunner.query(`CREATE TABLE "printer_beds" ("printer_id" uuid NOT NULL, "org_id" uuid NOT NULL, "clear" boolean NOT NULL DEFAULT true, "copy_id" uuid, "reason" character varying(64), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e61295734b21738ac0ebce19907" PRIMARY KEY ("printer_id"))`);
    await queryRunner.query(`ALTER TABLE "gcode_files" ADD CONSTRAINT "FK_1c5def1aefaa3ad76c2e7e6e75b" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "print_jobs" ADD CONSTRAINT "FK_bec453d1e71cc2960790e2e0862" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "print_jobs" ADD CONSTRAINT "FK_3b7c35e576737e78e2aa34f5618" FOREIGN KEY ("file_id") REFERENCES "gcode_files"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "print_copies" ADD CONSTRAINT "FK_4c70d2a72732b22772e8f8b1f00" FOREIGN KEY ("job_id") REFERENCES "print_jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "print_copies" ADD CONSTRAINT "FK_ac9c06fb9f65a1c613a6073d909" FOREIGN KEY ("printer_id") REFERENCES "printers"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "print_attempts" ADD CONSTRAINT "FK_4679c4aa986857a5df9e43f87ac" FOREIGN KEY ("copy_id") REFERENCES "print_copies"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "printer_beds" ADD CONSTRAINT "FK_e61295734b21738ac0ebce19907" FOREIGN KEY ("printer_id") REFERENCES "printers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "printer_beds" DROP CONSTRAINT "FK_e61295734b21738ac0ebce19907"`);
    await queryRunner.query(`ALTER TABLE "print_attempts" DROP CONSTRAINT "FK_4679c4aa986857a5df9e43f87ac"`);
    await queryRunner.query(`ALTER TABLE "print_copies" DROP CONSTRAINT "FK_ac9c06fb9f65a1c613a6073d909"`);
    await queryRunner.query(`ALTER TABLE "print_copies" DROP CONSTRAINT "FK_4c70d2a72732b22772e8f8b1f00"`);
    await queryRunner.query(`ALTER TABLE "print_jobs" DROP CONSTRAINT "FK_3b7c35e576737e78e2aa34f5618"`);
    await queryRunner.query(`ALTER TABLE "print_jobs" DROP CONSTRAINT "FK_bec453d1e71cc2960790e2e0862"`);
    await queryRunner.query(`ALTER TABLE "gcode_files" DROP CONSTRAINT "FK_1c5def1aefaa3ad76c2e7e6e75b"`);
    await queryRunner.query(`DROP TABLE "printer_beds"`);
    await queryRunner.query(`DROP INDEX "public"."print_attempts_copy_attempt_unique"`);
    await queryRunner.query(`DROP INDEX "public"."print_attempts_fleet_assigned"`);
    await queryRunner.query(`DROP INDEX "public"."print_attempts_printer_assigned"`);
    await queryRunner.query(`DROP INDEX "public"."print_attempts_org_assigned"`);
    await queryRunner.query(`DROP TABLE "print_attempts"`);
    await queryRunner.query(`DROP INDEX "public"."print_copies_job_number_unique"`);
    await queryRunner.query(`DROP INDEX "public"."print_copies_printer_active_unique"`);
    await queryRunner.query(`DROP INDEX "public"."print_copies_queued"`);
    await queryRunner.query(`DROP INDEX "public"."print_copies_org_state"`);
    await queryRunner.query(`DROP TABLE "print_copies"`);
    await queryRunner.query(`DROP INDEX "public"."print_jobs_org_created"`);
    await queryRunner.query(`DROP INDEX "public"."print_jobs_org_order"`);
    await queryRunner.query(`DROP INDEX "public"."print_jobs_file"`);
    await queryRunner.query(`DROP TABLE "print_jobs"`);
    await queryRunner.query(`DROP INDEX "public"."gcode_files_org_sha256_unique"`);
    await queryRunner.query(`DROP INDEX "public"."gcode_files_org_created"`);
    await queryRunner.query(`DROP INDEX "public"."gcode_files_sha256"`);
    await queryRunner.query(`DROP TABLE "gcode_files"`);
  }
}
