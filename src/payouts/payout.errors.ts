import { defineErrors } from '../common/errors/domain-error';

export const PayoutErrors = defineErrors({
  PAYOUT_NOTHING_AVAILABLE: {
    status: 409,
    meaning:
      'The seller has nothing AVAILABLE to pay out (or refunds since the last payout exceed it).',
  },
  PAYOUT_NOT_FOUND: { status: 404, meaning: 'The payout does not exist.' },
  PAYOUT_NOT_MANUAL: {
    status: 409,
    meaning:
      "Only a MANUAL payout's outcome is recorded by hand; Stripe's transfers record their own, " +
      'and a recorded outcome is final.',
  },
});

export const payoutNotFound = (id: number) =>
  PayoutErrors.PAYOUT_NOT_FOUND(`Payout ${id} does not exist.`);
