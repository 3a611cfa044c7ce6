import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Saved grid views: each person's own filters, sort and view mode, per organization (libs/dashboard). */
export class SavedViews1795862734918 implements MigrationInterface {
  name = 'SavedViews1795862734918';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "dashboard_saved_views" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "user_id" uuid NOT NULL, "name" character varying(60) NOT NULL, "query" character varying(1000) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f229157148d52ca4265ddefe729" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "dashboard_saved_views_owner_name" ON "dashboard_saved_views"  ("org_id", "user_id", "name") `);
    await queryRunner.query(`ALTER TABLE "dashboard_saved_views" ADD CONSTRAINT "FK_a4c70aa33602e5223daa5be7c27" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "dashboard_saved_views" ADD CONSTRAINT "FK_5d74121a878e31fed10c81fe316" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "dashboard_saved_views" DROP CONSTRAINT "FK_5d74121a878e31fed10c81fe316"`);
    await queryRunner.query(`ALTER TABLE "dashboard_saved_views" DROP CONSTRAINT "FK_a4c70aa33602e5223daa5be7c27"`);
    await queryRunner.query(`DROP INDEX "public"."dashboard_saved_views_owner_name"`);
    await queryRunner.query(`DROP TABLE "dashboard_saved_views"`);
  }
}
