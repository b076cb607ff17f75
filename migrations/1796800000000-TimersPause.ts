import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * While a dispute is OPEN on an order, its timers stop, and what was left of them resumes when
 * the dispute closes. The dispute trigger that keeps the order's open-dispute flag also notes
 * when the clock stopped (timers_paused_at) and, when the last open dispute closes, moves the
 * order's autoCompleteAt and its PENDING cancellation request's respondBy on by the time the
 * clock stood still. The timer jobs do nothing while the flag is set; the service that closes
 * the dispute sends them again for the new times.
 */
export class TimersPause1796800000000 implements MigrationInterface {
  name = 'TimersPause1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE orders ADD COLUMN timers_paused_at TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION orders_flag_open_dispute() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Resumed (no dispute left OPEN): the pending request's deadline moves on by the pause.
        UPDATE order_cancellation_requests r
           SET respond_by = r.respond_by + (now() - o.timers_paused_at)
          FROM orders o
         WHERE o.id IN (SELECT order_id FROM changed) AND r.order_id = o.id
           AND r.status = 'PENDING' AND o.timers_paused_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.order_id = o.id AND d.status = 'OPEN');
        UPDATE orders o
           SET has_open_dispute = f.open,
               auto_complete_at = CASE
                 WHEN NOT f.open AND o.timers_paused_at IS NOT NULL
                   THEN o.auto_complete_at + (now() - o.timers_paused_at)
                 ELSE o.auto_complete_at END,
               timers_paused_at = CASE
                 WHEN f.open THEN COALESCE(o.timers_paused_at, now())
                 ELSE NULL END
          FROM (SELECT c.order_id,
                       EXISTS (SELECT 1 FROM disputes d
                                WHERE d.order_id = c.order_id AND d.status = 'OPEN') AS open
                  FROM (SELECT DISTINCT order_id FROM changed) c) f
         WHERE o.id = f.order_id;
        RETURN NULL;
      END $$
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION orders_flag_open_dispute() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE orders o
           SET has_open_dispute = EXISTS (
                 SELECT 1 FROM disputes d WHERE d.order_id = o.id AND d.status = 'OPEN')
         WHERE o.id IN (SELECT order_id FROM changed);
        RETURN NULL;
      END $$
    `);
    await queryRunner.query(`ALTER TABLE orders DROP COLUMN timers_paused_at`);
  }
}
