import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where the model saw the failure: the alert's boxes (fractions of the frame, with their tile scores). */
export class AlertBoxes1795740000000 implements MigrationInterface {
  name = 'AlertBoxes1795740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "detection_alerts" ADD "boxes" jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "detection_alerts" DROP COLUMN "boxes"`);
  }
}
