import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18, WebAuthn passkeys: each account's credential public keys (COSE), their signature counters (clone
 * detection) and names. No secret is stored: a passkey's private key never leaves the authenticator.
 */
export class Passkeys1795870000000 implements MigrationInterface {
  name = 'Passkeys1795870000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "passkey_credentials" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "credential_id" character varying(1400) NOT NULL, "public_key" bytea NOT NULL, "counter" bigint NOT NULL DEFAULT '0', "transports" text array, "name" character varying(100) NOT NULL, "device_type" character varying(16) NOT NULL, "backed_up" boolean NOT NULL, "last_used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_passkey_credentials" PRIMARY KEY ("id"), CONSTRAINT "FK_91cd69b8ae1aead8f3ff989f5aa" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(`CREATE INDEX "passkey_credentials_user" ON "passkey_credentials" ("user_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "passkey_credentials_credential_id_unique" ON "passkey_credentials" ("credential_id") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "passkey_credentials"`);
  }
}
