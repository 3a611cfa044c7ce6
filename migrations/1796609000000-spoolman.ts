import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Spoolman interop (libs/spools): an organization's Spoolman server, mirrored spools, usage written there. */
export class Spoolman1796609000000 implements MigrationInterface {
  name = 'Spoolman1796609000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "spoolman_connections" ("org_id" uuid NOT NULL, "base_url" character varying(2048) NOT NULL,
        "auth_kind" character varying(8) NOT NULL, "username" character varying(200), "secret_ciphertext" text,
        "allow_private_network" boolean NOT NULL DEFAULT false, "last_sync_at" TIMESTAMP WITH TIME ZONE,
        "last_error" character varying(300), "last_error_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_spoolman_connections_org_id" PRIMARY KEY ("org_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "spoolman_connections" ADD CONSTRAINT "FK_494a26760c28484cc878bf06c79" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "spools" ADD "spoolman_id" integer`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "spools_org_spoolman_unique" ON "spools" ("org_id", "spoolman_id") WHERE spoolman_id IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "spool_usages" ADD "spoolman_state" character varying(16), ADD "spoolman_baseline_used" real,
        ADD "spoolman_tries" integer NOT NULL DEFAULT 0, ADD "spoolman_error" character varying(300),
        ADD "spoolman_sent_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `CREATE INDEX "spool_usages_spoolman_state" ON "spool_usages" ("org_id", "spoolman_state") WHERE spoolman_state IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "spool_usages_spoolman_state"`);
    await queryRunner.query(
      `ALTER TABLE "spool_usages" DROP COLUMN "spoolman_state", DROP COLUMN "spoolman_baseline_used",
        DROP COLUMN "spoolman_tries", DROP COLUMN "spoolman_error", DROP COLUMN "spoolman_sent_at"`,
    );
    await queryRunner.query(`DROP INDEX "spools_org_spoolman_unique"`);
    await queryRunner.query(`ALTER TABLE "spools" DROP COLUMN "spoolman_id"`);
    await queryRunner.query(`DROP TABLE "spoolman_connections"`);
  }
}
