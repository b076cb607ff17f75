import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the platform does by itself (a timer) is in the status history too: no user, and a
 * reason (AUTO_COMPLETED, CANCELLATION_EXPIRED). A person's change keeps its user.
 */
export class PlatformHistory1796700000000 implements MigrationInterface {
  name = 'PlatformHistory1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "order_status_history"
            ADD "reason" character varying(40)
        `);
    await queryRunner.query(`
            ALTER TABLE "order_status_history" DROP CONSTRAINT "order_status_history_changed_by_user_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "order_status_history"
            ALTER COLUMN "changed_by_user_id" DROP NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "order_status_history"
            ADD CONSTRAINT "order_status_history_by_someone_or_a_reason" CHECK (
                    changed_by_user_id IS NOT NULL
                    OR reason IS NOT NULL
                )
        `);
    await queryRunner.query(`
            ALTER TABLE "order_status_history"
            ADD CONSTRAINT "order_status_history_changed_by_user_id_fkey" FOREIGN KEY ("changed_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "order_status_history" DROP CONSTRAINT "order_status_history_changed_by_user_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "order_status_history" DROP CONSTRAINT "order_status_history_by_someone_or_a_reason"
        `);
    await queryRunner.query(`
            ALTER TABLE "order_status_history"
            ALTER COLUMN "changed_by_user_id"
            SET NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "order_status_history"
            ADD CONSTRAINT "order_status_history_changed_by_user_id_fkey" FOREIGN KEY ("changed_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "order_status_history" DROP COLUMN "reason"
        `);
  }
}
