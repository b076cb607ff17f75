import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { OrderProcess, OrderStatus, PlatformReason } from './order-process';

/** An order as the API shows it, read in one query with its open-dispute flag. */
export interface OrderView {
  id: number;
  buyerId: number;
  sellerId: number;
  itemId: number;
  finalPriceCents: number;
  status: OrderStatus;
  hasOpenDispute: boolean;
  /** Messages from the other side the viewer has not marked read. */
  unreadCount: number;
  process: OrderProcess;
  dueAt: Date | null;
  /** Not yet delivered and past dueAt. */
  isLate: boolean;
  revisionsLeft: number;
  deliveredAt: Date | null;
  /** When a DELIVERED order completes by itself; null while a dispute is open. */
  autoCompleteAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Not yet delivered (nor finished) and past its due date. */
const IS_LATE = `(o.due_at IS NOT NULL AND o.delivered_at IS NULL
  AND o.status IN ('PENDING', 'IN_PROGRESS') AND o.due_at < now())`;

/**
 * The select list that every order read shares, so they all map with `toOrderView`.
 * `viewer` is the SQL parameter holding the caller's id. A party's unread count is their
 * counter on the row (kept by triggers, see the Order entity); only someone else (an admin)
 * has theirs counted, as before there were counters: messages not their own, past their marker.
 */
const orderColumns = (viewer: string | null) => `o.id, o.buyer_id, o.seller_id,
  o.item_id, o.final_price_cents, o.status, o.created_at, o.updated_at, o.has_open_dispute,
  o.process, o.due_at, o.revisions_left, o.delivered_at,
  CASE WHEN o.has_open_dispute THEN NULL ELSE o.auto_complete_at END AS auto_complete_at,
  ${IS_LATE} AS is_late,
  ${
    viewer === null
      ? '0'
      : `CASE ${viewer}::int WHEN o.buyer_id THEN o.buyer_unread
          WHEN o.seller_id THEN o.seller_unread
          ELSE (SELECT count(*) FROM order_messages m
                WHERE m.order_id = o.id AND m.sender_id <> ${viewer}
                  AND m.id > COALESCE((SELECT r.last_read_message_id FROM order_message_reads r
                                       WHERE r.order_id = o.id AND r.user_id = ${viewer}), 0))::int
        END`
  } AS unread_count`;

interface OrderRow {
  id: number;
  buyer_id: number;
  seller_id: number;
  item_id: number;
  final_price_cents: number;
  status: OrderStatus;
  has_open_dispute: boolean;
  unread_count: number;
  process: OrderProcess;
  due_at: Date | null;
  is_late: boolean;
  revisions_left: number;
  delivered_at: Date | null;
  auto_complete_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toOrderView = (r: OrderRow): OrderView => ({
  id: r.id,
  buyerId: r.buyer_id,
  sellerId: r.seller_id,
  itemId: r.item_id,
  finalPriceCents: r.final_price_cents,
  status: r.status,
  hasOpenDispute: r.has_open_dispute,
  unreadCount: r.unread_count,
  process: r.process,
  dueAt: r.due_at,
  isLate: r.is_late,
  revisionsLeft: r.revisions_left,
  deliveredAt: r.delivered_at,
  autoCompleteAt: r.auto_complete_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** An order as `decide` (order-process.ts) weighs it. */
export interface OrderForChange {
  id: number;
  buyerId: number;
  sellerId: number;
  process: OrderProcess;
  status: OrderStatus;
  revisionsLeft: number;
  isLate: boolean;
}

interface OrderForChangeRow {
  id: number;
  buyer_id: number;
  seller_id: number;
  process: OrderProcess;
  status: OrderStatus;
  revisions_left: number;
  is_late: boolean;
}

const dateOrNull = (value: string | null) => (value === null ? null : new Date(value));

export type CreateOrderResult =
  | { ok: true; order: OrderView }
  | { ok: false; reason: 'ITEM_NOT_FOUND' | 'OWN_ITEM' | 'NO_PRICE' };

export interface OrderHistoryEntry {
  id: number;
  status: OrderStatus;
  changedByUserId: number | null;
  reason: PlatformReason | null;
  changedAt: Date;
}

interface CreateRow {
  item_found: boolean;
  creator_id: number | null;
  order:
    | (Omit<
        OrderRow,
        'created_at' | 'updated_at' | 'due_at' | 'delivered_at' | 'auto_complete_at'
      > & {
        created_at: string;
        updated_at: string;
        due_at: string | null;
        delivered_at: string | null;
        auto_complete_at: string | null;
      })
    | null;
}

/** Every query of orders and their status history, in the unit of work of the request. */
@Injectable()
export class OrdersRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The order, with its unread count for `viewerId` when one is given. */
  async findView(id: number, viewerId?: number): Promise<OrderView | null> {
    const rows: OrderRow[] = await this.db.tx.query(
      `SELECT ${orderColumns(viewerId === undefined ? null : '$2')} FROM orders o WHERE o.id = $1`,
      viewerId === undefined ? [id] : [id, viewerId],
    );
    return rows.length ? toOrderView(rows[0]) : null;
  }

  /** What a status change is decided on: the parties, the process, its status and facts. */
  async findForChange(id: number): Promise<OrderForChange | null> {
    const rows: OrderForChangeRow[] = await this.db.tx.query(
      `SELECT o.id, o.buyer_id, o.seller_id, o.process, o.status, o.revisions_left,
              ${IS_LATE} AS is_late
       FROM orders o WHERE o.id = $1`,
      [id],
    );
    if (!rows.length) return null;
    const r = rows[0];
    return {
      id: r.id,
      buyerId: r.buyer_id,
      sellerId: r.seller_id,
      process: r.process,
      status: r.status,
      revisionsLeft: r.revisions_left,
      isLate: r.is_late,
    };
  }

  /**
   * One statement creates the order and its first history row, so both exist or neither does.
   * The listing is read in the same statement (share-locked against concurrent deletion), and
   * what it returns tells a missing listing from an own listing or a missing price.
   */
  async create(
    buyerId: number,
    itemId: number,
    priceCents: number | null,
  ): Promise<CreateOrderResult> {
    const rows: CreateRow[] = await this.db.tx.query(
      `WITH item AS (
         SELECT id, creator_id, base_price_cents, process, delivery_days, revisions_included
         FROM items WHERE id = $1 AND deleted_at IS NULL FOR KEY SHARE
       ), created AS (
         INSERT INTO orders (buyer_id, seller_id, item_id, final_price_cents, status,
                             process, due_at, revisions_left)
         SELECT $2, creator_id, id, COALESCE($3::int, base_price_cents), 'PENDING',
                process, now() + make_interval(days => delivery_days), revisions_included
         FROM item
         WHERE creator_id <> $2 AND COALESCE($3::int, base_price_cents) IS NOT NULL
         RETURNING *
       ), history AS (
         INSERT INTO order_status_history (order_id, status, changed_by_user_id, changed_at)
         SELECT id, status, buyer_id, created_at FROM created
       )
       SELECT EXISTS (SELECT 1 FROM item) AS item_found,
              (SELECT creator_id FROM item) AS creator_id,
              (SELECT base_price_cents FROM item) AS base_price_cents,
              (SELECT row_to_json(c) FROM (
                 SELECT id, buyer_id, seller_id, item_id, final_price_cents, status,
                        false AS has_open_dispute, 0 AS unread_count, process, due_at,
                        false AS is_late, revisions_left, delivered_at, auto_complete_at,
                        created_at, updated_at
                 FROM created
               ) c) AS "order"`,
      [itemId, buyerId, priceCents],
    );
    const { item_found, creator_id, order } = rows[0];
    if (!item_found) return { ok: false, reason: 'ITEM_NOT_FOUND' };
    if (creator_id === buyerId) return { ok: false, reason: 'OWN_ITEM' };
    if (!order) return { ok: false, reason: 'NO_PRICE' };
    return {
      ok: true,
      order: toOrderView({
        ...order,
        created_at: new Date(order.created_at),
        updated_at: new Date(order.updated_at),
        due_at: dateOrNull(order.due_at),
        delivered_at: dateOrNull(order.delivered_at),
        auto_complete_at: dateOrNull(order.auto_complete_at),
      }),
    };
  }

  /**
   * The user's orders, newest first. Without a side the two index scans (as buyer, as seller)
   * are merged, each bounded by the page size, so a deep page stays cheap.
   */
  async listFor(
    userId: number,
    filter: { side?: 'buyer' | 'seller'; status?: OrderStatus; beforeId?: number; limit: number },
  ): Promise<OrderView[]> {
    const params: unknown[] = [userId, filter.limit];
    let where = '';
    if (filter.status) {
      params.push(filter.status);
      where += ` AND o.status = $${params.length}`;
    }
    if (filter.beforeId) {
      params.push(filter.beforeId);
      where += ` AND o.id < $${params.length}`;
    }
    const side = (column: string) =>
      `SELECT ${orderColumns('$1')} FROM orders o
       WHERE o.${column} = $1${where} ORDER BY o.id DESC LIMIT $2`;
    const sql =
      filter.side === 'buyer'
        ? side('buyer_id')
        : filter.side === 'seller'
          ? side('seller_id')
          : `SELECT * FROM ((${side('buyer_id')}) UNION ALL (${side('seller_id')})) AS mine
             ORDER BY id DESC LIMIT $2`;
    const rows: OrderRow[] = await this.db.tx.query(sql, params);
    return rows.map(toOrderView);
  }

  /**
   * Moves the order from `from` to `to` if it is still `from`, writing the history row in the
   * same statement, so of two concurrent changes from one status exactly one applies. Null when
   * the order was no longer `from`.
   */
  async changeStatus(
    orderId: number,
    from: OrderStatus,
    to: OrderStatus,
    byUserId: number,
  ): Promise<OrderView | null> {
    const rows: OrderRow[] = await this.db.tx.query(
      `WITH changed AS (
         UPDATE orders SET status = $3, updated_at = now()
         WHERE id = $1 AND status = $2
         RETURNING *
       ), history AS (
         INSERT INTO order_status_history (order_id, status, changed_by_user_id, changed_at)
         SELECT id, status, $4, updated_at FROM changed
       )
       SELECT ${orderColumns('$4')} FROM changed o`,
      [orderId, from, to, byUserId],
    );
    return rows.length ? toOrderView(rows[0]) : null;
  }

  /** Status changes oldest first, after the history row `afterId`. */
  /**
   * A change the platform makes by itself (a timer): from `from` to `to` only while the order
   * is still `from` and `stillDue` holds, checked in the same statement, so a stale timer moves
   * nothing; the history row has no user and says why. Null when nothing changed.
   */
  async changeByPlatform(
    orderId: number,
    from: OrderStatus,
    to: OrderStatus,
    reason: PlatformReason,
    stillDue: 'autoCompleteDue' | 'always',
  ): Promise<OrderView | null> {
    const due =
      stillDue === 'autoCompleteDue'
        ? 'AND NOT has_open_dispute AND auto_complete_at IS NOT NULL AND auto_complete_at <= now()'
        : '';
    const rows: OrderRow[] = await this.db.tx.query(
      `WITH changed AS (
         UPDATE orders SET status = $3, auto_complete_at = NULL, updated_at = now()
         WHERE id = $1 AND status = $2 ${due}
         RETURNING *
       ), history AS (
         INSERT INTO order_status_history (order_id, status, changed_by_user_id, reason, changed_at)
         SELECT id, status, NULL, $4, updated_at FROM changed
       )
       SELECT ${orderColumns(null)} FROM changed o`,
      [orderId, from, to, reason],
    );
    return rows.length ? toOrderView(rows[0]) : null;
  }

  async history(orderId: number, afterId: number, limit: number): Promise<OrderHistoryEntry[]> {
    const rows: {
      id: number;
      status: OrderStatus;
      changed_by_user_id: number | null;
      reason: PlatformReason | null;
      changed_at: Date;
    }[] = await this.db.tx.query(
      `SELECT id, status, changed_by_user_id, reason, changed_at FROM order_status_history
           WHERE order_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [orderId, afterId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      changedByUserId: r.changed_by_user_id,
      reason: r.reason,
      changedAt: r.changed_at,
    }));
  }
}
