import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import type { AuthUser } from '../common/auth/roles';
import { toCents } from '../common/money';
import { decodeIdCursor, idsAfter } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import { LiveEventsWriter } from '../live/live-events.writer';
import type {
  CreateOrderDto,
  OrderHistoryEntryResponse,
  OrderListQueryDto,
  OrderResponse,
} from './dto/order.dto';
import { OrderErrors, orderChangedConcurrently, orderNotFound } from './order.errors';
import {
  actorOf,
  decide,
  PLATFORM,
  type OrderStatus,
  type PlatformReason,
  type Via,
} from './order-process';
import { toOrderResponse } from './order.mapper';
import { OrdersRepository, type CreateOrderResult, type OrderForChange } from './orders.repository';
import { itemNotFound } from '../items/item.errors';
import { EarningsService } from '../earnings/earnings.service';
import type { OrderView } from './orders.repository';

type Refusal<T> = T extends { ok: false; reason: infer R } ? R : never;

const CREATE_REFUSED: Record<Refusal<CreateOrderResult>, (itemId: number) => Error> = {
  ITEM_NOT_FOUND: itemNotFound,
  OWN_ITEM: () => OrderErrors.ORDER_OWN_LISTING('You cannot order your own listing.'),
  NO_PRICE: () =>
    OrderErrors.ORDER_PRICE_REQUIRED(
      'finalPrice is required: this listing has no basePrice to fall back on.',
    ),
};

@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly live: LiveEventsWriter,
    private readonly uow: UnitOfWork,
    private readonly earnings: EarningsService,
  ) {}

  async create(user: AuthUser, dto: CreateOrderDto): Promise<OrderResponse> {
    const priceCents = dto.finalPrice == null ? null : toCents(dto.finalPrice);
    const result = await this.orders.create(user.id, dto.itemId, priceCents);
    if (!result.ok) throw CREATE_REFUSED[result.reason](dto.itemId);
    return toOrderResponse(result.order);
  }

  async list(user: AuthUser, query: OrderListQueryDto): Promise<Page<OrderResponse>> {
    const rows = await this.orders.listFor(user.id, {
      side: query.role,
      status: query.status,
      beforeId: query.cursor ? decodeIdCursor(query.cursor) : undefined,
      limit: query.limit + 1,
    });
    return Page.fromRows(rows, query.limit, toOrderResponse);
  }

  /**
   * Moves the order along its process. `decide` (order-process.ts) is the only judge; the update is
   * conditional on the status the decision was made from, so of two concurrent changes from
   * one status exactly one applies. The live event, and the ledger's following of the order,
   * commit with it.
   */
  async changeStatus(
    user: AuthUser,
    orderId: number,
    to: OrderStatus,
    via: Via = 'status',
  ): Promise<OrderResponse> {
    const { status: from } = await this.judge(user, orderId, to, via);
    return this.uow.run(async () => {
      const changed = await this.orders.changeStatus(orderId, from, to, user.id);
      if (!changed) throw orderChangedConcurrently();
      return this.changed(changed);
    });
  }

  /**
   * A change the platform makes by itself (a timer), in the caller's unit of work: the process
   * must allow it (`via`), and the update happens only while the order is still `from` and
   * `stillDue` holds. Null when the job is stale and nothing changed.
   */
  async changeByPlatform(
    order: OrderForChange,
    to: OrderStatus,
    via: Extract<Via, 'auto-complete' | 'cancellation-expiry'>,
    reason: PlatformReason,
  ): Promise<OrderResponse | null> {
    if (!decide(order, to, via, PLATFORM).allowed) return null;
    const stillDue = via === 'auto-complete' ? 'autoCompleteDue' : 'always';
    const changed = await this.orders.changeByPlatform(
      order.id,
      order.status,
      to,
      reason,
      stillDue,
    );
    return changed ? this.changed(changed) : null;
  }

  /** What follows every status change, in its transaction: its live event and the ledger. */
  private async changed(view: OrderView): Promise<OrderResponse> {
    const order = toOrderResponse(view);
    await this.live.record('order.status_changed', { orderId: order.id }, order);
    await this.earnings.follow(order.id);
    return order;
  }

  /**
   * The order, if its process lets `user` move it to `to` by `via`; the refusal (with the route
   * to use) otherwise. Every change a person asks for is judged here, whichever route makes it.
   */
  async judge(user: AuthUser, orderId: number, to: OrderStatus, via: Via): Promise<OrderForChange> {
    const order = await this.orders.findForChange(orderId);
    if (!order) throw orderNotFound(orderId);
    const decision = decide(order, to, via, actorOf(order, user));
    if (!decision.allowed) throw OrderErrors[decision.code](decision.message);
    return order;
  }

  async history(orderId: number, query: PageQueryDto): Promise<Page<OrderHistoryEntryResponse>> {
    const rows = await this.orders.history(orderId, idsAfter(query.cursor), query.limit + 1);
    return Page.fromRows(rows, query.limit, (r) => ({
      status: r.status,
      changedByUserId: r.changedByUserId,
      reason: r.reason,
      changedAt: r.changedAt.toISOString(),
    }));
  }

  /** The order as the caller sees it (their unread count); access was checked on the route. */
  async get(user: AuthUser, orderId: number): Promise<OrderResponse> {
    const order = await this.orders.findView(orderId, user.id);
    if (!order) throw orderNotFound(orderId);
    return toOrderResponse(order);
  }
}
