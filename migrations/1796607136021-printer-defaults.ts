import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Defaults for new printers per organization and per fleet (libs/printers), applied when enrollment creates one. */
export class PrinterDefaults1796607136021 implements MigrationInterface {
  name = 'PrinterDefaults1796607136021';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "printer_defaults" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "fleet_id" uuid, "material" character varying(50), "auto_pause" boolean, "sensitivity" real, "frame_interval_seconds" integer, "bed_clear_gate" boolean, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8f3e38d0bf44001571c9273b40b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "printer_defaults_fleet_unique" ON "printer_defaults"  ("org_id", "fleet_id") WHERE fleet_id IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "printer_defaults_org_unique" ON "printer_defaults"  ("org_id") WHERE fleet_id IS NULL`);
    await queryRunner.query(`ALTER TABLE "printer_defaults" ADD CONSTRAINT "FK_5ff5f883983f13553a2e1bf8fc2" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "printer_defaults" ADD CONSTRAINT "FK_c0d2fa7a8672f2d3a5089d39936" FOREIGN KEY ("fleet_id") REFERENCES "fleets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "printer_defaults" DROP CONSTRAINT "FK_c0d2fa7a8672f2d3a5089d39936"`);
    await queryRunner.query(`ALTER TABLE "printer_defaults" DROP CONSTRAINT "FK_5ff5f883983f13553a2e1bf8fc2"`);
    await queryRunner.query(`DROP INDEX "public"."printer_defaults_org_unique"`);
    await queryRunner.query(`DROP INDEX "public"."printer_defaults_fleet_unique"`);
    await queryRunner.query(`DROP TABLE "printer_defaults"`);
  }
}
