import { Injectable, OnModuleInit } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import { JobsService } from '../jobs/jobs.service';
import { CLEARANCE, CLEARANCE_SWEEP } from './earnings.queues';
import { EarningsService } from './earnings.service';

/** Orders one sweep looks at; the next minute's sweep takes the rest. */
const SWEEP_BATCH = 500;

/**
 * Earnings clear by durable jobs: one sent for each order's availableAt when its entries start
 * clearing, and a sweep every minute for anything due that no job covers (entries from before
 * the ledger, or a job lost with its queue). Either one applies the order's state again in its
 * own transaction, so a stale or repeated run changes nothing.
 */
@Injectable()
export class ClearanceJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly earnings: EarningsService,
    private readonly uow: UnitOfWork,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.register(CLEARANCE, ({ orderId }) => this.clear(orderId));
    await this.jobs.register(CLEARANCE_SWEEP, () => this.sweep());
    await this.jobs.schedule(CLEARANCE_SWEEP, '* * * * *');
  }

  private clear(orderId: number): Promise<void> {
    return this.uow.run(() => this.earnings.follow(orderId));
  }

  private async sweep(): Promise<void> {
    const due = await this.earnings.dueForClearance(SWEEP_BATCH);
    for (const orderId of due) await this.clear(orderId);
  }
}
