import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  orderColumns,
  toOrderRecord,
  type OrderRecord,
  type OrderRow,
} from '../common/access/order-lookup';
import type { OrderAccess } from '../common/access/order-party.guard';
import type { AuthUser } from '../common/auth/roles';
import { toCents } from '../common/money';
import { LiveEventsWriter } from '../live/live-events.writer';
import { decodeIdCursor, idsAfter } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import type {
  CreateOrderDto,
  OrderHistoryEntryResponse,
  OrderListQueryDto,
  OrderResponse,
} from './dto/order.dto';
import { decideTransition, type OrderStatus } from './order-status';
import { toOrderResponse } from './order.mapper';

interface CreateResult {
  item_found: boolean;
  creator_id: number | null;
  base_price_cents: number | null;
  order: OrderRow | null;
}

@Injectable()
export class OrdersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly live: LiveEventsWriter,
  ) {}

  /**
   * One statement creates the order and its first history row, so both exist or neither does.
   * The listing is read in the same statement (share-locked against concurrent deletion), and
   * what it returns tells a missing listing from an own listing or a missing price.
   */
  async create(user: AuthUser, dto: CreateOrderDto): Promise<OrderResponse> {
    const priceCents = dto.finalPrice == null ? null : toCents(dto.finalPrice);
    const rows: CreateResult[] = await this.dataSource.query(
      `WITH item AS (
         SELECT id, creator_id, base_price_cents FROM items
         WHERE id = $1 AND deleted_at IS NULL FOR KEY SHARE
       ), created AS (
         INSERT INTO orders (buyer_id, seller_id, item_id, final_price_cents, status)
         SELECT $2, creator_id, id, COALESCE($3::int, base_price_cents), 'PENDING' FROM item
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
                        false AS has_open_dispute, 0 AS unread_count, created_at, updated_at
                 FROM created
               ) c) AS "order"`,
      [dto.itemId, user.id, priceCents],
    );
    const result = rows[0];
    if (!result.item_found) throw new NotFoundException(`Listing ${dto.itemId} does not exist.`);
    if (result.creator_id === user.id) {
      throw new BadRequestException('You cannot order your own listing.');
    }
    if (!result.order) {
      throw new BadRequestException(
        'finalPrice is required: this listing has no basePrice to fall back on.',
      );
    }
    const order = result.order;
    return toOrderResponse(
      toOrderRecord({
        ...order,
        created_at: new Date(order.created_at),
        updated_at: new Date(order.updated_at),
      }),
    );
  }

  /**
   * The caller's orders, newest first. Without a role filter the two index scans (as buyer,
   * as seller) are merged, each bounded by the page size, so a deep page stays cheap.
   */
  async list(user: AuthUser, query: OrderListQueryDto): Promise<Page<OrderResponse>> {
    const params: unknown[] = [user.id, query.limit + 1];
    let filter = '';
    if (query.status) {
      params.push(query.status);
      filter += ` AND o.status = $${params.length}`;
    }
    if (query.cursor) {
      params.push(decodeIdCursor(query.cursor));
      filter += ` AND o.id < $${params.length}`;
    }
    const side = (column: string) =>
      `SELECT ${orderColumns('$1')} FROM orders o
       WHERE o.${column} = $1${filter} ORDER BY o.id DESC LIMIT $2`;
    const sql =
      query.role === 'buyer'
        ? side('buyer_id')
        : query.role === 'seller'
          ? side('seller_id')
          : `SELECT * FROM ((${side('buyer_id')}) UNION ALL (${side('seller_id')})) AS mine
             ORDER BY id DESC LIMIT $2`;
    const rows: OrderRow[] = await this.dataSource.query(sql, params);
    return Page.fromRows(rows.map(toOrderRecord), query.limit, toOrderResponse);
  }

  /**
   * Moves the order along the lifecycle. `decideTransition` is the only judge; the update is
   * conditional on the status the decision was made from and writes the history row in the
   * same statement, so of two concurrent changes from one status exactly one applies. The
   * live event is written in the same transaction.
   */
  async changeStatus(user: AuthUser, access: OrderAccess, to: OrderStatus): Promise<OrderResponse> {
    const from = access.order.status;
    const decision = decideTransition(from, to, access);
    if (!decision.allowed) {
      if (decision.reason === 'forbidden') throw new ForbiddenException(decision.message);
      throw new ConflictException(decision.message);
    }
    return this.dataSource.transaction(async (tx) => {
      const rows: OrderRow[] = await tx.query(
        `WITH changed AS (
           UPDATE orders SET status = $3, updated_at = now()
           WHERE id = $1 AND status = $2
           RETURNING *
         ), history AS (
           INSERT INTO order_status_history (order_id, status, changed_by_user_id, changed_at)
           SELECT id, status, $4, updated_at FROM changed
         )
         SELECT ${orderColumns('$4')} FROM changed o`,
        [access.order.id, from, to, user.id],
      );
      if (rows.length === 0) {
        throw new ConflictException(
          'The order changed while this request was handled; reload it and try again.',
        );
      }
      const order = toOrderResponse(toOrderRecord(rows[0]));
      await this.live.record('order.status_changed', { orderId: order.id }, order, tx);
      return order;
    });
  }

  async history(orderId: number, query: PageQueryDto): Promise<Page<OrderHistoryEntryResponse>> {
    const after = idsAfter(query.cursor);
    const rows: {
      id: number;
      status: OrderStatus;
      changed_by_user_id: number;
      changed_at: Date;
    }[] = await this.dataSource.query(
      `SELECT id, status, changed_by_user_id, changed_at FROM order_status_history
         WHERE order_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [orderId, after, query.limit + 1],
    );
    return Page.fromRows(rows, query.limit, (r) => ({
      status: r.status,
      changedByUserId: r.changed_by_user_id,
      changedAt: r.changed_at.toISOString(),
    }));
  }

  view(order: OrderRecord): OrderResponse {
    return toOrderResponse(order);
  }
}
