import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';

export interface DeliveryRecord {
  id: number;
  orderId: number;
  message: string;
  createdAt: Date;
}

export interface RevisionRequestRecord {
  id: number;
  orderId: number;
  reason: string;
  createdAt: Date;
}

/** Every query of deliveries and revision requests, in the unit of work of the request. */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * Delivers: the order moves from IN_PROGRESS to DELIVERED (its history row written by
   * `sellerId`), its autoCompleteAt is set from the marketplace's autoCompleteAfter in force
   * now, and the delivery is recorded, in one statement, conditional on the status the decision
   * was made from. Null when the order was no longer IN_PROGRESS.
   */
  async deliver(
    orderId: number,
    sellerId: number,
    message: string,
  ): Promise<DeliveryRecord | null> {
    const rows: DeliveryRecord[] = await this.db.tx.query(
      `WITH changed AS (
         UPDATE orders o
            SET status = 'DELIVERED', delivered_at = now(), updated_at = now(),
                auto_complete_at = now() + s.auto_complete_after
           FROM marketplace_settings s
          WHERE o.id = $1 AND o.status = 'IN_PROGRESS' AND s.id = 1
         RETURNING o.id, o.status, o.updated_at
       ), history AS (
         INSERT INTO order_status_history (order_id, status, changed_by_user_id, changed_at)
         SELECT id, status, $2, updated_at FROM changed
       )
       INSERT INTO order_deliveries (order_id, message)
       SELECT id, $3 FROM changed
       RETURNING id, order_id AS "orderId", message, created_at AS "createdAt"`,
      [orderId, sellerId, message],
    );
    return rows[0] ?? null;
  }

  /**
   * Sends a delivery back: the order returns to IN_PROGRESS with one revision fewer and no
   * auto-completion, and the request is recorded, in one statement. Null when the order was no
   * longer DELIVERED or had no revision left.
   */
  async requestRevision(
    orderId: number,
    buyerId: number,
    reason: string,
  ): Promise<RevisionRequestRecord | null> {
    const rows: RevisionRequestRecord[] = await this.db.tx.query(
      `WITH changed AS (
         UPDATE orders
            SET status = 'IN_PROGRESS', revisions_left = revisions_left - 1,
                auto_complete_at = NULL, updated_at = now()
          WHERE id = $1 AND status = 'DELIVERED' AND revisions_left > 0
         RETURNING id, status, updated_at
       ), history AS (
         INSERT INTO order_status_history (order_id, status, changed_by_user_id, changed_at)
         SELECT id, status, $2, updated_at FROM changed
       )
       INSERT INTO order_revision_requests (order_id, reason)
       SELECT id, $3 FROM changed
       RETURNING id, order_id AS "orderId", reason, created_at AS "createdAt"`,
      [orderId, buyerId, reason],
    );
    return rows[0] ?? null;
  }

  /** The order's deliveries, oldest first, after the keyset cursor `afterId`. */
  deliveries(orderId: number, afterId: number, limit: number): Promise<DeliveryRecord[]> {
    return this.db.tx.query(
      `SELECT id, order_id AS "orderId", message, created_at AS "createdAt"
       FROM order_deliveries WHERE order_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [orderId, afterId, limit],
    );
  }

  /** The order's revision requests, oldest first, after the keyset cursor `afterId`. */
  revisionRequests(
    orderId: number,
    afterId: number,
    limit: number,
  ): Promise<RevisionRequestRecord[]> {
    return this.db.tx.query(
      `SELECT id, order_id AS "orderId", reason, created_at AS "createdAt"
       FROM order_revision_requests WHERE order_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [orderId, afterId, limit],
    );
  }
}
