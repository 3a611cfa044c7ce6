import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Enrollment1795717030089 implements MigrationInterface {
  name = 'Enrollment1795717030089';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "enrollment_pairings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "device_code_hash" character(64) NOT NULL, "user_code_hash" character(64) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_polled_at" TIMESTAMP WITH TIME ZONE, "poll_interval_seconds" smallint NOT NULL DEFAULT '5', "agent_version" character varying(64) NOT NULL, "agent_hostname" character varying(255) NOT NULL, "org_id" uuid, "printer_id" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "redeemed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4a062be1d7ee66657b8895b3681" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "enrollment_pairings_status_expires" ON "enrollment_pairings"  ("status", "expires_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "enrollment_pairings_pending_user_code" ON "enrollment_pairings"  ("user_code_hash") WHERE status = 'pending'`);
    await queryRunner.query(`CREATE UNIQUE INDEX "enrollment_pairings_device_code" ON "enrollment_pairings"  ("device_code_hash") `);
    await queryRunner.query(`CREATE TABLE "enrollment_tokens" ("id" character varying(16) NOT NULL, "org_id" uuid NOT NULL, "fleet_id" uuid NOT NULL, "printer_id" uuid, "token_hash" character(64) NOT NULL, "source" character varying(8) NOT NULL, "printer_name" character varying(100), "template" jsonb NOT NULL DEFAULT '{}', "octoprint_url" character varying(2048), "uses_allowed" integer NOT NULL, "uses_left" integer NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "enrollment_tokens_uses" CHECK ("uses_left" >= 0 AND "uses_left" <= "uses_allowed"), CONSTRAINT "PK_d9b043a74d8643fde7e6b948591" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "enrollment_tokens_printer" ON "enrollment_tokens"  ("printer_id") `);
    await queryRunner.query(`CREATE INDEX "enrollment_tokens_org_created" ON "enrollment_tokens"  ("org_id", "created_at") `);
    await queryRunner.query(`ALTER TABLE "enrollment_pairings" ADD CONSTRAINT "FK_165a86423d427c6f86019bce1b6" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "enrollment_pairings" ADD CONSTRAINT "FK_dc2b75b330e6453a923b6a2b460" FOREIGN KEY ("printer_id") REFERENCES "printers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "enrollment_tokens" ADD CONSTRAINT "FK_66ca48fae56a36539139416f4a8" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "enrollment_tokens" ADD CONSTRAINT "FK_0460f3a035a1b45a661bf5decf1" FOREIGN KEY ("fleet_id") REFERENCES "fleets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "enrollment_tokens" ADD CONSTRAINT "FK_6eefe491d009c2d5eba65dca75d" FOREIGN KEY ("printer_id") REFERENCES "printers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "enrollment_tokens" DROP CONSTRAINT "FK_6eefe491d009c2d5eba65dca75d"`);
    await queryRunner.query(`ALTER TABLE "enrollment_tokens" DROP CONSTRAINT "FK_0460f3a035a1b45a661bf5decf1"`);
    await queryRunner.query(`ALTER TABLE "enrollment_tokens" DROP CONSTRAINT "FK_66ca48fae56a36539139416f4a8"`);
    await queryRunner.query(`ALTER TABLE "enrollment_pairings" DROP CONSTRAINT "FK_dc2b75b330e6453a923b6a2b460"`);
    await queryRunner.query(`ALTER TABLE "enrollment_pairings" DROP CONSTRAINT "FK_165a86423d427c6f86019bce1b6"`);
    await queryRunner.query(`DROP INDEX "public"."enrollment_tokens_org_created"`);
    await queryRunner.query(`DROP INDEX "public"."enrollment_tokens_printer"`);
    await queryRunner.query(`DROP TABLE "enrollment_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."enrollment_pairings_device_code"`);
    await queryRunner.query(`DROP INDEX "public"."enrollment_pairings_pending_user_code"`);
    await queryRunner.query(`DROP INDEX "public"."enrollment_pairings_status_expires"`);
    await queryRunner.query(`DROP TABLE "enrollment_pairings"`);
  }
}
