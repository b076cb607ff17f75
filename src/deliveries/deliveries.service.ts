import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/roles';
import { idsAfter } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import { UnitOfWork } from '../database/transaction-host';
import { LiveEventsWriter } from '../live/live-events.writer';
import { orderChangedConcurrently, orderNotFound } from '../orders/order.errors';
import { toOrderResponse } from '../orders/order.mapper';
import { OrdersRepository, type OrderView } from '../orders/orders.repository';
import { OrdersService } from '../orders/orders.service';
import { AutoCompleteJob } from './auto-complete.job';
import type { DeliveryResponse, RevisionRequestResponse } from './dto/delivery.dto';
import {
  DeliveriesRepository,
  type DeliveryRecord,
  type RevisionRequestRecord,
} from './deliveries.repository';

const toDeliveryResponse = (d: DeliveryRecord): DeliveryResponse => ({
  id: d.id,
  orderId: d.orderId,
  message: d.message,
  createdAt: d.createdAt.toISOString(),
});

const toRevisionRequestResponse = (r: RevisionRequestRecord): RevisionRequestResponse => ({
  id: r.id,
  orderId: r.orderId,
  reason: r.reason,
  createdAt: r.createdAt.toISOString(),
});

/**
 * Deliveries and revision requests of PROTECTED orders. Whether one is allowed is decided by
 * the order's process (order-process.ts), as for every status change; the write is
 * conditional on the status it was decided from, and the live event commits with it.
 */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly orders: OrdersRepository,
    private readonly orderChanges: OrdersService,
    private readonly live: LiveEventsWriter,
    private readonly uow: UnitOfWork,
    private readonly autoComplete: AutoCompleteJob,
  ) {}

  async deliver(user: AuthUser, orderId: number, message: string): Promise<DeliveryResponse> {
    await this.orderChanges.judge(user, orderId, 'DELIVERED', 'delivery');
    return this.uow.run(async () => {
      const delivery = await this.deliveries.deliver(orderId, user.id, message);
      if (!delivery) throw orderChangedConcurrently();
      const order = await this.announce(user, orderId);
      if (order.autoCompleteAt) await this.autoComplete.schedule(orderId, order.autoCompleteAt);
      return toDeliveryResponse(delivery);
    });
  }

  async requestRevision(
    user: AuthUser,
    orderId: number,
    reason: string,
  ): Promise<RevisionRequestResponse> {
    await this.orderChanges.judge(user, orderId, 'IN_PROGRESS', 'revision');
    return this.uow.run(async () => {
      const request = await this.deliveries.requestRevision(orderId, user.id, reason);
      if (!request) throw orderChangedConcurrently();
      await this.announce(user, orderId);
      return toRevisionRequestResponse(request);
    });
  }

  async listDeliveries(orderId: number, query: PageQueryDto): Promise<Page<DeliveryResponse>> {
    const rows = await this.deliveries.deliveries(orderId, idsAfter(query.cursor), query.limit + 1);
    return Page.fromRows(rows, query.limit, toDeliveryResponse);
  }

  async listRevisionRequests(
    orderId: number,
    query: PageQueryDto,
  ): Promise<Page<RevisionRequestResponse>> {
    const rows = await this.deliveries.revisionRequests(
      orderId,
      idsAfter(query.cursor),
      query.limit + 1,
    );
    return Page.fromRows(rows, query.limit, toRevisionRequestResponse);
  }

  /** The order's new state, to its parties' streams, as every status change is. */
  private async announce(user: AuthUser, orderId: number): Promise<OrderView> {
    const view = await this.orders.findView(orderId, user.id);
    if (!view) throw orderNotFound(orderId);
    await this.live.record('order.status_changed', { orderId }, toOrderResponse(view));
    return view;
  }
}
