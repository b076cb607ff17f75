import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795411041930 implements MigrationInterface {
  name = 'Init1795411041930';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "users" (
                "id" SERIAL NOT NULL,
                "email" character varying(254) NOT NULL,
                "username" character varying(30) NOT NULL,
                "password_hash" character varying(255) NOT NULL,
                "roles" text array NOT NULL DEFAULT '{USER}',
                "is_active" boolean NOT NULL DEFAULT true,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "users_email_lowercase" CHECK (email = lower(email)),
                CONSTRAINT "users_roles_known" CHECK (
                    roles <@ ARRAY ['USER','ADMIN']::text []
                    AND 'USER' = ANY(roles)
                ),
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "users_email_key" ON "users" ("email")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "users_username_key" ON "users" ("username")
        `);
    await queryRunner.query(`
            CREATE TABLE "venues" (
                "id" SERIAL NOT NULL,
                "manager_id" integer NOT NULL,
                "name" character varying(200) NOT NULL,
                "address" character varying(500) NOT NULL,
                "city" character varying(100),
                "capacity" integer,
                "description" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "venues_capacity_range" CHECK (
                    capacity > 0
                    AND capacity <= 1000000
                ),
                CONSTRAINT "PK_cb0f885278d12384eb7a81818be" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "venues_manager_id_id_idx" ON "venues" ("manager_id", "id")
            WHERE deleted_at IS NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "events" (
                "id" SERIAL NOT NULL,
                "venue_id" integer NOT NULL,
                "creator_id" integer NOT NULL,
                "title" character varying(200) NOT NULL,
                "description" text,
                "start_date" TIMESTAMP WITH TIME ZONE NOT NULL,
                "end_date" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "events_dates_ordered" CHECK (end_date >= start_date),
                CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "events_creator_id_id_idx" ON "events" ("creator_id", "id")
            WHERE deleted_at IS NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "events_venue_id_id_idx" ON "events" ("venue_id", "id")
            WHERE deleted_at IS NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "items" (
                "id" SERIAL NOT NULL,
                "creator_id" integer NOT NULL,
                "title" character varying(200) NOT NULL,
                "description" text,
                "base_price_cents" integer,
                "item_type" character varying(20) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "items_item_type_known" CHECK (item_type IN ('SERVICE', 'PRODUCT', 'DIGITAL')),
                CONSTRAINT "items_base_price_range" CHECK (
                    base_price_cents > 0
                    AND base_price_cents <= 100000000
                ),
                CONSTRAINT "PK_ba5885359424c15ca6b9e79bcf6" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "items_creator_id_id_idx" ON "items" ("creator_id", "id")
            WHERE deleted_at IS NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "venues"
            ADD CONSTRAINT "venues_manager_id_fkey" FOREIGN KEY ("manager_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "events"
            ADD CONSTRAINT "events_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "venues"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "events"
            ADD CONSTRAINT "events_creator_id_fkey" FOREIGN KEY ("creator_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "items"
            ADD CONSTRAINT "items_creator_id_fkey" FOREIGN KEY ("creator_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "items" DROP CONSTRAINT "items_creator_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "events" DROP CONSTRAINT "events_creator_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "events" DROP CONSTRAINT "events_venue_id_fkey"
        `);
    await queryRunner.query(`
            ALTER TABLE "venues" DROP CONSTRAINT "venues_manager_id_fkey"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."items_creator_id_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "items"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."events_venue_id_id_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."events_creator_id_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."venues_manager_id_id_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "venues"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."users_username_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."users_email_key"
        `);
    await queryRunner.query(`
            DROP TABLE "users"
        `);
  }
}
