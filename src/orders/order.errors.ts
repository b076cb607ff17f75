import { defineErrors } from '../common/errors/domain-error';

export const OrderErrors = defineErrors({
  ORDER_NOT_FOUND: { status: 404, meaning: 'The order does not exist.' },
  ORDER_PARTY_REQUIRED: {
    status: 403,
    meaning: 'Only the buyer, the seller (or, where the route allows it, an admin) may do this.',
  },
  ORDER_OWN_LISTING: { status: 400, meaning: 'A creator cannot order their own listing.' },
  ORDER_PRICE_REQUIRED: {
    status: 400,
    meaning: 'finalPrice is required because the listing has no basePrice.',
  },
  ORDER_ALREADY_IN_STATUS: { status: 409, meaning: 'The order already has that status.' },
  ORDER_TRANSITION_NOT_ALLOWED: {
    status: 409,
    meaning: 'The lifecycle does not allow that change from the current status.',
  },
  ORDER_TRANSITION_FORBIDDEN: {
    status: 403,
    meaning: 'The change is allowed, but not to this party (e.g. only the seller starts work).',
  },
  ORDER_STATUS_NOT_IN_PROCESS: {
    status: 409,
    meaning: "The status is not part of the order's process (a DIRECT order is never DELIVERED).",
  },
  ORDER_DELIVERY_REQUIRED: {
    status: 409,
    meaning: 'A PROTECTED order is completed by posting a delivery, not by a status change.',
  },
  ORDER_NOT_DELIVERED: {
    status: 409,
    meaning: 'A PROTECTED order can be accepted only once it is DELIVERED.',
  },
  ORDER_ACCEPTANCE_BY_BUYER: {
    status: 403,
    meaning: 'Only the buyer accepts a delivery; otherwise it completes by itself.',
  },
  ORDER_REVISION_REQUEST_REQUIRED: {
    status: 409,
    meaning: 'A delivered PROTECTED order goes back to work through a revision request.',
  },
  ORDER_REVISIONS_EXHAUSTED: {
    status: 409,
    meaning: 'The order has no revisions left.',
  },
  ORDER_CANCELLATION_REQUEST_REQUIRED: {
    status: 409,
    meaning:
      'Work on a PROTECTED order has started: it is cancelled by a request the other party accepts (or, once late, by the buyer alone).',
  },
  ORDER_CHANGED_CONCURRENTLY: {
    status: 409,
    meaning: 'The order changed while the request was handled; reload it and retry.',
  },
});

export type OrderErrorCode = keyof typeof OrderErrors;

/** A conditional change found the order moved by someone else first. */
export const orderChangedConcurrently = () =>
  OrderErrors.ORDER_CHANGED_CONCURRENTLY(
    'The order changed while this request was handled; reload it and try again.',
  );

export const orderNotFound = (id: number) =>
  OrderErrors.ORDER_NOT_FOUND(`Order ${id} does not exist.`);
