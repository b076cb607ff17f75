import { Injectable, OnModuleInit } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import { defineQueue } from '../jobs/job-queue';
import { JobsService } from '../jobs/jobs.service';
import { LiveEventsWriter } from '../live/live-events.writer';
import { decide, PLATFORM } from '../orders/order-process';
import { toOrderResponse } from '../orders/order.mapper';
import { OrdersRepository } from '../orders/orders.repository';
import { CancellationRequestsRepository } from './cancellation-requests.repository';

export const CANCELLATION_EXPIRY = defineQueue<{ requestId: number }>('order-cancellation-expiry');

/**
 * A cancellation request left unanswered until its respondBy expires, and the order is
 * cancelled: a durable job, sent in the transaction that made the request. A stale job (the
 * request was answered) changes nothing: the request expires only if still PENDING and due,
 * and the order is cancelled only if its process still allows it, by conditional statements
 * in one transaction.
 */
@Injectable()
export class CancellationExpiryJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly requests: CancellationRequestsRepository,
    private readonly orders: OrdersRepository,
    private readonly live: LiveEventsWriter,
    private readonly uow: UnitOfWork,
  ) {}

  onModuleInit(): Promise<void> {
    return this.jobs.register(CANCELLATION_EXPIRY, ({ requestId }) => this.run(requestId));
  }

  /** Within the caller's unit of work: the job exists only if it commits. */
  async schedule(requestId: number, at: Date): Promise<void> {
    await this.jobs.sendAt(CANCELLATION_EXPIRY, { requestId }, at);
  }

  private run(requestId: number): Promise<void> {
    return this.uow.run(async () => {
      const expired = await this.requests.expireIfDue(requestId);
      if (!expired) return;
      const order = await this.orders.findForChange(expired.orderId);
      if (!order || !decide(order, 'CANCELLED', 'cancellation-expiry', PLATFORM).allowed) return;
      const changed = await this.orders.changeByPlatform(
        order.id,
        order.status,
        'CANCELLED',
        'CANCELLATION_EXPIRED',
        'always',
      );
      if (changed) {
        await this.live.record(
          'order.status_changed',
          { orderId: order.id },
          toOrderResponse(changed),
        );
      }
    });
  }
}
