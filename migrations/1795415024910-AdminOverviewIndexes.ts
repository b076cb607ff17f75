import { MigrationInterface, QueryRunner } from 'typeorm';

export class AdminOverviewIndexes1795415024910 implements MigrationInterface {
  name = 'AdminOverviewIndexes1795415024910';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "orders_status_idx" ON "orders" ("status")
        `);
    await queryRunner.query(`
            CREATE INDEX "payments_payment_date_idx" ON "payments" ("payment_date")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."payments_payment_date_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."orders_status_idx"
        `);
  }
}
