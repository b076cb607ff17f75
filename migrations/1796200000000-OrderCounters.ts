import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What every order read shows besides the row itself, kept on the row: each party's unread
 * count and whether a dispute is open. Reads used to compute both per row (a count over the
 * thread and a probe of disputes), which was most of the cost of a list.
 *
 * Triggers keep them in the transaction of the write that changes them, whoever writes:
 * - a message adds one to the unread count of each party it is unread for (sent by someone
 *   else, newer than their read marker);
 * - a read marker that moves (or goes) recounts both parties' unread messages of that order;
 * - a dispute that opens, closes or goes sets the order's flag from its open disputes.
 * Both order triggers lock the order rows first (in id order, so concurrent writers cannot
 * deadlock) and then read, so a message and a read marker written at the same time still leave
 * the count a recount would give: unread = messages from others newer than the marker.
 * Triggers are per statement, so the set-based writes of the benchmark seed stay set-based.
 */
export class OrderCounters1796200000000 implements MigrationInterface {
  name = 'OrderCounters1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE orders
        ADD COLUMN buyer_unread integer NOT NULL DEFAULT 0,
        ADD COLUMN seller_unread integer NOT NULL DEFAULT 0,
        ADD COLUMN has_open_dispute boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT orders_unread_not_negative CHECK (buyer_unread >= 0 AND seller_unread >= 0)
    `);

    await queryRunner.query(`
      CREATE FUNCTION orders_count_new_messages() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM 1 FROM orders WHERE id IN (SELECT order_id FROM added) ORDER BY id
          FOR NO KEY UPDATE;
        UPDATE orders o
           SET buyer_unread = o.buyer_unread + c.for_buyer,
               seller_unread = o.seller_unread + c.for_seller
          FROM (
            SELECT a.order_id,
                   count(*) FILTER (WHERE a.sender_id <> p.buyer_id
                                      AND a.id > COALESCE(rb.last_read_message_id, 0)) AS for_buyer,
                   count(*) FILTER (WHERE a.sender_id <> p.seller_id
                                      AND a.id > COALESCE(rs.last_read_message_id, 0)) AS for_seller
              FROM added a
              JOIN orders p ON p.id = a.order_id
              LEFT JOIN order_message_reads rb
                     ON rb.order_id = a.order_id AND rb.user_id = p.buyer_id
              LEFT JOIN order_message_reads rs
                     ON rs.order_id = a.order_id AND rs.user_id = p.seller_id
             GROUP BY a.order_id
          ) c
         WHERE o.id = c.order_id AND (c.for_buyer > 0 OR c.for_seller > 0);
        RETURN NULL;
      END $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER order_messages_count_unread AFTER INSERT ON order_messages
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT
      EXECUTE FUNCTION orders_count_new_messages()
    `);

    // Recounts both parties of every order the statement touched (markers or messages).
    await queryRunner.query(`
      CREATE FUNCTION orders_recount_unread() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM 1 FROM orders WHERE id IN (SELECT order_id FROM changed) ORDER BY id
          FOR NO KEY UPDATE;
        UPDATE orders o
           SET buyer_unread = (
                 SELECT count(*) FROM order_messages m
                  WHERE m.order_id = o.id AND m.sender_id <> o.buyer_id
                    AND m.id > COALESCE((SELECT r.last_read_message_id FROM order_message_reads r
                                          WHERE r.order_id = o.id AND r.user_id = o.buyer_id), 0)),
               seller_unread = (
                 SELECT count(*) FROM order_messages m
                  WHERE m.order_id = o.id AND m.sender_id <> o.seller_id
                    AND m.id > COALESCE((SELECT r.last_read_message_id FROM order_message_reads r
                                          WHERE r.order_id = o.id AND r.user_id = o.seller_id), 0))
         WHERE o.id IN (SELECT DISTINCT order_id FROM changed);
        RETURN NULL;
      END $$
    `);
    for (const [name, event, table, transition] of [
      ['order_message_reads_recount_insert', 'INSERT', 'order_message_reads', 'NEW'],
      ['order_message_reads_recount_update', 'UPDATE', 'order_message_reads', 'NEW'],
      ['order_message_reads_recount_delete', 'DELETE', 'order_message_reads', 'OLD'],
      ['order_messages_recount_delete', 'DELETE', 'order_messages', 'OLD'],
    ]) {
      await queryRunner.query(`
        CREATE TRIGGER ${name} AFTER ${event} ON ${table}
        REFERENCING ${transition} TABLE AS changed FOR EACH STATEMENT
        EXECUTE FUNCTION orders_recount_unread()
      `);
    }

    await queryRunner.query(`
      CREATE FUNCTION orders_flag_open_dispute() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE orders o
           SET has_open_dispute = EXISTS (
                 SELECT 1 FROM disputes d WHERE d.order_id = o.id AND d.status = 'OPEN')
         WHERE o.id IN (SELECT order_id FROM changed);
        RETURN NULL;
      END $$
    `);
    for (const [name, event, transition] of [
      ['disputes_flag_insert', 'INSERT', 'NEW'],
      ['disputes_flag_update', 'UPDATE', 'NEW'],
      ['disputes_flag_delete', 'DELETE', 'OLD'],
    ]) {
      await queryRunner.query(`
        CREATE TRIGGER ${name} AFTER ${event} ON disputes
        REFERENCING ${transition} TABLE AS changed FOR EACH STATEMENT
        EXECUTE FUNCTION orders_flag_open_dispute()
      `);
    }

    // The orders that exist already.
    await queryRunner.query(`
      UPDATE orders o SET has_open_dispute = true
       WHERE o.id IN (SELECT order_id FROM disputes WHERE status = 'OPEN')
    `);
    await queryRunner.query(`
      UPDATE orders o
         SET buyer_unread = c.for_buyer, seller_unread = c.for_seller
        FROM (
          SELECT m.order_id,
                 count(*) FILTER (WHERE m.sender_id <> p.buyer_id
                                    AND m.id > COALESCE(rb.last_read_message_id, 0)) AS for_buyer,
                 count(*) FILTER (WHERE m.sender_id <> p.seller_id
                                    AND m.id > COALESCE(rs.last_read_message_id, 0)) AS for_seller
            FROM order_messages m
            JOIN orders p ON p.id = m.order_id
            LEFT JOIN order_message_reads rb ON rb.order_id = m.order_id AND rb.user_id = p.buyer_id
            LEFT JOIN order_message_reads rs ON rs.order_id = m.order_id AND rs.user_id = p.seller_id
           GROUP BY m.order_id
        ) c
       WHERE o.id = c.order_id AND (c.for_buyer > 0 OR c.for_seller > 0)
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const trigger of [
      'disputes_flag_insert',
      'disputes_flag_update',
      'disputes_flag_delete',
    ]) {
      await queryRunner.query(`DROP TRIGGER ${trigger} ON disputes`);
    }
    await queryRunner.query(`DROP FUNCTION orders_flag_open_dispute()`);
    await queryRunner.query(`DROP TRIGGER order_messages_recount_delete ON order_messages`);
    for (const event of ['insert', 'update', 'delete']) {
      await queryRunner.query(
        `DROP TRIGGER order_message_reads_recount_${event} ON order_message_reads`,
      );
    }
    await queryRunner.query(`DROP FUNCTION orders_recount_unread()`);
    await queryRunner.query(`DROP TRIGGER order_messages_count_unread ON order_messages`);
    await queryRunner.query(`DROP FUNCTION orders_count_new_messages()`);
    await queryRunner.query(`
      ALTER TABLE orders DROP CONSTRAINT orders_unread_not_negative,
        DROP COLUMN has_open_dispute, DROP COLUMN seller_unread, DROP COLUMN buyer_unread
    `);
  }
}
