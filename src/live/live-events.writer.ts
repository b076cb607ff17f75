import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EVENT_ORDER_LOCK, LIVE_CHANNEL, type LiveEventType } from './live-events';

/**
 * Appends an event inside the caller's transaction and queues its NOTIFY, which PostgreSQL
 * delivers only if and when that transaction commits: a rolled-back write notifies no one.
 * The notification carries ids only; listeners fetch the payload when someone is subscribed.
 */
@Injectable()
export class LiveEventsWriter {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Records in the unit of work of the request (or in `tx`, for callers not yet moved to it). */
  async record(
    type: LiveEventType,
    ref: { orderId: number; disputeId?: number | null },
    payload: unknown,
    tx: EntityManager = this.db.tx,
  ): Promise<void> {
    await tx.query(
      `WITH ordered AS (SELECT pg_advisory_xact_lock($5)),
       ev AS (
         INSERT INTO thread_events (type, order_id, dispute_id, buyer_id, seller_id, payload)
         SELECT $1, o.id, $3, o.buyer_id, o.seller_id, $4::json FROM orders o, ordered
         WHERE o.id = $2
         RETURNING id, order_id, dispute_id, buyer_id, seller_id
       )
       SELECT pg_notify($6, concat_ws(':', id, order_id, COALESCE(dispute_id, 0), buyer_id,
                                      seller_id))
       FROM ev`,
      [
        type,
        ref.orderId,
        ref.disputeId ?? null,
        JSON.stringify(payload),
        EVENT_ORDER_LOCK,
        LIVE_CHANNEL,
      ],
    );
  }
}
