import { defineQueue } from '../jobs/job-queue';

/**
 * Transfers a payout to the seller's connected Stripe account. A failed call is retried from
 * 2 s on (then 4, 8, ...): Stripe's blips are short, and the sweep covers longer outages.
 */
export const PAYOUT_EXECUTION = defineQueue<{ payoutId: number }>('payouts-execution', {
  retryDelaySeconds: 2,
});

/** Every ten minutes, sends again the payouts left PENDING after their job gave up. */
export const PAYOUT_EXECUTION_SWEEP = defineQueue<Record<string, never>>('payouts-execution-sweep');
