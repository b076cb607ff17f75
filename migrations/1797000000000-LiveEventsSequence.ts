import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Thread events without a platform-wide lock. A write no longer takes one lock for every event
 * (nor NOTIFYs, which serialises commits database-wide); it takes a lock on its order only, so
 * the events of one order get their ids in commit order while different orders commit in
 * parallel. Ids are therefore no longer in commit order across orders, and readers no longer
 * resume by id: each event gets its public position, `seq`, once its transaction and every one
 * older than it have ended (the transaction-id horizon, `tx_id` < the oldest transaction still
 * in flight), in one sequencing round at a time (see LiveEventsRepository.sequence). A reader of
 * "everything after seq N" can then never meet a late committer below N.
 *
 * `tx_id` is the writing transaction's id (xid8), kept as bigint. Events written before keep
 * their ids as positions: they were handed out in commit order.
 */
export class LiveEventsSequence1797000000000 implements MigrationInterface {
  name = 'LiveEventsSequence1797000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    // The writing transaction's id: an xid8, which fits a bigint (and TypeORM has no xid8).
    await q(`CREATE FUNCTION current_xact_id_bigint() RETURNS bigint LANGUAGE sql VOLATILE
             AS $$ SELECT pg_current_xact_id()::text::bigint $$`);
    await q(`ALTER TABLE thread_events
               ADD tx_id bigint NOT NULL DEFAULT current_xact_id_bigint(),
               ADD seq bigint`);
    await q(`UPDATE thread_events SET seq = id`);
    await q(`CREATE SEQUENCE thread_events_seq_seq OWNED BY thread_events.seq`);
    await q(
      `SELECT setval('thread_events_seq_seq', COALESCE((SELECT max(id) FROM thread_events), 0) + 1, false)`,
    );
    await q(`CREATE UNIQUE INDEX thread_events_seq_key ON thread_events (seq)`);
    // What the sequencing round looks at: the events without a position yet, a few at a time.
    await q(`CREATE INDEX thread_events_unsequenced_idx ON thread_events (order_id, id)
             WHERE seq IS NULL`);
    // The replays of each kind of stream, by position.
    await q(`DROP INDEX thread_events_order_id_id_idx`);
    await q(`DROP INDEX thread_events_dispute_id_id_idx`);
    await q(`DROP INDEX thread_events_buyer_id_id_idx`);
    await q(`DROP INDEX thread_events_seller_id_id_idx`);
    await q(`CREATE INDEX thread_events_order_id_seq_idx ON thread_events (order_id, seq)`);
    await q(`CREATE INDEX thread_events_dispute_id_seq_idx ON thread_events (dispute_id, seq)
             WHERE dispute_id IS NOT NULL`);
    await q(`CREATE INDEX thread_events_buyer_id_seq_idx ON thread_events (buyer_id, seq)`);
    await q(`CREATE INDEX thread_events_seller_id_seq_idx ON thread_events (seller_id, seq)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`DROP INDEX thread_events_order_id_seq_idx`);
    await q(`DROP INDEX thread_events_dispute_id_seq_idx`);
    await q(`DROP INDEX thread_events_buyer_id_seq_idx`);
    await q(`DROP INDEX thread_events_seller_id_seq_idx`);
    await q(`CREATE INDEX thread_events_order_id_id_idx ON thread_events (order_id, id)`);
    await q(`CREATE INDEX thread_events_dispute_id_id_idx ON thread_events (dispute_id, id)
             WHERE dispute_id IS NOT NULL`);
    await q(`CREATE INDEX thread_events_buyer_id_id_idx ON thread_events (buyer_id, id)`);
    await q(`CREATE INDEX thread_events_seller_id_id_idx ON thread_events (seller_id, id)`);
    await q(`ALTER TABLE thread_events DROP COLUMN seq, DROP COLUMN tx_id`);
    await q(`DROP FUNCTION current_xact_id_bigint()`);
  }
}
