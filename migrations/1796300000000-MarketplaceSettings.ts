import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The marketplace's settings, one row: the process a listing gets when it names none, and the
 * durations of the protected process's timers. Durations are intervals, so that SQL can compute
 * a deadline (`now() + auto_complete_after`); each is at least one second.
 */
export class MarketplaceSettings1796300000000 implements MigrationInterface {
  name = 'MarketplaceSettings1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "marketplace_settings" (
        "id" smallint NOT NULL,
        "default_process" character varying(20) NOT NULL DEFAULT 'DIRECT',
        "auto_complete_after" interval NOT NULL DEFAULT '3 days',
        "cancellation_window" interval NOT NULL DEFAULT '48 hours',
        "clearance_period" interval NOT NULL DEFAULT '7 days',
        "updated_by_user_id" integer,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "marketplace_settings_single_row" CHECK (id = 1),
        CONSTRAINT "marketplace_settings_default_process_known"
          CHECK (default_process IN ('DIRECT', 'PROTECTED')),
        CONSTRAINT "marketplace_settings_auto_complete_after_min"
          CHECK (auto_complete_after >= interval '1 second'),
        CONSTRAINT "marketplace_settings_cancellation_window_min"
          CHECK (cancellation_window >= interval '1 second'),
        CONSTRAINT "marketplace_settings_clearance_period_min"
          CHECK (clearance_period >= interval '1 second'),
        CONSTRAINT "marketplace_settings_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "marketplace_settings_updated_by_user_id_fkey" FOREIGN KEY ("updated_by_user_id")
          REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION
      )
    `);
    // The one row, with every setting at its default until an admin changes it.
    await queryRunner.query(`INSERT INTO marketplace_settings (id) VALUES (1)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "marketplace_settings"`);
  }
}
