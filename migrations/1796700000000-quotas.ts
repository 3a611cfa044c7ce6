import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Quotas (libs/reports): per-member or per-tag monthly limits on print hours or filament grams, checked on queuing. */
export class Quotas1796700000000 implements MigrationInterface {
  name = 'Quotas1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "report_quotas" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "scope" character varying(16) NOT NULL, "target" character varying(64) NOT NULL, "metric" character varying(24) NOT NULL, "limit" double precision NOT NULL, "period" character varying(16) NOT NULL DEFAULT 'month', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_report_quotas" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "report_quotas_org_scope_target_metric" ON "report_quotas"  ("org_id", "scope", "target", "metric") `);
    await queryRunner.query(`ALTER TABLE "report_quotas" ADD CONSTRAINT "FK_6fa27cd8948cc3ef73203e2bc96" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "report_quotas" DROP CONSTRAINT "FK_6fa27cd8948cc3ef73203e2bc96"`);
    await queryRunner.query(`DROP INDEX "public"."report_quotas_org_scope_target_metric"`);
    await queryRunner.query(`DROP TABLE "report_quotas"`);
  }
}
