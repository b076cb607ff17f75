import { MigrationInterface, QueryRunner } from 'typeorm';

export class RefundSources1796094540393 implements MigrationInterface {
  name = 'RefundSources1796094540393';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "payments"
            ADD "dispute_refunded_cents" integer NOT NULL DEFAULT '0'
        `);
    await queryRunner.query(`
            ALTER TABLE "payments"
            ADD "stripe_refunded_cents" integer NOT NULL DEFAULT '0'
        `);
    // Until now every refund came from dispute resolution.
    await queryRunner.query(`
            UPDATE payments SET dispute_refunded_cents = refunded_amount_cents
        `);
    await queryRunner.query(`
            ALTER TABLE "payments"
            ADD CONSTRAINT "payments_refunded_is_greatest" CHECK (
                    refunded_amount_cents = GREATEST(dispute_refunded_cents, stripe_refunded_cents)
                )
        `);
    await queryRunner.query(`
            ALTER TABLE "payments"
            ADD CONSTRAINT "payments_refund_sources_range" CHECK (
                    dispute_refunded_cents >= 0
                    AND stripe_refunded_cents >= 0
                )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "payments" DROP CONSTRAINT "payments_refund_sources_range"
        `);
    await queryRunner.query(`
            ALTER TABLE "payments" DROP CONSTRAINT "payments_refunded_is_greatest"
        `);
    await queryRunner.query(`
            ALTER TABLE "payments" DROP COLUMN "stripe_refunded_cents"
        `);
    await queryRunner.query(`
            ALTER TABLE "payments" DROP COLUMN "dispute_refunded_cents"
        `);
  }
}
