import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { OrderStatus } from '../../orders/order-status';

/** An order as the API shows it, read in one query with its open-dispute flag. */
export interface OrderRecord {
  id: number;
  buyerId: number;
  sellerId: number;
  itemId: number;
  finalPriceCents: number;
  status: OrderStatus;
  hasOpenDispute: boolean;
  /** Messages from the other side the viewer has not marked read. */
  unreadCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The select list that every order read shares, so they all map with `toOrderRecord`.
 * `viewer` is the SQL parameter holding the caller's id, for the unread count. Each part is
 * one index probe per row: the open-dispute check is a LIMIT 1 subquery rather than EXISTS,
 * which PostgreSQL would turn into a hash of every open dispute on the platform for a list.
 */
export const orderColumns = (viewer: string | null) => `o.id, o.buyer_id, o.seller_id,
  o.item_id, o.final_price_cents, o.status, o.created_at, o.updated_at,
  (SELECT true FROM disputes d WHERE d.order_id = o.id AND d.status = 'OPEN' LIMIT 1)
    IS NOT NULL AS has_open_dispute,
  ${
    viewer === null
      ? '0'
      : `(SELECT count(*) FROM order_messages m
          WHERE m.order_id = o.id AND m.sender_id <> ${viewer}
            AND m.id > COALESCE((SELECT r.last_read_message_id FROM order_message_reads r
                                 WHERE r.order_id = o.id AND r.user_id = ${viewer}), 0))::int`
  } AS unread_count`;

export interface OrderRow {
  id: number;
  buyer_id: number;
  seller_id: number;
  item_id: number;
  final_price_cents: number;
  status: OrderStatus;
  has_open_dispute: boolean;
  unread_count: number;
  created_at: Date;
  updated_at: Date;
}

export const toOrderRecord = (r: OrderRow): OrderRecord => ({
  id: r.id,
  buyerId: r.buyer_id,
  sellerId: r.seller_id,
  itemId: r.item_id,
  finalPriceCents: r.final_price_cents,
  status: r.status,
  hasOpenDispute: r.has_open_dispute,
  unreadCount: r.unread_count,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

@Injectable()
export class OrderLookup {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The order, with its unread count for `viewerId` when one is given. */
  async find(id: number, viewerId?: number): Promise<OrderRecord | null> {
    const rows: OrderRow[] = await this.dataSource.query(
      `SELECT ${orderColumns(viewerId === undefined ? null : '$2')} FROM orders o WHERE o.id = $1`,
      viewerId === undefined ? [id] : [id, viewerId],
    );
    return rows.length ? toOrderRecord(rows[0]) : null;
  }
}
