import { defineQueue } from '../jobs/job-queue';

/** Transfers a payout to the seller's connected Stripe account. */
export const PAYOUT_EXECUTION = defineQueue<{ payoutId: number }>('payouts-execution');

/** Every ten minutes, sends again the payouts left PENDING after their job gave up. */
export const PAYOUT_EXECUTION_SWEEP = defineQueue<Record<string, never>>('payouts-execution-sweep');
