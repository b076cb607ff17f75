import type { PaymentStatus } from './payment.entity';

/**
 * The rules of a payment. It is recorded once per order and once per Stripe transaction (the
 * unique constraints payments_order_id_key and payments_stripe_tx_id_key decide races), with the
 * platform fee in force at that moment, kept for good. Refunds add up to at most the total,
 * and the status follows what is refunded: the refund statement (payments.repository.ts) sets
 * it from REFUND_STATUS, and the check constraint payments_status_matches_refund holds the
 * database to the same rule.
 */

/** Why a payment was not recorded; the HTTP route and the webhook each report it their way. */
export type RecordRefusal = 'ORDER_NOT_FOUND' | 'ALREADY_PAID' | 'STRIPE_TX_REUSED';

/** Why a refund was not recorded. */
export type RefundRefusal = 'NO_PAYMENT' | 'EXCEEDS_LEFT';

/** A payment's status once a refund is added: all of it refunded, or a part. */
export const REFUND_STATUS = {
  all: 'REFUNDED',
  part: 'PARTIALLY_REFUNDED',
} as const satisfies Record<'all' | 'part', PaymentStatus>;
