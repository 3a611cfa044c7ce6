import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1795724026578 implements MigrationInterface {
  name = 'Webhooks1795724026578';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "webhooks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "url" character varying(2048) NOT NULL, "events" text array NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "description" character varying(500), "secret_ciphertext" character varying(255) NOT NULL, "created_by" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_delivery_at" TIMESTAMP WITH TIME ZONE, "last_status" character varying(16), CONSTRAINT "PK_9e8795cfc899ab7bdaa831e8527" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "webhooks_org_created" ON "webhooks"  ("org_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "webhook_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "webhook_id" uuid NOT NULL, "event" character varying(64) NOT NULL, "payload" jsonb NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "response_status" integer, "error" character varying(1024), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "webhook_deliveries_pending" ON "webhook_deliveries"  ("created_at") WHERE status = 'pending'`);
    await queryRunner.query(`CREATE INDEX "webhook_deliveries_created" ON "webhook_deliveries"  ("created_at") `);
    await queryRunner.query(`CREATE INDEX "webhook_deliveries_webhook_created" ON "webhook_deliveries"  ("webhook_id", "created_at") `);
    await queryRunner.query(`ALTER TABLE "webhooks" ADD CONSTRAINT "FK_d15993f8952230f47d88d4d0653" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_a0286aeb96db651efd1ae2966f2" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_a0286aeb96db651efd1ae2966f2"`);
    await queryRunner.query(`ALTER TABLE "webhooks" DROP CONSTRAINT "FK_d15993f8952230f47d88d4d0653"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_webhook_created"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_created"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_pending"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."webhooks_org_created"`);
    await queryRunner.query(`DROP TABLE "webhooks"`);
  }
}
