import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PushSubscriptions1796605578446 implements MigrationInterface {
  name = 'PushSubscriptions1796605578446';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "push_subscriptions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "user_id" uuid NOT NULL, "endpoint" character varying(2048) NOT NULL, "p256dh" character varying(100) NOT NULL, "auth" character varying(32) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_757fc8f00c34f66832668dc2e53" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "push_subscriptions_owner_endpoint" ON "push_subscriptions"  ("org_id", "user_id", "endpoint") `);
    await queryRunner.query(`ALTER TABLE "push_subscriptions" ADD CONSTRAINT "FK_753595cb83a1a2c1f1eeed503ef" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "push_subscriptions" ADD CONSTRAINT "FK_6771f119f1c06d2ccf38f238664" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "push_subscriptions" DROP CONSTRAINT "FK_6771f119f1c06d2ccf38f238664"`);
    await queryRunner.query(`ALTER TABLE "push_subscriptions" DROP CONSTRAINT "FK_753595cb83a1a2c1f1eeed503ef"`);
    await queryRunner.query(`DROP INDEX "public"."push_subscriptions_owner_endpoint"`);
    await queryRunner.query(`DROP TABLE "push_subscriptions"`);
  }
}
