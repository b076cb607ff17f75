import { MigrationInterface, QueryRunner } from 'typeorm';

/** Cancellation requests of PROTECTED orders (see src/cancellation-requests). */
export class CancellationRequests1796600000000 implements MigrationInterface {
  name = 'CancellationRequests1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "order_cancellation_requests" (
                "id" SERIAL NOT NULL,
                "order_id" integer NOT NULL,
                "requested_by_user_id" integer NOT NULL,
                "reason" text NOT NULL,
                "status" character varying(20) NOT NULL DEFAULT 'PENDING',
                "respond_by" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "order_cancellation_requests_resolved_when_not_pending" CHECK ((status = 'PENDING') = (resolved_at IS NULL)),
                CONSTRAINT "order_cancellation_requests_status_known" CHECK (
                    status IN ('PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED')
                ),
                CONSTRAINT "order_cancellation_requests_reason_length" CHECK (
                    char_length(reason) BETWEEN 1 AND 5000
                ),
                CONSTRAINT "PK_fa0ff29a22420959c8ead23b1b1" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "order_cancellation_requests_requested_by_user_id_idx" ON "order_cancellation_requests" ("requested_by_user_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "order_cancellation_requests_one_pending" ON "order_cancellation_requests" ("order_id")
            WHERE status = 'PENDING'
        `);
    await queryRunner.query(`
            CREATE INDEX "order_cancellation_requests_order_id_id_idx" ON "order_cancellation_requests" ("order_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "order_cancellation_requests"
            ADD CONSTRAINT "order_cancellation_requests_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "order_cancellation_requests"
            ADD CONSTRAINT "order_cancellation_requests_requested_by_user_id_fkey" FOREIGN KEY ("requested_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "order_cancellation_requests" DROP CONSTRAINT "order_cancellation_requests_requested_by_user_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "order_cancellation_requests" DROP CONSTRAINT "order_cancellation_requests_order_id_fkey"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."order_cancellation_requests_order_id_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."order_cancellation_requests_one_pending"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."order_cancellation_requests_requested_by_user_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "order_cancellation_requests"
        `);
  }
}
