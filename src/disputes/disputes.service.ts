import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DisputeAccess } from '../common/access/dispute-party.guard';
import { OrderLookup } from '../common/access/order-lookup';
import type { AuthUser } from '../common/auth/roles';
import { isUniqueViolation } from '../common/errors/pg-errors';
import { toCents } from '../common/money';
import { idsBefore, idsAfter } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import { LiveEventsWriter } from '../live/live-events.writer';
import { PaymentsService } from '../payments/payments.service';
import {
  DISPUTE_COLUMNS,
  toDisputeMessageResponse,
  toDisputeResponse,
  type DisputeMessageRow,
  type DisputeRow,
} from './dispute.mapper';
import type {
  CreateDisputeDto,
  DisputeMessageResponse,
  DisputeResponse,
  DisputeWithMessagesResponse,
  ResolveDisputeDto,
} from './dto/dispute.dto';

@Injectable()
export class DisputesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrderLookup,
    private readonly payments: PaymentsService,
    private readonly live: LiveEventsWriter,
  ) {}

  /**
   * Opens a dispute for a party of the order. The partial unique index "one OPEN dispute per
   * order" decides between concurrent opens: one insert wins, the others become 409.
   */
  async open(user: AuthUser, dto: CreateDisputeDto): Promise<DisputeResponse> {
    let rows: DisputeRow[];
    try {
      rows = await this.dataSource.query(
        `WITH created AS (
           INSERT INTO disputes (order_id, created_by_user_id, reason)
           SELECT o.id, $2, $3 FROM orders o
           WHERE o.id = $1 AND (o.buyer_id = $2 OR o.seller_id = $2)
           RETURNING *
         )
         SELECT ${DISPUTE_COLUMNS} FROM created d JOIN users u ON u.id = d.created_by_user_id`,
        [dto.orderId, user.id, dto.reason],
      );
    } catch (err) {
      if (isUniqueViolation(err, 'disputes_one_open_per_order')) {
        throw new ConflictException(
          'This order already has an OPEN dispute; continue in its thread.',
        );
      }
      throw err;
    }
    if (rows.length) return toDisputeResponse(rows[0]);
    const order = await this.orders.find(dto.orderId);
    if (!order) throw new NotFoundException(`Order ${dto.orderId} does not exist.`);
    throw new ForbiddenException('Only the buyer or the seller of this order may open a dispute.');
  }

  /** One dispute with its thread, oldest message first. */
  async get(disputeId: number): Promise<DisputeWithMessagesResponse> {
    const [dispute, messages] = await Promise.all([
      this.dataSource.query<DisputeRow[]>(
        `SELECT ${DISPUTE_COLUMNS} FROM disputes d JOIN users u ON u.id = d.created_by_user_id
         WHERE d.id = $1`,
        [disputeId],
      ),
      this.dataSource.query<DisputeMessageRow[]>(
        `SELECT m.id, m.dispute_id, m.user_id, u.username, m.message, m.created_at
         FROM dispute_messages m JOIN users u ON u.id = m.user_id
         WHERE m.dispute_id = $1 ORDER BY m.id`,
        [disputeId],
      ),
    ]);
    if (!dispute.length) throw new NotFoundException(`Dispute ${disputeId} does not exist.`);
    return { ...toDisputeResponse(dispute[0]), messages: messages.map(toDisputeMessageResponse) };
  }

  /** The order's OPEN dispute, or else its newest one. */
  async forOrder(orderId: number): Promise<DisputeWithMessagesResponse> {
    const rows: { id: number }[] = await this.dataSource.query(
      `SELECT id FROM disputes WHERE order_id = $1
       ORDER BY (status = 'OPEN') DESC, id DESC LIMIT 1`,
      [orderId],
    );
    if (!rows.length) throw new NotFoundException(`Order ${orderId} has no dispute.`);
    return this.get(rows[0].id);
  }

  /**
   * Disputes on the caller's orders, either side, newest first: one query (two bounded index
   * scans merged), not one per order.
   */
  async mine(user: AuthUser, query: PageQueryDto): Promise<Page<DisputeResponse>> {
    const before = idsBefore(query.cursor);
    const side = (column: string) =>
      `SELECT ${DISPUTE_COLUMNS} FROM orders o
       JOIN disputes d ON d.order_id = o.id
       JOIN users u ON u.id = d.created_by_user_id
       WHERE o.${column} = $1 AND d.id < $2 ORDER BY d.id DESC LIMIT $3`;
    const rows: DisputeRow[] = await this.dataSource.query(
      `SELECT * FROM ((${side('buyer_id')}) UNION ALL (${side('seller_id')})) AS mine
       ORDER BY id DESC LIMIT $3`,
      [user.id, before, query.limit + 1],
    );
    return Page.fromRows(rows, query.limit, toDisputeResponse);
  }

  /** The admin queue: OPEN disputes, oldest (longest waiting) first. */
  async openQueue(query: PageQueryDto): Promise<Page<DisputeResponse>> {
    const after = idsAfter(query.cursor);
    const rows: DisputeRow[] = await this.dataSource.query(
      `SELECT ${DISPUTE_COLUMNS} FROM disputes d JOIN users u ON u.id = d.created_by_user_id
       WHERE d.status = 'OPEN' AND d.id > $1 ORDER BY d.id LIMIT $2`,
      [after, query.limit + 1],
    );
    return Page.fromRows(rows, query.limit, toDisputeResponse);
  }

  /** Every dispute, newest first (ADMIN). */
  async all(query: PageQueryDto): Promise<Page<DisputeResponse>> {
    const before = idsBefore(query.cursor);
    const rows: DisputeRow[] = await this.dataSource.query(
      `SELECT ${DISPUTE_COLUMNS} FROM disputes d JOIN users u ON u.id = d.created_by_user_id
       WHERE d.id < $1 ORDER BY d.id DESC LIMIT $2`,
      [before, query.limit + 1],
    );
    return Page.fromRows(rows, query.limit, toDisputeResponse);
  }

  /**
   * Adds to the thread; the insert only happens while the dispute is OPEN (same statement, FOR
   * SHARE so that a resolve in flight is waited for and its CLOSED seen), and the live event is
   * written in the same transaction.
   */
  async postMessage(
    user: AuthUser,
    access: DisputeAccess,
    message: string,
  ): Promise<DisputeMessageResponse> {
    return this.dataSource.transaction(async (tx) => {
      const rows: DisputeMessageRow[] = await tx.query(
        `WITH created AS (
           INSERT INTO dispute_messages (dispute_id, user_id, message)
           SELECT id, $2, $3 FROM disputes WHERE id = $1 AND status = 'OPEN' FOR SHARE
           RETURNING *
         )
         SELECT m.id, m.dispute_id, m.user_id, u.username, m.message, m.created_at
         FROM created m JOIN users u ON u.id = m.user_id`,
        [access.disputeId, user.id, message],
      );
      if (!rows.length) {
        throw new ConflictException('This dispute is CLOSED; its thread no longer takes messages.');
      }
      const created = toDisputeMessageResponse(rows[0]);
      const ref = { orderId: access.orderId, disputeId: access.disputeId };
      await this.live.record('dispute.message_created', ref, created, tx);
      return created;
    });
  }

  /**
   * Closes the dispute with the admin's resolution: one conditional update (only while OPEN),
   * so a second resolve is a 409. A refund is recorded in the same transaction, and anything
   * wrong with it rolls the close back.
   */
  async resolve(disputeId: number, dto: ResolveDisputeDto): Promise<DisputeResponse> {
    return this.dataSource.transaction(async (tx) => {
      const rows: DisputeRow[] = await tx.query(
        `WITH closed AS (
           UPDATE disputes SET status = 'CLOSED', resolution = $2, closed_at = now()
           WHERE id = $1 AND status = 'OPEN'
           RETURNING *
         )
         SELECT ${DISPUTE_COLUMNS} FROM closed d JOIN users u ON u.id = d.created_by_user_id`,
        [disputeId, dto.resolution],
      );
      if (!rows.length) {
        const exists: unknown[] = await tx.query('SELECT 1 FROM disputes WHERE id = $1', [
          disputeId,
        ]);
        if (!exists.length) throw new NotFoundException(`Dispute ${disputeId} does not exist.`);
        throw new ConflictException('This dispute is already CLOSED.');
      }
      // null, like an omitted refundAmount, means no refund (the DTO lets both through).
      if (dto.refundAmount != null) {
        await this.payments.refund(tx, rows[0].order_id, toCents(dto.refundAmount));
      }
      const resolved = toDisputeResponse(rows[0]);
      const ref = { orderId: resolved.orderId, disputeId: resolved.id };
      await this.live.record('dispute.resolved', ref, resolved, tx);
      return resolved;
    });
  }
}
