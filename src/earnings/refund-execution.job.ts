import { Injectable, OnModuleInit } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import { JobsService } from '../jobs/jobs.service';
import { StripeGateway } from '../stripe/stripe.gateway';
import { REFUND_EXECUTION, REFUND_EXECUTION_SWEEP } from './earnings.queues';

/** A PENDING refund this old has outlived its job's retries: it is sent again. */
const STUCK_AFTER_MS = 30 * 60_000;
const SWEEP_BATCH = 200;
import { EarningsRepository } from './earnings.repository';

/**
 * Makes a refund that dispute resolution decided, at Stripe, once the resolution has committed
 * (the job is sent in its transaction). The ledger entry's id is Stripe's idempotency key, so a
 * run repeated after a crash or a timeout gets Stripe's first answer rather than a second
 * refund. Stripe's refund id and status are recorded on the entry; a refusal marks it FAILED
 * with Stripe's reason, for an operator; an unreachable Stripe fails the run, which is retried,
 * and a refund still PENDING once its retries are spent is sent again by a sweep every ten
 * minutes, with the same key.
 */
@Injectable()
export class RefundExecutionJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly ledger: EarningsRepository,
    private readonly stripe: StripeGateway,
    private readonly uow: UnitOfWork,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.register(REFUND_EXECUTION, ({ entryId }) => this.run(entryId));
    await this.jobs.register(REFUND_EXECUTION_SWEEP, () => this.sweep());
    await this.jobs.schedule(REFUND_EXECUTION_SWEEP, '*/10 * * * *');
  }

  private async sweep(): Promise<void> {
    const olderThan = new Date(Date.now() - STUCK_AFTER_MS);
    for (const entryId of await this.ledger.stuckRefunds(olderThan, SWEEP_BATCH)) {
      await this.jobs.sendAt(REFUND_EXECUTION, { entryId }, new Date());
    }
  }

  private async run(entryId: number): Promise<void> {
    const refund = await this.ledger.refundToExecute(entryId);
    if (!refund || refund.execution !== 'PENDING') return;
    const outcome = await this.stripe.refund(
      refund.stripeTxId,
      refund.amountCents,
      refund.currency,
      `ledger-entry-${entryId}`,
    );
    await this.uow.run(() =>
      outcome.ok
        ? this.ledger.setExecution(entryId, outcome.status, outcome.id, null)
        : this.ledger.setExecution(entryId, 'FAILED', null, outcome.error),
    );
  }
}
