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
  createdAt: Date;
  updatedAt: Date;
}

/** The select list that every order read shares, so they all map with `toOrderRecord`. */
export const ORDER_COLUMNS = `o.id, o.buyer_id, o.seller_id, o.item_id, o.final_price_cents,
  o.status, o.created_at, o.updated_at,
  EXISTS (SELECT 1 FROM disputes d WHERE d.order_id = o.id AND d.status = 'OPEN')
    AS has_open_dispute`;

export interface OrderRow {
  id: number;
  buyer_id: number;
  seller_id: number;
  item_id: number;
  final_price_cents: number;
  status: OrderStatus;
  has_open_dispute: boolean;
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
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

@Injectable()
export class OrderLookup {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(id: number): Promise<OrderRecord | null> {
    const rows: OrderRow[] = await this.dataSource.query(
      `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1`,
      [id],
    );
    return rows.length ? toOrderRecord(rows[0]) : null;
  }
}
