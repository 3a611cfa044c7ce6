import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Detection1795723902944 implements MigrationInterface {
  name = 'Detection1795723902944';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "detection_frames" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "printer_id" uuid NOT NULL, "copy_id" uuid, "print_key" character varying(100), "taken_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "bytes" integer NOT NULL, "width" integer NOT NULL, "height" integer NOT NULL, "storage_path" character varying(300) NOT NULL, "score" real, "scored_at" TIMESTAMP WITH TIME ZONE, "inference_error" character varying(64), "kept" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_77c5884c2ff2e18e1747016933d" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "detection_frames_prunable" ON "detection_frames"  ("taken_at") WHERE kept = false`);
    await queryRunner.query(`CREATE INDEX "detection_frames_org_taken" ON "detection_frames"  ("org_id", "taken_at") `);
    await queryRunner.query(`CREATE INDEX "detection_frames_printer_taken" ON "detection_frames"  ("printer_id", "taken_at") `);
    await queryRunner.query(`CREATE TABLE "detection_alerts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "printer_id" uuid NOT NULL, "copy_id" uuid, "print_key" character varying(100), "frame_id" uuid, "level" character varying(16) NOT NULL, "state" character varying(16) NOT NULL DEFAULT 'open', "score" real NOT NULL, "pause_requested_at" TIMESTAMP WITH TIME ZONE, "paused" boolean NOT NULL DEFAULT false, "pause_error" character varying(200), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "resolved_at" TIMESTAMP WITH TIME ZONE, "resolved_by" character varying(320), CONSTRAINT "PK_3b18228da38c81d8146988ed210" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "detection_alerts_org_created" ON "detection_alerts"  ("org_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "detection_alerts_printer_created" ON "detection_alerts"  ("printer_id", "created_at") `);
    await queryRunner.query(`ALTER TABLE "detection_frames" ADD CONSTRAINT "FK_8f1eb9220b0e43ff9004894420c" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "detection_frames" ADD CONSTRAINT "FK_c6b3b6697ca5d4aa4fcf4915d0a" FOREIGN KEY ("printer_id") REFERENCES "printers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "detection_alerts" ADD CONSTRAINT "FK_a1d1b6db97223cff4db68541f32" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "detection_alerts" ADD CONSTRAINT "FK_2d58e683e5d1482f14a7b0f5509" FOREIGN KEY ("printer_id") REFERENCES "printers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "detection_alerts" ADD CONSTRAINT "FK_e7dd3115698aaef3be1beaf22cb" FOREIGN KEY ("frame_id") REFERENCES "detection_frames"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "detection_alerts" DROP CONSTRAINT "FK_e7dd3115698aaef3be1beaf22cb"`);
    await queryRunner.query(`ALTER TABLE "detection_alerts" DROP CONSTRAINT "FK_2d58e683e5d1482f14a7b0f5509"`);
    await queryRunner.query(`ALTER TABLE "detection_alerts" DROP CONSTRAINT "FK_a1d1b6db97223cff4db68541f32"`);
    await queryRunner.query(`ALTER TABLE "detection_frames" DROP CONSTRAINT "FK_c6b3b6697ca5d4aa4fcf4915d0a"`);
    await queryRunner.query(`ALTER TABLE "detection_frames" DROP CONSTRAINT "FK_8f1eb9220b0e43ff9004894420c"`);
    await queryRunner.query(`DROP INDEX "public"."detection_alerts_printer_created"`);
    await queryRunner.query(`DROP INDEX "public"."detection_alerts_org_created"`);
    await queryRunner.query(`DROP TABLE "detection_alerts"`);
    await queryRunner.query(`DROP INDEX "public"."detection_frames_printer_taken"`);
    await queryRunner.query(`DROP INDEX "public"."detection_frames_org_taken"`);
    await queryRunner.query(`DROP INDEX "public"."detection_frames_prunable"`);
    await queryRunner.query(`DROP TABLE "detection_frames"`);
  }
}
