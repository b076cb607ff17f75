import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The log of what happened on order and dispute threads (a transactional outbox), written in the
 * same transaction as the change it describes. Live streams read it to replay what a
 * reconnecting client missed, by `seq`: a position handed out once the event's transaction and
 * every older one have ended, so "after seq N" never skips a row (migration
 * LiveEventsSequence).
 */
@Entity('thread_events')
@Index('thread_events_seq_key', ['seq'], { unique: true })
@Index('thread_events_unsequenced_idx', ['orderId', 'id'], { where: 'seq IS NULL' })
@Index('thread_events_order_id_seq_idx', ['orderId', 'seq'])
@Index('thread_events_dispute_id_seq_idx', ['disputeId', 'seq'], {
  where: 'dispute_id IS NOT NULL',
})
@Index('thread_events_buyer_id_seq_idx', ['buyerId', 'seq'])
@Index('thread_events_seller_id_seq_idx', ['sellerId', 'seq'])
export class ThreadEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  type!: string;

  /** No foreign keys: the log is append-only and points at rows that are never deleted. */
  @Column({ type: 'integer' })
  orderId!: number;

  @Column({ type: 'integer', nullable: true })
  disputeId!: number | null;

  @Column({ type: 'integer' })
  buyerId!: number;

  @Column({ type: 'integer' })
  sellerId!: number;

  /** The JSON the REST route returned for the change, kept as sent (json, not jsonb). */
  @Column({ type: 'json' })
  payload!: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  /** The writing transaction's id (pg_current_xact_id(), an xid8, as bigint). */
  @Column({ type: 'bigint', default: () => 'current_xact_id_bigint()' })
  txId!: string;

  /** The event's position in the log, once sequenced; null until then. */
  @Column({ type: 'bigint', nullable: true })
  seq!: string | null;
}
