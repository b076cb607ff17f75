import { MigrationInterface, QueryRunner } from 'typeorm';

export class OrdersMessagesDisputes1795411530046 implements MigrationInterface {
  name = 'OrdersMessagesDisputes1795411530046';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "orders" (
                "id" SERIAL NOT NULL,
                "buyer_id" integer NOT NULL,
                "seller_id" integer NOT NULL,
                "item_id" integer NOT NULL,
                "final_price_cents" integer NOT NULL,
                "status" character varying(20) NOT NULL DEFAULT 'PENDING',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "orders_not_own_item" CHECK (buyer_id <> seller_id),
                CONSTRAINT "orders_status_known" CHECK (
                    status IN (
                        'PENDING',
                        'IN_PROGRESS',
                        'COMPLETED',
                        'CANCELLED'
                    )
                ),
                CONSTRAINT "orders_final_price_range" CHECK (
                    final_price_cents > 0
                    AND final_price_cents <= 100000000
                ),
                CONSTRAINT "PK_710e2d4957aa5878dfe94e4ac2f" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "orders_item_id_idx" ON "orders" ("item_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "orders_seller_id_status_id_idx" ON "orders" ("seller_id", "status", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "orders_buyer_id_status_id_idx" ON "orders" ("buyer_id", "status", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "orders_seller_id_id_idx" ON "orders" ("seller_id", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "orders_buyer_id_id_idx" ON "orders" ("buyer_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "order_status_history" (
                "id" SERIAL NOT NULL,
                "order_id" integer NOT NULL,
                "status" character varying(20) NOT NULL,
                "changed_by_user_id" integer NOT NULL,
                "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "order_status_history_status_known" CHECK (
                    status IN (
                        'PENDING',
                        'IN_PROGRESS',
                        'COMPLETED',
                        'CANCELLED'
                    )
                ),
                CONSTRAINT "PK_e6c66d853f155531985fc4f6ec8" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "order_status_history_changed_by_user_id_idx" ON "order_status_history" ("changed_by_user_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "order_status_history_order_id_id_idx" ON "order_status_history" ("order_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "order_messages" (
                "id" SERIAL NOT NULL,
                "order_id" integer NOT NULL,
                "sender_id" integer NOT NULL,
                "content" text NOT NULL,
                "sent_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "order_messages_content_length" CHECK (
                    char_length(content) BETWEEN 1 AND 5000
                ),
                CONSTRAINT "PK_25d8eb6fb6e1ccb6b33e034ee28" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "order_messages_sender_id_idx" ON "order_messages" ("sender_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "order_messages_order_id_id_idx" ON "order_messages" ("order_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "disputes" (
                "id" SERIAL NOT NULL,
                "order_id" integer NOT NULL,
                "created_by_user_id" integer NOT NULL,
                "reason" character varying(500) NOT NULL,
                "status" character varying(10) NOT NULL DEFAULT 'OPEN',
                "resolution" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "closed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "disputes_closed_consistent" CHECK (
                    (
                        status = 'OPEN'
                        AND closed_at IS NULL
                    )
                    OR (
                        status = 'CLOSED'
                        AND closed_at IS NOT NULL
                    )
                ),
                CONSTRAINT "disputes_reason_length" CHECK (
                    char_length(reason) BETWEEN 1 AND 500
                ),
                CONSTRAINT "disputes_status_known" CHECK (status IN ('OPEN', 'CLOSED')),
                CONSTRAINT "PK_3c97580d01c1a4b0b345c42a107" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "disputes_created_by_user_id_idx" ON "disputes" ("created_by_user_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "disputes_order_id_id_idx" ON "disputes" ("order_id", "id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "disputes_one_open_per_order" ON "disputes" ("order_id")
            WHERE status = 'OPEN'
        `);
    await queryRunner.query(`
            ALTER TABLE "orders"
            ADD CONSTRAINT "orders_buyer_id_fkey" FOREIGN KEY ("buyer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "orders"
            ADD CONSTRAINT "orders_seller_id_fkey" FOREIGN KEY ("seller_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "orders"
            ADD CONSTRAINT "orders_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "items"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "order_status_history"
            ADD CONSTRAINT "order_status_history_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "order_status_history"
            ADD CONSTRAINT "order_status_history_changed_by_user_id_fkey" FOREIGN KEY ("changed_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "order_messages"
            ADD CONSTRAINT "order_messages_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "order_messages"
            ADD CONSTRAINT "order_messages_sender_id_fkey" FOREIGN KEY ("sender_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "disputes"
            ADD CONSTRAINT "disputes_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "disputes"
            ADD CONSTRAINT "disputes_created_by_user_id_fkey" FOREIGN KEY ("created_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "disputes" DROP CONSTRAINT "disputes_created_by_user_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "disputes" DROP CONSTRAINT "disputes_order_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "order_messages" DROP CONSTRAINT "order_messages_sender_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "order_messages" DROP CONSTRAINT "order_messages_order_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "order_status_history" DROP CONSTRAINT "order_status_history_changed_by_user_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "order_status_history" DROP CONSTRAINT "order_status_history_order_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "orders" DROP CONSTRAINT "orders_item_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "orders" DROP CONSTRAINT "orders_seller_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "orders" DROP CONSTRAINT "orders_buyer_id_fkey"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."disputes_one_open_per_order"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."disputes_order_id_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."disputes_created_by_user_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "disputes"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."order_messages_order_id_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."order_messages_sender_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "order_messages"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."order_status_history_order_id_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."order_status_history_changed_by_user_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "order_status_history"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."orders_buyer_id_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."orders_seller_id_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."orders_buyer_id_status_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."orders_seller_id_status_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."orders_item_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "orders"
        `);
  }
}
