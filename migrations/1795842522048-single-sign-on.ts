import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 18: an organization's OpenID Connect provider and the accounts linked to people at it. */
export class SingleSignOn1795842522048 implements MigrationInterface {
  name = 'SingleSignOn1795842522048';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "sso_providers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "slug" character varying(63) NOT NULL, "display_name" character varying(60) NOT NULL, "issuer_url" character varying(2048) NOT NULL, "client_id" character varying(255) NOT NULL, "client_secret_ciphertext" character varying(1024) NOT NULL, "allowed_domains" text array NOT NULL, "default_role" character varying(16) NOT NULL, "default_fleet_ids" uuid array, "group_claim" character varying(100), "group_roles" jsonb, "enabled" boolean NOT NULL DEFAULT true, "require_sso" boolean NOT NULL DEFAULT false, "break_glass_user_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_348feeee9ed68f9161a2f5ffeb0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "sso_providers_slug_unique" ON "sso_providers"  ("slug") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "sso_providers_org_unique" ON "sso_providers"  ("org_id") `);
    await queryRunner.query(`CREATE TABLE "sso_identities" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL, "provider_id" uuid NOT NULL, "subject" character varying(255) NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_sign_in_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_a8d11d478e6dc2743d407a7456a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "sso_identities_user" ON "sso_identities"  ("user_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "sso_identities_provider_subject_unique" ON "sso_identities"  ("provider_id", "subject") `);
    await queryRunner.query(`ALTER TABLE "sso_providers" ADD CONSTRAINT "FK_d5ba70bd15eddcc40a88766e396" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "sso_providers" ADD CONSTRAINT "FK_a34d2349d2b07c1733269ce5781" FOREIGN KEY ("break_glass_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "sso_identities" ADD CONSTRAINT "FK_062982ae06ecc0b42eb55b3eaaf" FOREIGN KEY ("provider_id") REFERENCES "sso_providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "sso_identities" ADD CONSTRAINT "FK_17b0ed9f37917807a7072f71f96" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sso_identities"`);
    await queryRunner.query(`DROP TABLE "sso_providers"`);
  }
}
