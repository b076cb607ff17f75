import { MigrationInterface, QueryRunner } from 'typeorm';

export class Payments1795412425036 implements MigrationInterface {
  name = 'Payments1795412425036';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "stripe_events" (
                "id" character varying(255) NOT NULL,
                "type" character varying(100) NOT NULL,
                "outcome" character varying(200) NOT NULL,
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_d3247bd5fc3f66b6982bbcdd897" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "payments" (
                "id" SERIAL NOT NULL,
                "order_id" integer NOT NULL,
                "stripe_tx_id" character varying(255) NOT NULL,
                "total_amount_cents" integer NOT NULL,
                "platform_fee_cents" integer NOT NULL,
                "platform_fee_percent" numeric(5, 2) NOT NULL,
                "currency" character(3) NOT NULL,
                "status" character varying(20) NOT NULL DEFAULT 'SUCCEEDED',
                "refunded_amount_cents" integer NOT NULL DEFAULT '0',
                "payment_date" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "payments_status_matches_refund" CHECK (
                    status = CASE
                        WHEN refunded_amount_cents = 0 THEN 'SUCCEEDED'
                        WHEN refunded_amount_cents < total_amount_cents THEN 'PARTIALLY_REFUNDED'
                        ELSE 'REFUNDED'
                    END
                ),
                CONSTRAINT "payments_currency_format" CHECK (currency ~ '^[A-Z]{3}$'),
                CONSTRAINT "payments_fee_percent_range" CHECK (
                    platform_fee_percent >= 0
                    AND platform_fee_percent <= 100
                ),
                CONSTRAINT "payments_refund_range" CHECK (
                    refunded_amount_cents >= 0
                    AND refunded_amount_cents <= total_amount_cents
                ),
                CONSTRAINT "payments_fee_range" CHECK (
                    platform_fee_cents >= 0
                    AND platform_fee_cents <= total_amount_cents
                ),
                CONSTRAINT "payments_total_positive" CHECK (total_amount_cents > 0),
                CONSTRAINT "PK_197ab7af18c93fbb0c9b28b4a59" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "payments_order_id_key" ON "payments" ("order_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "payments_stripe_tx_id_key" ON "payments" ("stripe_tx_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "payment_settings" (
                "id" smallint NOT NULL,
                "platform_fee_percent" numeric(5, 2) NOT NULL,
                "updated_by_user_id" integer,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "payment_settings_fee_percent_range" CHECK (
                    platform_fee_percent >= 0
                    AND platform_fee_percent <= 100
                ),
                CONSTRAINT "payment_settings_single_row" CHECK (id = 1),
                CONSTRAINT "PK_78624861ce2178d6835fb1d9fdf" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "payments"
            ADD CONSTRAINT "payments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "payment_settings"
            ADD CONSTRAINT "payment_settings_updated_by_user_id_fkey" FOREIGN KEY ("updated_by_user_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    // The one settings row; the fee starts at 10% until an admin changes it.
    await queryRunner.query(
      `INSERT INTO payment_settings (id, platform_fee_percent) VALUES (1, 10.00)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "payment_settings" DROP CONSTRAINT "payment_settings_updated_by_user_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "payments" DROP CONSTRAINT "payments_order_id_fkey"
        `);
    await queryRunner.query(`
            DROP TABLE "payment_settings"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."payments_stripe_tx_id_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."payments_order_id_key"
        `);
    await queryRunner.query(`
            DROP TABLE "payments"
        `);
    await queryRunner.query(`
            DROP TABLE "stripe_events"
        `);
  }
}
