import { Injectable, OnModuleInit } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import { defineQueue } from '../jobs/job-queue';
import { JobsService } from '../jobs/jobs.service';
import { OrdersRepository } from '../orders/orders.repository';
import { OrdersService } from '../orders/orders.service';

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
    private readonly orderChanges: OrdersService,
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
      if (!order) return;
      await this.orderChanges.changeByPlatform(
        order,
        'COMPLETED',
        'auto-complete',
        'AUTO_COMPLETED',
      );
    });
  }
}
