import { formatCents, MARKETPLACE_CURRENCY } from '../common/money';
import type { OrderStatus } from '../orders/order-process';
import type { PaymentStatus } from './payment.entity';

/**
 * The rules of a payment. It is recorded once per order and once per Stripe transaction (the
 * unique constraints payments_order_id_key and payments_stripe_tx_id_key decide races), with the
 * platform fee in force at that moment, kept for good. Money that moved is always recorded; one
 * that does not match its order is recorded for review (reviewOnRecording). Refunds come from
 * dispute resolution (added up, at most the total) and from Stripe (its running total, taken as
 * it is); the refunded amount is the larger of the two, and the status follows it: the refund
 * statements (payments.repository.ts) set it from REFUND_STATUS, and the check constraint
 * payments_status_matches_refund holds the database to the same rule.
 */

/** Why a payment was not recorded; the HTTP route and the webhook each report it their way. */
export type RecordRefusal = 'ORDER_NOT_FOUND' | 'ALREADY_PAID' | 'STRIPE_TX_REUSED';

/** Why a refund was not recorded. */
export type RefundRefusal = 'NO_PAYMENT' | 'EXCEEDS_LEFT';

/** A payment's status from what is refunded: nothing, all of it, or a part. */
export const REFUND_STATUS = {
  none: 'SUCCEEDED',
  all: 'REFUNDED',
  part: 'PARTIALLY_REFUNDED',
} as const satisfies Record<'none' | 'all' | 'part', PaymentStatus>;

/** What a payment is checked against: the order as it is when the payment is recorded. */
export interface OrderToPay {
  id: number;
  finalPriceCents: number;
  status: OrderStatus;
}

/** An amount of money in integer cents (hundredths, also for zero-decimal currencies). */
export interface Money {
  cents: number;
  currency: string;
}

const text = (m: Money) => `${formatCents(m.cents)} ${m.currency}`;

/**
 * The one rule that decides whether a payment needs review, for the hand-recorded route and the
 * webhook alike: its amount or currency differs from the order's price (orders are priced in
 * MARKETPLACE_CURRENCY), or the order is CANCELLED. Returns the reason, in sentences a person can
 * act on, or null when the payment matches. The caller reads `order` locked (FOR SHARE) in the
 * transaction that records the payment, so the order cannot change between check and record.
 */
export function reviewOnRecording(order: OrderToPay, paid: Money): string | null {
  const price: Money = { cents: order.finalPriceCents, currency: MARKETPLACE_CURRENCY };
  const reasons: string[] = [];
  if (paid.cents !== price.cents || paid.currency !== price.currency) {
    reasons.push(`Paid ${text(paid)}, but the order is for ${text(price)}.`);
  }
  if (order.status === 'CANCELLED') {
    reasons.push(`Order ${order.id} was already CANCELLED when this payment arrived.`);
  }
  return reasons.length ? reasons.join(' ') : null;
}

/** What a refund reported by Stripe does to a payment. */
export interface StripeRefundDecision {
  /** Stripe's refunded total to keep, in cents; null leaves the payment's refunds as they are. */
  refundedCents: number | null;
  /** Why the payment needs review because of this refund, or null. */
  reviewReason: string | null;
}

/**
 * Stripe's `amount_refunded` is the running total refunded on the charge: it is taken as it is
 * (not added), never above the payment's total. A total above it, or one in another currency,
 * cannot be the payment's refund as recorded: the webhook must still answer 200 (Stripe would
 * retry a refusal for days), so the payment is marked for review instead, capped at its total
 * when the currency agrees, unchanged when it does not.
 */
export function decideStripeRefund(
  payment: { totalAmountCents: number; currency: string },
  refunded: Money,
): StripeRefundDecision {
  const total: Money = { cents: payment.totalAmountCents, currency: payment.currency };
  if (refunded.currency !== total.currency) {
    return {
      refundedCents: null,
      reviewReason:
        `Stripe reports ${text(refunded)} refunded, but this payment is in ${total.currency}; ` +
        'the refunded amount was left as it was.',
    };
  }
  if (refunded.cents > total.cents) {
    return {
      refundedCents: total.cents,
      reviewReason:
        `Stripe reports ${text(refunded)} refunded, more than the ${text(total)} of this ` +
        'payment; the refunded amount was set to the whole payment.',
    };
  }
  return { refundedCents: refunded.cents, reviewReason: null };
}

/**
 * True when a charge of payment intent `intentId` cannot be the payment recorded with
 * `stripeTxId`, because that payment was recorded from another payment intent: a second charge
 * for an order that is already paid is not that payment's refund.
 */
export function isOtherPaymentIntent(stripeTxId: string, intentId: string | null): boolean {
  return intentId !== null && stripeTxId.startsWith('pi_') && stripeTxId !== intentId;
}
