import { defineErrors } from '../common/errors/domain-error';

export const ReviewErrors = defineErrors({
  REVIEW_ONLY_BY_BUYER: { status: 403, meaning: 'Only the buyer of the order may review it.' },
  REVIEW_ORDER_NOT_COMPLETED: {
    status: 409,
    meaning:
      'The order is not COMPLETED yet (or was cancelled); only a COMPLETED order is reviewed.',
  },
  REVIEW_ALREADY_EXISTS: {
    status: 409,
    meaning: 'The order has already been reviewed: one review per order.',
  },
  REVIEW_NOT_FOUND: { status: 404, meaning: 'The review does not exist (or was removed).' },
});
