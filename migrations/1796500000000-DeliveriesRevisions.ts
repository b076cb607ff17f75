import { MigrationInterface, QueryRunner } from 'typeorm';

/** Deliveries and revision requests of PROTECTED orders (see src/deliveries). */
export class DeliveriesRevisions1796500000000 implements MigrationInterface {
  name = 'DeliveriesRevisions1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "order_revision_requests" (
                "id" SERIAL NOT NULL,
                "order_id" integer NOT NULL,
                "reason" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "order_revision_requests_reason_length" CHECK (
                    char_length(reason) BETWEEN 1 AND 5000
                ),
                CONSTRAINT "PK_8339b72626f18ebcc67d53af8ec" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "order_revision_requests_order_id_id_idx" ON "order_revision_requests" ("order_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "order_deliveries" (
                "id" SERIAL NOT NULL,
                "order_id" integer NOT NULL,
                "message" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "order_deliveries_message_length" CHECK (
                    char_length(message) BETWEEN 1 AND 5000
                ),
                CONSTRAINT "PK_5b7398f333a716f83e82d8679d7" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "order_deliveries_order_id_id_idx" ON "order_deliveries" ("order_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "order_revision_requests"
            ADD CONSTRAINT "order_revision_requests_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "order_deliveries"
            ADD CONSTRAINT "order_deliveries_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "order_deliveries" DROP CONSTRAINT "order_deliveries_order_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "order_revision_requests" DROP CONSTRAINT "order_revision_requests_order_id_fkey"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."order_deliveries_order_id_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "order_deliveries"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."order_revision_requests_order_id_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "order_revision_requests"
        `);
  }
}
