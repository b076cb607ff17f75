import { MigrationInterface, QueryRunner } from 'typeorm';

export class DisputeMessages1795412250193 implements MigrationInterface {
  name = 'DisputeMessages1795412250193';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "dispute_messages" (
                "id" SERIAL NOT NULL,
                "dispute_id" integer NOT NULL,
                "user_id" integer NOT NULL,
                "message" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "dispute_messages_message_length" CHECK (
                    char_length(message) BETWEEN 1 AND 5000
                ),
                CONSTRAINT "PK_8826f78d556a1846f8cbad5ed05" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "dispute_messages_user_id_idx" ON "dispute_messages" ("user_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "dispute_messages_dispute_id_id_idx" ON "dispute_messages" ("dispute_id", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "disputes_open_id_idx" ON "disputes" ("id")
            WHERE status = 'OPEN'
        `);
    await queryRunner.query(`
            ALTER TABLE "dispute_messages"
            ADD CONSTRAINT "dispute_messages_dispute_id_fkey" FOREIGN KEY ("dispute_id") REFERENCES "disputes"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "dispute_messages"
            ADD CONSTRAINT "dispute_messages_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "dispute_messages" DROP CONSTRAINT "dispute_messages_user_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "dispute_messages" DROP CONSTRAINT "dispute_messages_dispute_id_fkey"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."disputes_open_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."dispute_messages_dispute_id_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."dispute_messages_user_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "dispute_messages"
        `);
  }
}
