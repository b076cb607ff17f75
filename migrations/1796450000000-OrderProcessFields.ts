import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The process of a listing and of the orders placed from it. A listing names its process (or
 * gets the marketplace default when it is created), how many days delivery takes and how many
 * revisions are included; an order copies them when it is placed, so later edits of the
 * listing do not change it. Existing listings and orders are DIRECT, as they have always run.
 */
export class OrderProcessFields1796450000000 implements MigrationInterface {
  name = 'OrderProcessFields1796450000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE items
        ADD COLUMN process character varying(20) NOT NULL DEFAULT 'DIRECT',
        ADD COLUMN delivery_days integer,
        ADD COLUMN revisions_included integer NOT NULL DEFAULT 1,
        ADD CONSTRAINT items_process_known CHECK (process IN ('DIRECT', 'PROTECTED')),
        ADD CONSTRAINT items_delivery_days_range CHECK (delivery_days BETWEEN 1 AND 365),
        ADD CONSTRAINT items_revisions_included_range CHECK (revisions_included BETWEEN 0 AND 20)
    `);
    await queryRunner.query(`
      ALTER TABLE orders
        ADD COLUMN process character varying(20) NOT NULL DEFAULT 'DIRECT',
        ADD COLUMN due_at TIMESTAMP WITH TIME ZONE,
        ADD COLUMN revisions_left integer NOT NULL DEFAULT 0,
        ADD COLUMN delivered_at TIMESTAMP WITH TIME ZONE,
        ADD COLUMN auto_complete_at TIMESTAMP WITH TIME ZONE,
        ADD CONSTRAINT orders_process_known CHECK (process IN ('DIRECT', 'PROTECTED')),
        ADD CONSTRAINT orders_revisions_left_not_negative CHECK (revisions_left >= 0),
        ADD CONSTRAINT orders_delivered_only_protected
          CHECK (process = 'PROTECTED' OR status <> 'DELIVERED'),
        DROP CONSTRAINT orders_status_known,
        ADD CONSTRAINT orders_status_known
          CHECK (status IN ('PENDING', 'IN_PROGRESS', 'DELIVERED', 'COMPLETED', 'CANCELLED'))
    `);
    await queryRunner.query(`
      ALTER TABLE order_status_history
        DROP CONSTRAINT order_status_history_status_known,
        ADD CONSTRAINT order_status_history_status_known
          CHECK (status IN ('PENDING', 'IN_PROGRESS', 'DELIVERED', 'COMPLETED', 'CANCELLED'))
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE order_status_history
        DROP CONSTRAINT order_status_history_status_known,
        ADD CONSTRAINT order_status_history_status_known CHECK (status IN ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'))
    `);
    await queryRunner.query(`
      ALTER TABLE orders
        DROP CONSTRAINT orders_status_known,
        ADD CONSTRAINT orders_status_known
          CHECK (status IN ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED')),
        DROP CONSTRAINT orders_delivered_only_protected,
        DROP CONSTRAINT orders_revisions_left_not_negative,
        DROP CONSTRAINT orders_process_known,
        DROP COLUMN auto_complete_at, DROP COLUMN delivered_at, DROP COLUMN revisions_left,
        DROP COLUMN due_at, DROP COLUMN process
    `);
    await queryRunner.query(`
      ALTER TABLE items
        DROP CONSTRAINT items_revisions_included_range,
        DROP CONSTRAINT items_delivery_days_range,
        DROP CONSTRAINT items_process_known,
        DROP COLUMN revisions_included, DROP COLUMN delivery_days, DROP COLUMN process
    `);
  }
}
