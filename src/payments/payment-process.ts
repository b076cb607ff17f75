import { formatCents, MARKETPLACE_CURRENCY } from '../common/money';
import type { OrderStatus } from '../orders/order-status';
import type { PaymentStatus } from './payment.entity';

/**
 * The rules of a payment. It is recorded once per order and once per Stripe transaction (the
 * unique constraints payments_order_id_key and payments_stripe_tx_id_key decide races), with the
 * platform fee in force at that moment, kept for good. Money that moved is always recorded; one
 * that does not match its order is recorded for review (reviewOnRecording). Refunds add up to
 * at most the total, and the status follows what is refunded: the refund statement
 * (payments.repository.ts) sets it from REFUND_STATUS, and the check constraint
 * payments_status_matches_refund holds the database to the same rule.
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
