import { defineQueue } from '../jobs/job-queue';

/** Looks at an order's entries again when they are due to clear. */
export const CLEARANCE = defineQueue<{ orderId: number }>('earnings-clearance');

/** Every minute, clears what is due and was missed (entries from before the ledger, a lost run). */
export const CLEARANCE_SWEEP = defineQueue<Record<string, never>>('earnings-clearance-sweep');

/**
 * Makes a refund decided by dispute resolution at Stripe. A failed call is retried from 2 s on
 * (then 4, 8, ...): Stripe's blips are short, and the sweep covers longer outages.
 */
export const REFUND_EXECUTION = defineQueue<{ entryId: number }>('earnings-refund-execution', {
  retryDelaySeconds: 2,
});

/** Every ten minutes, sends again the refunds left PENDING after their job gave up. */
export const REFUND_EXECUTION_SWEEP = defineQueue<Record<string, never>>(
  'earnings-refund-execution-sweep',
);
