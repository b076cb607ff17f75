import { defineErrors } from '../common/errors/domain-error';

export const PayoutErrors = defineErrors({
  PAYOUT_NOTHING_AVAILABLE: {
    status: 409,
    meaning:
      'The seller has nothing AVAILABLE to pay out (or refunds since the last payout exceed it).',
  },
});
