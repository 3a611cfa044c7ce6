import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17 loose end: an email channel delivery records each address's outcome, so a retry after one address was
 * refused mails only the addresses not yet accepted (the others got theirs on the first try).
 */
export class EmailRecipientOutcomes1795880000000 implements MigrationInterface {
  name = 'EmailRecipientOutcomes1795880000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD "recipients" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP COLUMN "recipients"`);
  }
}
