import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PrinterCredentials1795716481027 implements MigrationInterface {
  name = 'PrinterCredentials1795716481027';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "printer_credentials" ("id" character varying(16) NOT NULL, "org_id" uuid NOT NULL, "printer_id" uuid NOT NULL, "secret_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_e1092c36a2c5f3cfe2b4ba7e21e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "printer_credentials_printer" ON "printer_credentials"  ("printer_id") `);
    await queryRunner.query(`ALTER TABLE "printer_credentials" ADD CONSTRAINT "FK_390e31eaadcbdca9e301cc15235" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "printer_credentials" ADD CONSTRAINT "FK_cac1d0b6a9dc4c436882c99ad12" FOREIGN KEY ("printer_id") REFERENCES "printers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "printer_credentials" DROP CONSTRAINT "FK_cac1d0b6a9dc4c436882c99ad12"`);
    await queryRunner.query(`ALTER TABLE "printer_credentials" DROP CONSTRAINT "FK_390e31eaadcbdca9e301cc15235"`);
    await queryRunner.query(`DROP INDEX "public"."printer_credentials_printer"`);
    await queryRunner.query(`DROP TABLE "printer_credentials"`);
  }
}
