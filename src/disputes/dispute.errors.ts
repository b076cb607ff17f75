import { defineErrors } from '../common/errors/domain-error';

export const DisputeErrors = defineErrors({
  DISPUTE_NOT_FOUND: { status: 404, meaning: 'The dispute does not exist.' },
  DISPUTE_ACCESS_DENIED: {
    status: 403,
    meaning: "Only the parties to the dispute's order or an admin may do this.",
  },
  DISPUTE_NONE_FOR_ORDER: { status: 404, meaning: 'The order has never had a dispute.' },
  DISPUTE_PARTY_REQUIRED: {
    status: 403,
    meaning: 'Only the buyer or the seller of the order may open a dispute on it.',
  },
  DISPUTE_ALREADY_OPEN: {
    status: 409,
    meaning: 'The order already has an OPEN dispute; continue in its thread.',
  },
  DISPUTE_THREAD_CLOSED: {
    status: 409,
    meaning: 'The dispute is CLOSED; its thread no longer takes messages.',
  },
  DISPUTE_NOT_OPEN: { status: 409, meaning: 'The dispute is already CLOSED.' },
  DISPUTE_DECIDED_AT_STRIPE: {
    status: 409,
    meaning: 'The dispute is a CHARGEBACK: Stripe decides it, not an admin.',
  },
  DISPUTE_REFUND_WITHOUT_PAYMENT: {
    status: 400,
    meaning: 'A refundAmount was given, but the order has no recorded payment to refund.',
  },
  DISPUTE_REFUND_EXCEEDS_PAYMENTS: {
    status: 400,
    meaning: "The refundAmount is more than what is left to refund on the order's payment.",
  },
});

export const disputeNotFound = (id: number) =>
  DisputeErrors.DISPUTE_NOT_FOUND(`Dispute ${id} does not exist.`);
