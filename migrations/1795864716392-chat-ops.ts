import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ChatOps1795864716392 implements MigrationInterface {
  name = 'ChatOps1795864716392';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "chat_integrations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "platform" character varying(16) NOT NULL, "name" character varying(100) NOT NULL, "allowed_commands" text array NOT NULL, "rate_limit_per_minute" integer NOT NULL DEFAULT '60', "secret_ciphertext" character varying(512) NOT NULL, "created_by" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7e42c49e87beaf080dcb25df359" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "chat_integrations_org_created" ON "chat_integrations"  ("org_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "chat_accounts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "integration_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "platform_user_id" character varying(64) NOT NULL, "platform_user_name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_903040ca696df9b9d5c4e5e24fe" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "chat_accounts_membership" ON "chat_accounts"  ("membership_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "chat_accounts_integration_user_unique" ON "chat_accounts"  ("integration_id", "platform_user_id") `);
    await queryRunner.query(`CREATE TABLE "chat_link_codes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "code_hash" character(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_83aa160ae096dc59ba3b7d82880" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "chat_link_codes_membership" ON "chat_link_codes"  ("membership_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "chat_link_codes_hash_unique" ON "chat_link_codes"  ("code_hash") `);
    await queryRunner.query(`ALTER TABLE "chat_integrations" ADD CONSTRAINT "FK_6b645a52dbc9799d0983f038bb0" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "chat_accounts" ADD CONSTRAINT "FK_d5f86f4e0a9d6457430e4b4194f" FOREIGN KEY ("integration_id") REFERENCES "chat_integrations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "chat_accounts" ADD CONSTRAINT "FK_03af877f8b0002f5ce29ff684e9" FOREIGN KEY ("membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "chat_link_codes" ADD CONSTRAINT "FK_4d0ca9eabcc1d85dbe8952bfed7" FOREIGN KEY ("membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "chat_link_codes" DROP CONSTRAINT "FK_4d0ca9eabcc1d85dbe8952bfed7"`);
    await queryRunner.query(`ALTER TABLE "chat_accounts" DROP CONSTRAINT "FK_03af877f8b0002f5ce29ff684e9"`);
    await queryRunner.query(`ALTER TABLE "chat_accounts" DROP CONSTRAINT "FK_d5f86f4e0a9d6457430e4b4194f"`);
    await queryRunner.query(`ALTER TABLE "chat_integrations" DROP CONSTRAINT "FK_6b645a52dbc9799d0983f038bb0"`);
    await queryRunner.query(`DROP INDEX "public"."chat_link_codes_hash_unique"`);
    await queryRunner.query(`DROP INDEX "public"."chat_link_codes_membership"`);
    await queryRunner.query(`DROP TABLE "chat_link_codes"`);
    await queryRunner.query(`DROP INDEX "public"."chat_accounts_integration_user_unique"`);
    await queryRunner.query(`DROP INDEX "public"."chat_accounts_membership"`);
    await queryRunner.query(`DROP TABLE "chat_accounts"`);
    await queryRunner.query(`DROP INDEX "public"."chat_integrations_org_created"`);
    await queryRunner.query(`DROP TABLE "chat_integrations"`);
  }
}
