import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The filament spool inventory (libs/spools): spools, loaded per printer slot, and the usage of each print. */
export class Spools1795807316402 implements MigrationInterface {
  name = 'Spools1795807316402';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "spools" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL,
        "material" character varying(32) NOT NULL, "color_name" character varying(64), "color_hex" character varying(7),
        "vendor" character varying(80), "diameter_mm" real NOT NULL, "initial_grams" real NOT NULL,
        "remaining_grams" real NOT NULL, "cost_cents" integer, "location" character varying(80),
        "lot" character varying(80), "low_stock_grams" real NOT NULL DEFAULT 100, "printer_id" uuid, "slot" integer,
        "loaded_at" TIMESTAMP WITH TIME ZONE, "archived_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_spools_id" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "spools_org_created" ON "spools" ("org_id", "created_at") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "spools_printer_slot_unique" ON "spools" ("printer_id", "slot") WHERE printer_id IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "spools" ADD CONSTRAINT "FK_7d6899c6c2798a7d28403324c23" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "spool_usages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "org_id" uuid NOT NULL,
        "spool_id" uuid NOT NULL, "printer_id" uuid, "copy_id" uuid, "attempt" integer, "grams" real NOT NULL,
        "fraction" real NOT NULL, "outcome" character varying(16) NOT NULL,
        "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_spool_usages_id" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "spool_usages_spool_recorded" ON "spool_usages" ("spool_id", "recorded_at") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "spool_usages_attempt_unique" ON "spool_usages" ("copy_id", "attempt", "spool_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "spool_usages" ADD CONSTRAINT "FK_8d13449ca675c11ec98e3e359e8" FOREIGN KEY ("spool_id") REFERENCES "spools"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "spool_usages"`);
    await queryRunner.query(`DROP TABLE "spools"`);
  }
}
