import { defineErrors } from '../common/errors/domain-error';

export const CancellationErrors = defineErrors({
  CANCELLATION_REQUEST_NOT_FOUND: {
    status: 404,
    meaning: 'The order has no cancellation request with that id.',
  },
  CANCELLATION_REQUEST_ALREADY_PENDING: {
    status: 409,
    meaning: 'The order already has a PENDING cancellation request; answer or wait for it.',
  },
  CANCELLATION_REQUEST_NOT_PENDING: {
    status: 409,
    meaning: 'The cancellation request was already accepted, declined or expired.',
  },
  CANCELLATION_REQUEST_OWN: {
    status: 403,
    meaning: 'The other party answers a cancellation request, not the one who made it.',
  },
});
