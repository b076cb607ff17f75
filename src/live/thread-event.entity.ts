import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The log of what happened on order and dispute threads, written in the same transaction as the
 * change it describes. Live streams read it to replay what a reconnecting client missed; ids
 * are handed out in commit order (see LiveEventsWriter), so "after id N" never skips a row.
 */
@Entity('thread_events')
@Index('thread_events_order_id_id_idx', ['orderId', 'id'])
@Index('thread_events_dispute_id_id_idx', ['disputeId', 'id'], { where: 'dispute_id IS NOT NULL' })
@Index('thread_events_buyer_id_id_idx', ['buyerId', 'id'])
@Index('thread_events_seller_id_id_idx', ['sellerId', 'id'])
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
}
