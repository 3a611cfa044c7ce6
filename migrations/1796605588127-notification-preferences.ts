import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each member's personal notification preferences, and the notifications held for quiet hours or a digest. */
export class NotificationPreferences1796605588127 implements MigrationInterface {
  name = 'NotificationPreferences1796605588127';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "notification_preferences" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "user_id" uuid NOT NULL, "email_events" text array NOT NULL DEFAULT '{}', "push_events" text array NOT NULL DEFAULT '{}', "urgent_events" text array NOT NULL DEFAULT '{}', "fleet_ids" uuid array, "time_zone" character varying(64) NOT NULL DEFAULT 'UTC', "quiet_start" smallint, "quiet_end" smallint, "digest_hour" smallint, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e94e2b543f2f218ee68e4f4fad2" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "notification_preferences_org_user" ON "notification_preferences"  ("org_id", "user_id") `);
    await queryRunner.query(`CREATE TABLE "held_notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "user_id" uuid NOT NULL, "event" character varying(64) NOT NULL, "channel" character varying(8) NOT NULL, "reason" character varying(8) NOT NULL, "payload" jsonb NOT NULL, "release_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ecf6ef55e1e1d79a5cc145486ae" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "held_notifications_release" ON "held_notifications"  ("release_at") `);
    await queryRunner.query(`ALTER TABLE "notification_preferences" ADD CONSTRAINT "FK_a9371391ccf1685224a396da87b" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "notification_preferences" ADD CONSTRAINT "FK_64c90edc7310c6be7c10c96f675" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "held_notifications" ADD CONSTRAINT "FK_eb168ec6b9be3ed8c93c01dbe5e" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "held_notifications" DROP CONSTRAINT "FK_eb168ec6b9be3ed8c93c01dbe5e"`);
    await queryRunner.query(`ALTER TABLE "notification_preferences" DROP CONSTRAINT "FK_64c90edc7310c6be7c10c96f675"`);
    await queryRunner.query(`ALTER TABLE "notification_preferences" DROP CONSTRAINT "FK_a9371391ccf1685224a396da87b"`);
    await queryRunner.query(`DROP INDEX "public"."held_notifications_release"`);
    await queryRunner.query(`DROP TABLE "held_notifications"`);
    await queryRunner.query(`DROP INDEX "public"."notification_preferences_org_user"`);
    await queryRunner.query(`DROP TABLE "notification_preferences"`);
  }
}
