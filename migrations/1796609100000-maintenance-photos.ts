import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Photos on maintenance records (libs/maintenance): re-encoded JPEGs under DATA_DIR/maintenance, 1 to 5 each. */
export class MaintenancePhotos1796609100000 implements MigrationInterface {
  name = 'MaintenancePhotos1796609100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "maintenance_photos" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL,
        "completion_id" uuid NOT NULL, "printer_id" uuid NOT NULL, "path" character varying(200) NOT NULL,
        "width" integer NOT NULL, "height" integer NOT NULL, "bytes" integer NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_maintenance_photos_id" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "maintenance_photos_completion" ON "maintenance_photos" ("completion_id", "created_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "maintenance_photos" ADD CONSTRAINT "FK_0973339cc5e5c242509cf239eca" FOREIGN KEY ("completion_id") REFERENCES "maintenance_completions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "maintenance_photos"`);
  }
}
