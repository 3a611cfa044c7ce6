import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Notification channels (Slack, Discord, Telegram, ntfy, email), delivered through the webhook deliveries' rows. */
export class NotificationChannels1795800004817 implements MigrationInterface {
  name = 'NotificationChannels1795800004817';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "notification_channels" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "name" character varying(100) NOT NULL, "events" text array NOT NULL, "fleet_ids" uuid array, "enabled" boolean NOT NULL DEFAULT true, "settings" jsonb NOT NULL, "secret_ciphertext" character varying(4096), "created_by" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_delivery_at" TIMESTAMP WITH TIME ZONE, "last_status" character varying(16), CONSTRAINT "PK_3bc0cb5b60e8659f5fc859b2af0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "notification_channels_org_created" ON "notification_channels"  ("org_id", "created_at") `);
    await queryRunner.query(`ALTER TABLE "notification_channels" ADD CONSTRAINT "FK_5b54c3f2610e2f60fde48fb5c9f" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // A delivery goes to a webhook or to a channel, never both, never neither.
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD "channel_id" uuid`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ALTER COLUMN "webhook_id" DROP NOT NULL`);
    await queryRunner.query(`CREATE INDEX "webhook_deliveries_channel_created" ON "webhook_deliveries"  ("channel_id", "created_at") `);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_one_target" CHECK ((webhook_id IS NULL) <> (channel_id IS NULL))`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_482c35f14ca35950c3f03e4fedd" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "webhook_deliveries" WHERE "channel_id" IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_482c35f14ca35950c3f03e4fedd"`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_one_target"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_channel_created"`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ALTER COLUMN "webhook_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP COLUMN "channel_id"`);
    await queryRunner.query(`ALTER TABLE "notification_channels" DROP CONSTRAINT "FK_5b54c3f2610e2f60fde48fb5c9f"`);
    await queryRunner.query(`DROP INDEX "public"."notification_channels_org_created"`);
    await queryRunner.query(`DROP TABLE "notification_channels"`);
  }
}
