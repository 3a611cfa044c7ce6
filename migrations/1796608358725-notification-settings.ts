import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An organization's notification settings (the bed-waiting time of `bed.waiting`). */
export class NotificationSettings1796608358725 implements MigrationInterface {
  name = 'NotificationSettings1796608358725';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "notification_settings" ("org_id" uuid NOT NULL, "bed_waiting_minutes" smallint NOT NULL DEFAULT '15', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_270ba4212fcebcde41c6a21fd48" PRIMARY KEY ("org_id"))`);
    await queryRunner.query(`ALTER TABLE "notification_settings" ADD CONSTRAINT "FK_270ba4212fcebcde41c6a21fd48" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notification_settings" DROP CONSTRAINT "FK_270ba4212fcebcde41c6a21fd48"`);
    await queryRunner.query(`DROP TABLE "notification_settings"`);
  }
}
