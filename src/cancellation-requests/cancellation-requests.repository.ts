import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { CancellationRequestStatus } from './cancellation-request.entity';

export interface CancellationRequestRecord {
  id: number;
  orderId: number;
  requestedByUserId: number;
  reason: string;
  status: CancellationRequestStatus;
  respondBy: Date;
  createdAt: Date;
  resolvedAt: Date | null;
}

const COLUMNS = `id, order_id AS "orderId", requested_by_user_id AS "requestedByUserId", reason,
  status, respond_by AS "respondBy", created_at AS "createdAt", resolved_at AS "resolvedAt"`;

/** Every query of cancellation requests, in the unit of work of the request. */
@Injectable()
export class CancellationRequestsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * A PENDING request answerable until now() plus the marketplace cancellationWindow in force.
   * Null when the order has a PENDING one already: the partial unique index decides between
   * two made at once, without aborting the caller's transaction.
   */
  async create(
    orderId: number,
    userId: number,
    reason: string,
  ): Promise<CancellationRequestRecord | null> {
    const rows: CancellationRequestRecord[] = await this.db.tx.query(
      `INSERT INTO order_cancellation_requests (order_id, requested_by_user_id, reason, respond_by)
       SELECT $1, $2, $3, now() + cancellation_window FROM marketplace_settings WHERE id = 1
       ON CONFLICT (order_id) WHERE status = 'PENDING' DO NOTHING
       RETURNING ${COLUMNS}`,
      [orderId, userId, reason],
    );
    return rows[0] ?? null;
  }

  async find(orderId: number, id: number): Promise<CancellationRequestRecord | null> {
    const rows: CancellationRequestRecord[] = await this.db.tx.query(
      `SELECT ${COLUMNS} FROM order_cancellation_requests WHERE id = $1 AND order_id = $2`,
      [id, orderId],
    );
    return rows[0] ?? null;
  }

  /** Answers a request if it is still PENDING; null when someone answered (or it expired) first. */
  async resolve(
    id: number,
    to: Exclude<CancellationRequestStatus, 'PENDING'>,
  ): Promise<CancellationRequestRecord | null> {
    const rows: CancellationRequestRecord[] = await this.db.tx.query(
      // A CTE, so the driver answers rows (a bare UPDATE answers [rows, count] through TypeORM).
      `WITH resolved AS (
         UPDATE order_cancellation_requests SET status = $2, resolved_at = now()
         WHERE id = $1 AND status = 'PENDING'
         RETURNING *
       )
       SELECT ${COLUMNS} FROM resolved`,
      [id, to],
    );
    return rows[0] ?? null;
  }

  /**
   * Expires a request still PENDING once its respondBy has passed and no dispute stops the
   * order's clock; null otherwise.
   */
  async expireIfDue(id: number): Promise<CancellationRequestRecord | null> {
    const rows: CancellationRequestRecord[] = await this.db.tx.query(
      `WITH expired AS (
         UPDATE order_cancellation_requests SET status = 'EXPIRED', resolved_at = now()
         WHERE id = $1 AND status = 'PENDING' AND respond_by <= now()
           AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = order_id AND o.has_open_dispute)
         RETURNING *
       )
       SELECT ${COLUMNS} FROM expired`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The order's PENDING request, if any: its expiry is sent again when a dispute closes. */
  async pending(orderId: number): Promise<CancellationRequestRecord | null> {
    const rows: CancellationRequestRecord[] = await this.db.tx.query(
      `SELECT ${COLUMNS} FROM order_cancellation_requests WHERE order_id = $1 AND status = 'PENDING'`,
      [orderId],
    );
    return rows[0] ?? null;
  }

  /** The order's requests, oldest first, after the keyset cursor `afterId`. */
  list(orderId: number, afterId: number, limit: number): Promise<CancellationRequestRecord[]> {
    return this.db.tx.query(
      `SELECT ${COLUMNS} FROM order_cancellation_requests
       WHERE order_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [orderId, afterId, limit],
    );
  }
}
