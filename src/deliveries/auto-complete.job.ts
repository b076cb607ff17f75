import { Injectable, OnModuleInit } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import { defineQueue } from '../jobs/job-queue';
import { JobsService } from '../jobs/jobs.service';
import { LiveEventsWriter } from '../live/live-events.writer';
import { decide, PLATFORM } from '../orders/order-process';
import { toOrderResponse } from '../orders/order.mapper';
import { OrdersRepository } from '../orders/orders.repository';

export const AUTO_COMPLETE = defineQueue<{ orderId: number }>('order-auto-complete');

/**
 * A DELIVERED PROTECTED order completes by itself at its autoCompleteAt: a durable job, sent in
 * the transaction of the delivery. The job may be stale (the buyer accepted, asked for changes,
 * or a dispute stopped the clock): it asks the process, then changes the order only if it is
 * still DELIVERED and due, in one statement, so it never moves an order someone else moved.
 */
@Injectable()
export class AutoCompleteJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly orders: OrdersRepository,
    private readonly live: LiveEventsWriter,
    private readonly uow: UnitOfWork,
  ) {}

  onModuleInit(): Promise<void> {
    return this.jobs.register(AUTO_COMPLETE, ({ orderId }) => this.run(orderId));
  }

  /** Within the caller's unit of work: the job exists only if it commits. */
  async schedule(orderId: number, at: Date): Promise<void> {
    await this.jobs.sendAt(AUTO_COMPLETE, { orderId }, at);
  }

  private run(orderId: number): Promise<void> {
    return this.uow.run(async () => {
      const order = await this.orders.findForChange(orderId);
      if (!order || !decide(order, 'COMPLETED', 'auto-complete', PLATFORM).allowed) return;
      const changed = await this.orders.changeByPlatform(
        orderId,
        'DELIVERED',
        'COMPLETED',
        'AUTO_COMPLETED',
        'autoCompleteDue',
      );
      if (changed) {
        await this.live.record('order.status_changed', { orderId }, toOrderResponse(changed));
      }
    });
  }
}
