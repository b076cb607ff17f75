import { Injectable, OnModuleInit } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import { defineQueue } from '../jobs/job-queue';
import { JobsService } from '../jobs/jobs.service';
import { OrdersRepository } from '../orders/orders.repository';
import { OrdersService } from '../orders/orders.service';
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
    private readonly orderChanges: OrdersService,
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
      if (order) {
        await this.orderChanges.changeByPlatform(
          order,
          'CANCELLED',
          'cancellation-expiry',
          'CANCELLATION_EXPIRED',
        );
      }
    });
  }
}
