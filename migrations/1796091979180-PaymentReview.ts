import { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentReview1796091979180 implements MigrationInterface {
  name = 'PaymentReview1796091979180';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "payments"
            ADD "needs_review" boolean NOT NULL DEFAULT false
        `);
    await queryRunner.query(`
            ALTER TABLE "payments"
            ADD "review_reason" text
        `);
    // Payments recorded before the review rule, with the sentence the rule writes
    // (reviewOnRecording). Whether their order was CANCELLED when they arrived is not known
    // any more, so only the amount and the currency are checked; orders are priced in EUR.
    await queryRunner.query(`
            UPDATE payments p
            SET needs_review = true,
                review_reason = format(
                    'Paid %s %s, but the order is for %s EUR.',
                    to_char(p.total_amount_cents / 100.0, 'FM9999999990.00'),
                    p.currency,
                    to_char(o.final_price_cents / 100.0, 'FM9999999990.00')
                )
            FROM orders o
            WHERE o.id = p.order_id
                AND (p.total_amount_cents <> o.final_price_cents OR p.currency <> 'EUR')
        `);
    await queryRunner.query(`
            CREATE INDEX "payments_review_queue_idx" ON "payments" ("id")
            WHERE needs_review
        `);
    await queryRunner.query(`
            ALTER TABLE "payments"
            ADD CONSTRAINT "payments_review_reason_given" CHECK (needs_review = (review_reason IS NOT NULL))
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "payments" DROP CONSTRAINT "payments_review_reason_given"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."payments_review_queue_idx"
        `);
    await queryRunner.query(`
            ALTER TABLE "payments" DROP COLUMN "review_reason"
        `);
    await queryRunner.query(`
            ALTER TABLE "payments" DROP COLUMN "needs_review"
        `);
  }
}
