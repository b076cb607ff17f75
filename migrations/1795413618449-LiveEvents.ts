import { MigrationInterface, QueryRunner } from 'typeorm';

export class LiveEvents1795413618449 implements MigrationInterface {
  name = 'LiveEvents1795413618449';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "order_message_reads" (
                "order_id" integer NOT NULL,
                "user_id" integer NOT NULL,
                "last_read_message_id" integer NOT NULL,
                CONSTRAINT "PK_bf8f88313d93375dd63d8410d50" PRIMARY KEY ("order_id", "user_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "thread_events" (
                "id" BIGSERIAL NOT NULL,
                "type" character varying(40) NOT NULL,
                "order_id" integer NOT NULL,
                "dispute_id" integer,
                "buyer_id" integer NOT NULL,
                "seller_id" integer NOT NULL,
                "payload" json NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_dfc179cc7020eaf23f075d2a0a6" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "thread_events_seller_id_id_idx" ON "thread_events" ("seller_id", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "thread_events_buyer_id_id_idx" ON "thread_events" ("buyer_id", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "thread_events_dispute_id_id_idx" ON "thread_events" ("dispute_id", "id")
            WHERE dispute_id IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "thread_events_order_id_id_idx" ON "thread_events" ("order_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "order_message_reads"
            ADD CONSTRAINT "order_message_reads_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "order_message_reads"
            ADD CONSTRAINT "order_message_reads_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "order_message_reads" DROP CONSTRAINT "order_message_reads_user_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "order_message_reads" DROP CONSTRAINT "order_message_reads_order_id_fkey"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."thread_events_order_id_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."thread_events_dispute_id_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."thread_events_buyer_id_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."thread_events_seller_id_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "thread_events"
        `);
    await queryRunner.query(`
            DROP TABLE "order_message_reads"
        `);
  }
}
