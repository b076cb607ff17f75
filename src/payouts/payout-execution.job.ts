import { Injectable, OnModuleInit } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import { JobsService } from '../jobs/jobs.service';
import { StripeGateway } from '../stripe/stripe.gateway';
import { PayoutsRepository } from './payouts.repository';
import { PAYOUT_EXECUTION, PAYOUT_EXECUTION_SWEEP } from './payouts.queues';

/** A PENDING payout this old has outlived its job's retries: it is sent again. */
const STUCK_AFTER_MS = 30 * 60_000;
const SWEEP_BATCH = 200;

/**
 * Transfers a payout to the seller's connected account at Stripe, once the payout has
 * committed. The payout's id is Stripe's idempotency key, so a repeated run gets Stripe's first
 * answer, never a second transfer. Stripe's transfer id is recorded. A refusal marks the payout
 * FAILED with Stripe's reason and gives its money back to the seller's AVAILABLE balance, for
 * the next payout. An unreachable Stripe fails the run, which is retried; a payout still PENDING
 * once its retries are spent is sent again by a sweep every ten minutes, with the same key.
 */
@Injectable()
export class PayoutExecutionJob implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly payouts: PayoutsRepository,
    private readonly stripe: StripeGateway,
    private readonly uow: UnitOfWork,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.register(PAYOUT_EXECUTION, ({ payoutId }) => this.run(payoutId));
    await this.jobs.register(PAYOUT_EXECUTION_SWEEP, () => this.sweep());
    await this.jobs.schedule(PAYOUT_EXECUTION_SWEEP, '*/10 * * * *');
  }

  private async sweep(): Promise<void> {
    const stuck = await this.payouts.stuck(new Date(Date.now() - STUCK_AFTER_MS), SWEEP_BATCH);
    for (const payoutId of stuck) {
      await this.jobs.sendAt(PAYOUT_EXECUTION, { payoutId }, new Date());
    }
  }

  private async run(payoutId: number): Promise<void> {
    const payout = await this.payouts.toExecute(payoutId);
    if (!payout || payout.execution !== 'PENDING') return;
    const outcome = payout.destination
      ? await this.stripe.transfer(
          payout.destination,
          payout.amountCents,
          payout.currency,
          `payout-${payoutId}`,
        )
      : { ok: false as const, error: 'The seller no longer has a Stripe account.' };
    await this.uow.run(() =>
      this.payouts.record(
        payoutId,
        'PENDING',
        outcome.ok
          ? { execution: outcome.status, externalRef: outcome.id, note: null }
          : { execution: 'FAILED', externalRef: null, note: outcome.error },
      ),
    );
  }
}
